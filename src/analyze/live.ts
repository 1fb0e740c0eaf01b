/**
 * The replay engine fed live (lifeline serve): the same engine and metric
 * modules as analyze(), read at any moment, with memory kept bounded.
 *
 * Totals are counted per epoch: `rotate()` hands the engine a fresh thread
 * table and fresh modules, carrying only the threads still alive (their
 * sleep, wait or burst in progress continues), so exited threads are freed.
 * A reader takes what it needs from the old epoch before rotating (the
 * numbers of each epoch start at zero). The machine-wide histograms are not
 * per thread and live as long as this object.
 */
import type { EventBatch } from '../capture/index.js';
import { Engine } from './engine/engine.js';
import { Log2Histograms } from './metrics/log2-histograms.js';
import type { Metric } from './engine/metric.js';
import { metricModules } from './metrics/modules.js';
import { emptyMetrics } from './output/result.js';
import { Names } from './engine/sources.js';
import { StateTime } from './metrics/state-time.js';
import { ThreadTable } from './engine/thread-table.js';
import type { ProcessMetrics, ThreadMetrics } from './types.js';
import { windowFor } from './engine/window.js';

interface Epoch {
  threads: ThreadTable;
  stateTime: StateTime;
  modules: Metric[];
}

function newEpoch(names: Names, histograms: Log2Histograms): Epoch {
  const threads = new ThreadTable();
  const { stateTime, all } = metricModules(threads, names, true);
  return { threads, stateTime: stateTime!, modules: [...all, histograms] };
}

/** One process of the current epoch: its metrics and the thread indices behind them. */
export interface LiveProcess {
  tgid: number;
  metrics: ProcessMetrics;
}

export class LiveAnalysis {
  readonly names = new Names();
  readonly histograms = new Log2Histograms();
  private epoch: Epoch;
  private readonly engine: Engine;
  /** Epochs begun so far (1 for the first). */
  epochs = 1;

  constructor(startNs: number, cpus: number) {
    this.epoch = newEpoch(this.names, this.histograms);
    this.engine = new Engine(this.epoch.threads, this.names, this.epoch.modules, {
      startNs,
      cpus,
      window: windowFor(startNs, undefined, undefined),
    });
  }

  get events(): number {
    return this.engine.events;
  }

  /** Facts that contradicted a thread's state so far (engine.ts). */
  get contradictions(): number {
    return this.engine.contradictions;
  }

  /** Latest event time replayed (ns, monotonic), NaN before the first. */
  get lastTs(): number {
    return this.engine.lastTs;
  }

  get threads(): ThreadTable {
    return this.epoch.threads;
  }

  feed(batch: EventBatch): void {
    this.engine.feed(batch);
  }

  /** Every process of the current epoch with its totals so far (open stays counted up to the last event). */
  processes(): LiveProcess[] {
    const threads = this.epoch.threads;
    const byTgid = new Map<number, number[]>();
    for (let th = 0; th < threads.size; th++) {
      const tgid = threads.tgidOf(th);
      if (tgid === 0) continue;
      const list = byTgid.get(tgid);
      if (list === undefined) byTgid.set(tgid, [th]);
      else list.push(th);
    }
    this.epoch.stateTime.asOf = this.engine.lastTs;
    const out: LiveProcess[] = [];
    for (const [tgid, ths] of byTgid) {
      const metrics: ProcessMetrics = {
        tgid,
        comm: threads.processComm(tgid) ?? threads.commOf(ths[0]!),
        threads: ths.length,
        ...emptyMetrics(),
      };
      for (const m of this.epoch.modules) m.fillProcess?.(ths, metrics);
      out.push({ tgid, metrics });
    }
    return out;
  }

  /** The threads `keep` accepts, with their totals so far. */
  threadMetrics(keep: (tid: number, tgid: number, comm: string) => boolean): ThreadMetrics[] {
    const threads = this.epoch.threads;
    this.epoch.stateTime.asOf = this.engine.lastTs;
    const out: ThreadMetrics[] = [];
    for (let th = 0; th < threads.size; th++) {
      const rec = threads.recs[th]!;
      const tgid = threads.tgidOf(th);
      if (!keep(rec.tid, tgid, threads.processComm(tgid) ?? threads.commOf(th))) continue;
      const m: ThreadMetrics = {
        tid: rec.tid,
        tgid,
        comm: threads.commOf(th),
        ...emptyMetrics(),
        generation: rec.generation,
        uncertain: rec.uncertain,
      };
      for (const mod of this.epoch.modules) mod.fillThread?.(th, m);
      out.push(m);
    }
    return out;
  }

  /** Starts a new epoch: dead threads are freed, live ones carried over. */
  rotate(): void {
    const next = newEpoch(this.names, this.histograms);
    const map = this.engine.handOver(next.threads, next.modules);
    const now = this.engine.lastTs;
    if (now === now) for (let i = 0; i < map.length; i++) if (map[i]! >= 0) next.stateTime.startAt(map[i]!, now);
    this.epoch = next;
    this.epochs++;
  }
}
