/**
 * The metric modules, one list for every replay: `analyze` (offline) and serve's live analysis
 * build them here, in feed order. A module whose fields only serve exports (their catalogue
 * outputs are 'prom' alone: time per state, forks / execs / exits) runs live only; offline
 * those fields stay at zero and no output shows them.
 */
import { Bursts } from './bursts.js';
import { Lifecycle } from './lifecycle.js';
import type { Metric } from '../engine/metric.js';
import { RunqDelay } from './runq-delay.js';
import { SleepReasons } from './sleep-reasons.js';
import { Sleeps } from './sleeps.js';
import { Slices } from './slices.js';
import type { Names } from '../engine/sources.js';
import { StateTime } from './state-time.js';
import type { ThreadTable } from '../engine/thread-table.js';
import { WakeRows } from './wake-rows.js';
import { Wakers } from './wakers.js';

export interface MetricModules {
  slices: Slices;
  sleeps: Sleeps;
  wakers: Wakers;
  sleepReasons: SleepReasons;
  /** Live only (null offline). */
  stateTime: StateTime | null;
  /** Every module, in feed order. */
  all: Metric[];
}

/**
 * The metric modules of a replay. `live` (serve) adds the live-only ones; the sleep reasons keep
 * their stacks and wakers only when `reasonStacks` (never live: a scrape reads the totals).
 */
export function metricModules(threads: ThreadTable, names: Names, live: boolean, reasonStacks = !live): MetricModules {
  const slices = new Slices();
  const sleeps = new Sleeps();
  // one table of the wakeups, from which the wakers read their pairs and the sleep reasons their groups
  const wakeRows = new WakeRows(names);
  const wakers = new Wakers(threads, names, wakeRows);
  const sleepReasons = new SleepReasons(threads, names, wakeRows, live || !reasonStacks);
  const stateTime = live ? new StateTime(threads) : null;
  const all: Metric[] = [slices, sleeps, new RunqDelay(), new Bursts(), wakeRows, wakers, sleepReasons];
  if (live) all.push(new Lifecycle(), stateTime!);
  return { slices, sleeps, wakers, sleepReasons, stateTime, all };
}
