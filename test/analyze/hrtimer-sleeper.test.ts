import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { armHrtimer, comm, expire, hrtimerWake, R, S, sw, sym, us } from '../helpers/sched-events.js';

const STRESS = 100;
const SLEEPER = 200;
const N = 4;

/** sleeper: nanosleep loop woken by the local timer (hrtimer_wakeup) while stress hogs cpu 0. */
function rows(): EventRow[] {
  const out: EventRow[] = [comm(STRESS, STRESS, 'stress'), comm(SLEEPER, SLEEPER, 'sleeper'), sym(7, 'hrtimer_wakeup')];
  // the sleeper arms its own nanosleep timer before each sleep
  out.push(armHrtimer(59, 1, 0x51, SLEEPER, 7, 941));
  out.push(sw(60, 1, SLEEPER, 0, S)); // running since the capture start on cpu 1: a partial slice
  for (let k = 0; k < N; k++) {
    const w = 1000 + 1000 * k;
    out.push(expire(w, 0, 0x51, 7, STRESS));
    out.push(hrtimerWake(w, 0, SLEEPER, STRESS, 7));
    out.push(sw(w + 10, 0, STRESS, SLEEPER, R, true));
    out.push(armHrtimer(w + 59, 0, 0x51, SLEEPER, 7, 941));
    out.push(sw(w + 60, 0, SLEEPER, STRESS, S));
  }
  return out;
}

describe('a sleeper woken by an hrtimer while stress runs', () => {
  it('counts N sleeps of 940 µs, all woken by local_timer/hrtimer_wakeup armed by the sleeper itself, and reattributed', async () => {
    const { result } = await analyze(memoryCapture(rows()), {});
    const sleeper = result.threads.find((t) => t.tid === SLEEPER)!;
    expect(sleeper.comm).toBe('sleeper');
    expect(sleeper.sleeps).toBe(N);
    expect(sleeper.sleepsS).toBe(N);
    expect(sleeper.sleepsD).toBe(0);
    expect(sleeper.sleepNs).toEqual({ total: N * 940_000, mean: 940_000, p50: 940_000, p95: 940_000, max: 940_000 });
    expect(sleeper.wakeups).toBe(N);
    expect(sleeper.wakers).toEqual([
      {
        source: { kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' },
        cause: { kind: 'task', tid: SLEEPER, tgid: SLEEPER, comm: 'sleeper' },
        count: N,
      },
    ]);
    expect(sleeper.reattributed).toBe(N);
    expect(sleeper.runqDelayNs).toEqual({ mean: 10_000, p95: 10_000, max: 10_000 });
    expect(sleeper.bursts).toBe(N);
    expect(sleeper.meanBurstRunNs).toBe(50_000);
    expect(sleeper.meanSlicesPerBurst).toBe(1);
    expect(sleeper.slices).toBe(N);
    expect(sleeper.meanSliceNs).toBe(50_000);
    expect(sleeper.runNs).toBe(60_000 + N * 50_000);
    expect(sleeper.uncertain).toBe(false);
    expect(result.reattributed).toBe(N);
  });

  it('never names stress as a waker, and accounts its preemptions', async () => {
    const { result } = await analyze(memoryCapture(rows()), {});
    const stress = result.threads.find((t) => t.tid === STRESS)!;
    // its own timer: the edge goes from the sleeper to itself, through the timer interrupt
    expect(result.edges).toEqual([
      {
        from: { kind: 'task', tid: SLEEPER, tgid: SLEEPER, comm: 'sleeper' },
        via: { kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' },
        to: { tid: SLEEPER, tgid: SLEEPER, comm: 'sleeper' },
        count: N,
      },
    ]);
    expect(result.edges.some((e) => e.from.tid === STRESS || e.via?.tid === STRESS)).toBe(false);
    // First stay [0, 1010 µs] is partial: run time but no slice; then 3 whole slices of 950 µs.
    expect(stress.runNs).toBe(1_010_000 + 3 * 950_000);
    expect(stress.slices).toBe(3);
    expect(stress.meanSliceNs).toBe(950_000);
    expect(stress.wakeups).toBe(0);
    expect(stress.bursts).toBe(0);
    expect(stress.preemptions).toBe(N);
    expect(stress.preemptDelayNs).toEqual({ mean: 50_000, p95: 50_000, max: 50_000 });
    expect(stress.runqDelayNs).toEqual({ mean: 0, p95: 0, max: 0 });
    expect(result.capture.durationNs).toBe(us(4060) - us(0));
  });
});
