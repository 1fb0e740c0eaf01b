/**
 * From the live analysis to bounded Prometheus series.
 *
 * Cardinality rules (README, "lifeline serve"):
 * - per process, series are labelled by comm; at most `top` comms have their
 *   own series, admitted by CPU time among the comms active since the last
 *   collection while a place is free, and kept (sticky) until they have been
 *   idle for `retireMs`; every other process adds to comm="other", so
 *   counters stay monotonic whoever is admitted;
 * - who-wakes-whom: at most MAX_PAIRS (waker, wakee) pairs, admitted by
 *   their wakeups since the last collection while a place is free and kept;
 *   further pairs add to waker="other", wakee="other";
 * - per thread only for --watch targets, at most MAX_WATCHED_THREADS threads;
 * - a family with an open label (sleep reasons): per entity (comm label, or
 *   watched thread) at most `open.top` values of it, admitted by their time
 *   since the last collection while a place is free, kept until idle for
 *   `retireMs`; the other values add to reason="other". So a process name has
 *   at most top + 1 series of it, whatever its code sleeps in.
 *
 * Counters are fed deltas: each process's totals of the current epoch are
 * remembered and the difference since the last collection is added to the
 * series the process maps to now. At an epoch change the remembered totals
 * start again from zero, as the epoch's numbers do.
 */
import { diagnostic, type DiagnosticId } from '../diagnostics.js';
import { sourceId, type LiveAnalysis, type Log2Histogram, type ProcessMetrics } from '../analyze/index.js';
import { printable } from '../sanitize.js';
import { entityFamilies, type EntityFamily, type Metrics } from './families.js';
import { Exposition, Family, HistogramFamily, nsAsSeconds } from './registry.js';

export const OTHER = 'other';
export const MAX_PAIRS = 100;
export const MAX_WATCHED_THREADS = 16;
export const DEFAULT_TOP = 40;
export const DEFAULT_RETIRE_MS = 5 * 60_000;
const NS = 1e-9;

export interface ExporterOptions {
  top: number;
  /** Processes (pid) or names (comm) whose threads get series of their own. */
  watch: readonly (number | string)[];
  retireMs?: number;
  version: string;
}

/**
 * A comm as a label value: the exact name, control characters replaced (prom-client escapes
 * \\, " and newlines on output; nothing is escaped twice).
 */
export function commLabel(comm: string): string {
  return printable(comm);
}

export class Exporter {
  readonly exposition = new Exposition();
  private readonly processSpecs: EntityFamily[];
  private readonly threadSpecs: EntityFamily[];
  private readonly processFamilies: Family[];
  private readonly threadFamilies: Family[];
  private readonly pairs: Family;
  private readonly folded: Family;
  private readonly seriesGauge: Family;
  readonly events: Family;
  readonly lost: Family;
  readonly replayHeap: Family;
  readonly late: Family;
  readonly contradictions: Family;
  readonly stacksMissing: Family;
  /** Admitted comm → last collection (ms) it was active. */
  private readonly admitted = new Map<string, number>();
  /** Per process of the current epoch: its totals at the last collection, by family index and series. */
  private prev = new Map<number, Float64Array>();
  private prevPairs = new Map<string, number>();
  private prevThreads = new Map<string, Float64Array>();
  private readonly threadSeen = new Map<string, number>();
  /** Open families, by their index in processSpecs / threadSpecs: admitted values per entity. */
  private readonly processOpen = new Map<number, OpenState>();
  private readonly threadOpen = new Map<number, OpenState>();
  private epoch = -1;
  private readonly retireMs: number;

  constructor(private readonly opts: ExporterOptions) {
    this.retireMs = opts.retireMs ?? DEFAULT_RETIRE_MS;
    const e = this.exposition;
    this.processSpecs = entityFamilies('process');
    this.threadSpecs = entityFamilies('thread');
    this.processFamilies = this.processSpecs.map((f) =>
      e.add(
        new Family(`lifeline_process_${f.name}`, `${f.help} Per process name; the rest in comm="other".`, f.type, [
          'comm',
          ...f.labels,
        ]),
      ),
    );
    this.threadFamilies = this.threadSpecs.map((f) =>
      e.add(
        new Family(`lifeline_thread_${f.name}`, `${f.help} Per thread of a --watch target.`, f.type, [
          'comm',
          'pid',
          'tid',
          ...f.labels,
        ]),
      ),
    );
    this.pairs = e.add(
      new Family(
        'lifeline_wakeup_pairs_total',
        "Who wakes whom: wakeups of processes (wakee comm) by their cause (waker comm for a task: the one that ran the wakeup, raised its softirq, armed its timer or queued the kworker's work item; else the interrupt kind; what ran the wakeup when its cause is unknown).",
        'counter',
        ['waker', 'wakee'],
      ),
    );
    this.events = e.add(new Family('lifeline_events_total', 'Events recorded, by kind.', 'counter', ['kind']));
    this.lost = e.add(diagnosticFamily('lost'));
    this.replayHeap = e.add(
      new Family('lifeline_replay_heap_used_bytes', "JS heap in use on serve's replay thread.", 'gauge', []),
    );
    this.late = e.add(diagnosticFamily('late'));
    this.contradictions = e.add(diagnosticFamily('contradictions'));
    this.stacksMissing = e.add(diagnosticFamily('stacks'));
    this.folded = e.add(
      new Family(
        'lifeline_folded_comms',
        'Process names active at the last collection whose numbers went to comm="other".',
        'gauge',
        [],
      ),
    );
    this.seriesGauge = e.add(new Family('lifeline_series', 'Series in this exposition.', 'gauge', []));
    e.add(new Family('lifeline_build_info', 'lifeline version.', 'gauge', ['version'])).set([opts.version], 1);
    this.late.add([], 0);
    this.contradictions.add([], 0);
    const openStates = (specs: EntityFamily[], into: Map<number, OpenState>) =>
      specs.forEach((f, fi) => {
        if (f.open) into.set(fi, { top: f.open.top, admitted: new Map(), prev: new Map() });
      });
    openStates(this.processSpecs, this.processOpen);
    openStates(this.threadSpecs, this.threadOpen);
  }

  /** Machine-wide histograms, read from the live analysis at each scrape. */
  histograms(live: LiveAnalysis): void {
    const h = live.histograms;
    const seconds = (x: Log2Histogram) => () => ({
      bounds: x.bounds,
      le: nsAsSeconds,
      cumulative: x.cumulative(),
      sum: x.sum * NS,
      count: x.count,
    });
    const plain = (x: Log2Histogram) => () => ({
      bounds: x.bounds,
      cumulative: x.cumulative(),
      sum: x.sum,
      count: x.count,
    });
    const e = this.exposition;
    e.add(
      new HistogramFamily(
        'lifeline_runqueue_delay_seconds',
        'Run-queue delay of every thread, by cause (wakeup or preemption).',
      ),
    )
      .part({ cause: 'wakeup' }, seconds(h.runqWakeup))
      .part({ cause: 'preempt' }, seconds(h.runqPreempt));
    e.add(
      new HistogramFamily(
        'lifeline_burst_run_seconds',
        'Run time per burst (first switch-in after a wakeup to the next sleep), every thread.',
      ),
    ).part({}, seconds(h.burstRun));
    e.add(
      new HistogramFamily('lifeline_burst_slices', 'Slices per burst (1: answered within one slice), every thread.'),
    ).part({}, plain(h.burstSlices));
  }

  /** Brings every series up to the live analysis' current totals. */
  collect(live: LiveAnalysis, nowMs = Date.now()): void {
    if (live.epochs !== this.epoch) {
      this.epoch = live.epochs;
      this.prev = new Map();
      this.prevPairs = new Map();
      this.prevThreads = new Map();
      for (const o of [...this.processOpen.values(), ...this.threadOpen.values()]) o.prev = new Map();
    }
    const procs = live.processes();
    const totals = procs.map((p) => this.flatten(this.processSpecs, p.metrics));
    const deltas = procs.map((p, i) => this.delta(this.prev, p.tgid, totals[i]!));
    this.admit(
      procs.map((p) => p.metrics),
      deltas,
      nowMs,
    );
    const folded = new Set<string>();
    procs.forEach((p, i) => {
      const d = deltas[i]!;
      if (!d.some((x) => x > 0)) return;
      const comm = commLabel(p.metrics.comm);
      const label = this.admitted.has(comm) ? comm : OTHER;
      if (label === OTHER) folded.add(comm);
      else this.admitted.set(comm, nowMs);
      this.apply(this.processSpecs, this.processFamilies, [label], p.metrics, d);
    });
    this.folded.set([], folded.size);
    this.collectOpen(
      this.processSpecs,
      this.processFamilies,
      this.processOpen,
      procs.map((p) => ({ key: String(p.tgid), entity: [this.labelOf(p.metrics.comm)], m: p.metrics })),
      nowMs,
    );
    this.collectPairs(procs.map((p) => p.metrics));
    this.collectThreads(live, nowMs);
    this.retire(nowMs);
    this.seriesGauge.set([], this.exposition.seriesCount());
  }

  /** Every family's values of one entity, flattened in family order. */
  private flatten(specs: EntityFamily[], m: Metrics): Float64Array {
    const values = specs.flatMap((f) => (f.open ? [] : f.read(m)));
    return Float64Array.from(values, (v) => v.value);
  }

  private delta<K>(prev: Map<K, Float64Array>, key: K, now: Float64Array): Float64Array {
    const before = prev.get(key);
    prev.set(key, now);
    if (before === undefined) return now;
    const d = new Float64Array(now.length);
    for (let i = 0; i < now.length; i++) d[i] = Math.max(0, now[i]! - before[i]!);
    return d;
  }

  private apply(
    specs: EntityFamily[],
    families: Family[],
    entity: readonly string[],
    m: Metrics,
    d: Float64Array,
  ): void {
    let k = 0;
    specs.forEach((f, fi) => {
      if (f.open) return;
      for (const v of f.read(m)) families[fi]!.add([...entity, ...v.labels], d[k++]!, v.suffix);
    });
  }

  /** Admits the busiest new comms (by CPU time since the last collection) while places are free. */
  private admit(metrics: ProcessMetrics[], deltas: Float64Array[], nowMs: number): void {
    if (this.admitted.size >= this.opts.top) return;
    const cpu = new Map<string, number>();
    metrics.forEach((m, i) => {
      const comm = commLabel(m.comm);
      if (comm === OTHER || this.admitted.has(comm) || !deltas[i]!.some((x) => x > 0)) return;
      cpu.set(comm, (cpu.get(comm) ?? 0) + deltas[i]![0]!);
    });
    const ranked = [...cpu].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [comm] of ranked) {
      if (this.admitted.size >= this.opts.top) break;
      this.admitted.set(comm, nowMs);
    }
  }

  /**
   * The open families (sleep reasons) of these rows: each row's totals since the last collection,
   * added under its entity's labels to the value's series when the value is admitted for that
   * entity (the entity's busiest new values take the free places), else to "other".
   */
  private collectOpen(
    specs: EntityFamily[],
    families: Family[],
    states: Map<number, OpenState>,
    rows: { key: string; entity: readonly string[]; m: Metrics }[],
    nowMs: number,
  ): void {
    for (const [fi, o] of states) {
      const byEntity = new Map<string, { entity: readonly string[]; adds: { labels: string[]; d: number }[] }>();
      for (const r of rows) {
        for (const v of specs[fi]!.read(r.m)) {
          const labels = [commLabel(v.labels[0]!), ...v.labels.slice(1)];
          const k = `${r.key}\u0002${Family.key(labels, v.suffix)}`;
          const d = v.value - (o.prev.get(k) ?? 0);
          o.prev.set(k, v.value);
          if (!(d > 0)) continue;
          const ek = Family.key(r.entity);
          const g = byEntity.get(ek);
          if (g === undefined) byEntity.set(ek, { entity: r.entity, adds: [{ labels, d }] });
          else g.adds.push({ labels, d });
        }
      }
      for (const [ek, { entity, adds }] of byEntity) {
        let admitted = o.admitted.get(ek);
        if (admitted === undefined) o.admitted.set(ek, (admitted = new Map()));
        const fresh = new Map<string, number>();
        for (const a of adds) {
          const v = a.labels[0]!;
          if (v !== OTHER && !admitted.has(v)) fresh.set(v, (fresh.get(v) ?? 0) + a.d);
        }
        const ranked = [...fresh].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        for (const [v] of ranked) {
          if (admitted.size >= o.top) break;
          admitted.set(v, nowMs);
        }
        for (const a of adds) {
          const v = a.labels[0]!;
          const own = admitted.has(v);
          if (own) admitted.set(v, nowMs);
          families[fi]!.add([...entity, own ? v : OTHER, ...a.labels.slice(1)], a.d);
        }
      }
    }
  }

  /** Frees the places of open values idle for retireMs (their series go). */
  private retireOpen(
    specs: EntityFamily[],
    families: Family[],
    states: Map<number, OpenState>,
    entityLabels: readonly string[],
    nowMs: number,
  ): void {
    for (const [fi, o] of states) {
      const label = specs[fi]!.labels[0]!;
      for (const [ek, admitted] of o.admitted) {
        const entity = ek.slice(0, ek.lastIndexOf('\u0001')).split('\u0000');
        for (const [v, last] of admitted) {
          if (nowMs - last < this.retireMs) continue;
          admitted.delete(v);
          const want: Record<string, string> = { [label]: v };
          entityLabels.forEach((n, i) => (want[n] = entity[i]!));
          families[fi]!.removeMatching(want);
        }
        if (admitted.size === 0) o.admitted.delete(ek);
      }
    }
  }

  private collectPairs(metrics: ProcessMetrics[]): void {
    const fresh = new Map<string, { key: string[]; d: number }>();
    for (const m of metrics) {
      const wakee = this.labelOf(m.comm);
      for (const w of m.wakers) {
        const from = w.cause !== undefined && w.cause.kind !== 'unknown' ? w.cause : w.source;
        const waker = from.kind === 'task' ? this.labelOf(from.comm ?? '') : from.kind;
        const id = `${m.tgid}\u0000${sourceId(w.source)}\u0000${w.cause !== undefined ? sourceId(w.cause) : ''}`;
        const before = this.prevPairs.get(id) ?? 0;
        this.prevPairs.set(id, w.count);
        const d = w.count - before;
        if (d <= 0) continue;
        const key = [waker, wakee];
        const k = Family.key(key);
        if (this.pairs.series.has(k)) this.pairs.add(key, d);
        else {
          const f = fresh.get(k);
          if (f === undefined) fresh.set(k, { key, d });
          else f.d += d;
        }
      }
    }
    // New pairs: the busiest take the free places.
    for (const { key, d } of [...fresh.values()].sort((a, b) => b.d - a.d)) {
      this.pairs.add(this.pairs.series.size < MAX_PAIRS ? key : [OTHER, OTHER], d);
    }
  }

  private labelOf(comm: string): string {
    const c = commLabel(comm);
    return this.admitted.has(c) ? c : OTHER;
  }

  private watched(tgid: number, comm: string): boolean {
    return this.opts.watch.some((w) => (typeof w === 'number' ? w === tgid : w === comm));
  }

  private collectThreads(live: LiveAnalysis, nowMs: number): void {
    if (this.opts.watch.length === 0) return;
    const threads = live.threadMetrics((_tid, tgid, comm) => this.watched(tgid, comm));
    for (const t of threads) {
      const key = `${t.tgid}/${t.tid}`;
      if (!this.threadSeen.has(key) && this.threadSeen.size >= MAX_WATCHED_THREADS) continue;
      const d = this.delta(this.prevThreads, key, this.flatten(this.threadSpecs, t));
      if (!d.some((x) => x > 0)) continue;
      this.threadSeen.set(key, nowMs);
      const entity = [commLabel(t.comm), String(t.tgid), String(t.tid)];
      this.apply(this.threadSpecs, this.threadFamilies, entity, t, d);
      this.collectOpen(this.threadSpecs, this.threadFamilies, this.threadOpen, [{ key, entity, m: t }], nowMs);
    }
  }

  /** Frees the places of comms (and watched threads) idle for retireMs. */
  private retire(nowMs: number): void {
    for (const [comm, last] of this.admitted) {
      if (nowMs - last < this.retireMs) continue;
      this.admitted.delete(comm);
      for (const f of this.processFamilies) f.removeWhere('comm', comm);
      for (const o of this.processOpen.values()) o.admitted.delete(Family.key([comm]));
    }
    this.retireOpen(this.processSpecs, this.processFamilies, this.processOpen, ['comm'], nowMs);
    this.retireOpen(this.threadSpecs, this.threadFamilies, this.threadOpen, ['comm', 'pid', 'tid'], nowMs);
    for (const [key, last] of this.threadSeen) {
      if (nowMs - last < this.retireMs) continue;
      this.threadSeen.delete(key);
      const tid = key.slice(key.indexOf('/') + 1);
      for (const f of this.threadFamilies) f.removeWhere('tid', tid);
      for (const o of this.threadOpen.values())
        for (const ek of o.admitted.keys()) if (ek.endsWith(`\u0000${tid}\u0001`)) o.admitted.delete(ek);
    }
  }
}

/** An open family's places: per entity (its label values' key), admitted value → last collection (ms) active. */
interface OpenState {
  top: number;
  admitted: Map<string, Map<string, number>>;
  /** Each row's series totals at the last collection (current epoch). */
  prev: Map<string, number>;
}

/** serve's counter of a diagnostic, as the diagnostics catalogue (src/diagnostics.ts) names it. */
function diagnosticFamily(id: DiagnosticId): Family {
  const p = diagnostic(id).prom!;
  return new Family(p.name, p.help, 'counter', [...p.labels]);
}
