/**
 * The metric catalogue: every per-thread / per-process field of the analysis
 * declared once — key, unit, kind, title, one-line help, the outputs that
 * show it, and how each output lays it out. The JSON (json.ts), the terminal
 * table (format-table.ts), the HTML table (report/html/metrics-table.ts), the
 * zero row (result.ts emptyMetrics), the field table of docs/metrics.md
 * (catalogue-doc.ts) and the Prometheus families of `serve` iterate this
 * list; adding an entry here is the only edit that makes a field appear in
 * all of them (the module that computes it still has to fill it).
 *
 * This is data read once per output row, never by the replay's hot loop.
 */
import type { DelayStats, DurationStats, ProcessMetrics, SleepReason, ThreadMetrics, WakerCount } from '../types.js';

/** Where a field can be shown. */
export type Output = 'json' | 'table' | 'html' | 'docs' | 'prom';
export const OUTPUTS: readonly Output[] = ['json', 'table', 'html', 'docs', 'prom'];

/** A thread row or a process row. */
export type Scope = 'thread' | 'process';
export type MetricRow = ThreadMetrics | ProcessMetrics;

/**
 * ns: a duration in nanoseconds (seconds in Prometheus); count: a number of events;
 * ratio: a plain number (a mean of counts); index: a small identifying number;
 * flag: true/false.
 */
export type Unit = 'ns' | 'count' | 'ratio' | 'index' | 'flag';

/** The statistics a distribution can give, in this order in the JSON. */
export type Stat = 'total' | 'mean' | 'p50' | 'p95' | 'max';

/** One column of the terminal or the HTML table. */
export interface ColumnSpec {
  title: string;
  /** For a distribution: the statistic shown. */
  stat?: Stat;
  /** HTML header tooltip (defaults to the entry's help). */
  hint?: string;
}

/** A count that is the sum of labelled parts (sleeps = S + D): each part is also a field of its own. */
export interface Split {
  /** Prometheus label name, e.g. "state". */
  label: string;
  parts: readonly { value: string; key: MetricKey; read: (m: MetricRow) => number }[];
}

/**
 * What `serve` needs to expose the field as a Prometheus family named
 * `lifeline_<scope>_<name>`: durations are in seconds (see promScale), a
 * counter is monotonic over a live run, a gauge may go down, a summary is a
 * distribution (its p50/p95 as quantiles, `total` as _sum, `countKey`'s
 * value as _count when given, `max` as a `<name>_max` gauge).
 */
export interface PromSpec {
  name: string;
  type: 'counter' | 'gauge' | 'summary';
  /** For a summary: the count field that goes with it (e.g. sleeps for sleepNs). */
  countKey?: MetricKey;
  /** For a summary whose distribution has no `total` stat: the field holding the sum. */
  sumKey?: MetricKey;
  /**
   * For a summary kept apart by a label (run-queue delay by cause): one `_sum`/`_count` pair per
   * part, each from its own fields, instead of countKey/sumKey.
   */
  parts?: { label: string; values: readonly { value: string; sumKey: MetricKey; countKey: MetricKey }[] };
  /** HELP text when it differs from the entry's help (a family with parts covers more). */
  help?: string;
  /**
   * For a 'reasons' counter (one series per reason): at most this many reasons of each
   * process name (or watched thread) have series of their own, the rest add to reason="other".
   */
  top?: number;
}

/** A field of a thread's or a process's row: what a catalogue key names. */
export type MetricKey = keyof ThreadMetrics | keyof ProcessMetrics;

interface Common {
  /** JSON key and field name of ThreadMetrics / ProcessMetrics. */
  key: MetricKey;
  unit: Unit;
  title: string;
  /** One line: the HTML tooltip, the Prometheus HELP. */
  help: string;
  /** The definition in docs/metrics.md (defaults to help). */
  definition?: string;
  scopes: readonly Scope[];
  outputs: readonly Output[];
  /** Terminal table columns (when outputs has 'table'). */
  table?: readonly ColumnSpec[];
  /** HTML table columns (when outputs has 'html'). */
  html?: readonly ColumnSpec[];
  /** Prometheus family (when outputs has 'prom'). */
  prom?: PromSpec;
  /** For a count: its labelled parts, each also a field. */
  split?: Split;
  /** The name `analyze --sort` knows it by (largest first); for a distribution, the stat it sorts on. */
  sort?: { name: string; stat?: Stat };
}

export interface NumberMetric extends Common {
  kind: 'count' | 'duration' | 'ratio' | 'identity';
  read: (m: MetricRow) => number;
}

export interface DistributionMetric extends Common {
  kind: 'distribution';
  stats: readonly Stat[];
  read: (m: MetricRow) => Partial<Record<Stat, number>>;
}

export interface FlagMetric extends Common {
  kind: 'flag';
  read: (m: MetricRow) => boolean;
}

/** Who woke the row, by source, most frequent first. */
export interface SourcesMetric extends Common {
  kind: 'sources';
  read: (m: MetricRow) => readonly WakerCount[];
}

/** Where the row's sleeps began (sleep reasons), most time first. */
export interface ReasonsMetric extends Common {
  kind: 'reasons';
  read: (m: MetricRow) => readonly SleepReason[];
}

export type MetricDef = NumberMetric | DistributionMetric | FlagMetric | SourcesMetric | ReasonsMetric;
export type MetricKind = MetricDef['kind'];
export type Catalogue = readonly MetricDef[];

const BOTH: readonly Scope[] = ['thread', 'process'];
const EVERYWHERE: readonly Output[] = OUTPUTS;

/** Multiplier from the catalogue unit to the Prometheus base unit. */
export function promScale(unit: Unit): number {
  return unit === 'ns' ? 1e-9 : 1;
}

/** The Prometheus quantile of a percentile stat (p95 → 0.95), undefined for the others. */
export function quantileOf(stat: Stat): number | undefined {
  return stat.startsWith('p') ? Number(stat.slice(1)) / 100 : undefined;
}

const delay = (d: DelayStats): Partial<Record<Stat, number>> => d;
const duration = (d: DurationStats): Partial<Record<Stat, number>> => d;

/** Every field, in JSON order (after tid, tgid, comm; a process's `threads` comes last). */
export const CATALOGUE: Catalogue = [
  {
    key: 'generation',
    kind: 'identity',
    unit: 'index',
    title: 'generation',
    help: 'which thread of this tid: 0 for the first seen, 1 for the next after it exited, …',
    definition:
      'Which thread identity of this tid: 0 for the first one seen, one more each time the tid is reused (see above).',
    scopes: ['thread'],
    outputs: ['json', 'docs'],
    read: (m) => ('generation' in m ? m.generation : 0),
  },
  {
    key: 'runNs',
    kind: 'duration',
    unit: 'ns',
    title: 'run',
    help: 'total time on a CPU',
    definition: 'Time on a CPU inside the window. Includes the partial stays at the edges (see below).',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'RUN ms' }],
    html: [{ title: 'run' }],
    prom: { name: 'run_seconds_total', type: 'counter' },
    sort: { name: 'run' },
    read: (m) => m.runNs,
  },
  {
    key: 'slices',
    kind: 'count',
    unit: 'count',
    title: 'slices',
    help: 'continuous stays on a CPU',
    definition:
      'A **slice** is one stay on a CPU, from its switch-in to its switch-out. Only slices whose two ends were seen inside the window count.',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'SLICES' }],
    html: [{ title: 'slices' }],
    prom: { name: 'slices_total', type: 'counter' },
    sort: { name: 'slices' },
    read: (m) => m.slices,
  },
  {
    key: 'meanSliceNs',
    kind: 'duration',
    unit: 'ns',
    title: 'mean slice',
    help: 'mean slice length',
    definition: 'Mean length of those slices.',
    scopes: BOTH,
    outputs: ['json', 'table', 'html', 'docs'],
    table: [{ title: 'SLICE ms' }],
    html: [{ title: 'mean slice' }],
    read: (m) => m.meanSliceNs,
  },
  {
    key: 'sleeps',
    kind: 'count',
    unit: 'count',
    title: 'sleeps (S / D)',
    help: 'sleeps, and of those interruptible (S) / uninterruptible (D)',
    definition:
      'A **sleep** runs from a switch-out in state S (interruptible; `TASK_IDLE` = D\\|NOLOAD and parked kthreads count as S) or D (uninterruptible, including `TASK_KILLABLE`) to the waking of that thread. Stopped/traced (T) stays are not sleeps. `sleepsS` and `sleepsD` count them apart.',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'SLEEPS S/D' }],
    html: [{ title: 'sleeps (S / D)' }],
    prom: { name: 'sleeps_total', type: 'counter' },
    sort: { name: 'sleeps' },
    read: (m) => m.sleeps,
    split: {
      label: 'state',
      parts: [
        { value: 'S', key: 'sleepsS', read: (m) => m.sleepsS },
        { value: 'D', key: 'sleepsD', read: (m) => m.sleepsD },
      ],
    },
  },
  {
    key: 'sleepNs',
    kind: 'distribution',
    unit: 'ns',
    title: 'sleep',
    help: 'length of the sleeps',
    definition: 'Length of those sleeps: total, mean, p50, p95, max.',
    stats: ['total', 'mean', 'p50', 'p95', 'max'],
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [
      { title: 'SLEEP ms', stat: 'mean' },
      { title: 'P95 ms', stat: 'p95' },
    ],
    html: [
      { title: 'sleep mean', stat: 'mean', hint: 'mean sleep' },
      { title: 'sleep p95', stat: 'p95', hint: '95th percentile sleep' },
    ],
    prom: { name: 'sleep_seconds', type: 'summary', countKey: 'sleeps' },
    read: (m) => duration(m.sleepNs),
  },
  {
    key: 'wakeups',
    kind: 'count',
    unit: 'count',
    title: 'wakeups',
    help: 'times woken',
    definition: 'Wakings (`sched_waking` and `sched_wakeup_new`) of the thread that found it off the run queue.',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'WAKEUPS' }],
    html: [{ title: 'wakeups' }],
    prom: { name: 'wakeups_total', type: 'counter' },
    sort: { name: 'wakeups' },
    read: (m) => m.wakeups,
  },
  {
    key: 'spuriousWakeups',
    kind: 'count',
    unit: 'count',
    title: 'spurious wakeups',
    help: 'wakings that found the thread still on a run queue (ON_RQ): they ended no sleep',
    definition:
      'Wakings flagged `ON_RQ` (the target was still on a run queue, usually still running before its switch-out) of a thread that is not asleep by its own switch-out. They end no sleep, start no burst and are not in `wakeups` or `wakers`.',
    scopes: BOTH,
    outputs: ['json', 'docs', 'prom'],
    prom: { name: 'spurious_wakeups_total', type: 'counter' },
    read: (m) => m.spuriousWakeups,
  },
  {
    key: 'runqDelayNs',
    kind: 'distribution',
    unit: 'ns',
    title: 'run-queue delay',
    help: 'wait from a wakeup to running',
    definition: '**Run-queue delay after a wakeup**: from the waking to the next switch-in (mean, p95, max).',
    stats: ['mean', 'p95', 'max'],
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [
      { title: 'RUNQ ms', stat: 'mean' },
      { title: 'P95 ms', stat: 'p95' },
      { title: 'MAX ms', stat: 'max' },
    ],
    html: [
      { title: 'run-queue mean', stat: 'mean', hint: 'mean wait from a wakeup to running' },
      { title: 'run-queue p95', stat: 'p95', hint: '95th percentile wait from a wakeup to running' },
      { title: 'run-queue max', stat: 'max', hint: 'longest wait from a wakeup to running' },
    ],
    // one family for both causes of a wait: the delay after preemptions (preemptDelayNs) is its
    // cause="preempt" part
    prom: {
      name: 'runq_delay_seconds',
      type: 'summary',
      help: 'wait to run again, from a wakeup (cause="wakeup") or a preemption (cause="preempt")',
      parts: {
        label: 'cause',
        values: [
          { value: 'wakeup', sumKey: 'runqWaitNs', countKey: 'runqWaits' },
          { value: 'preempt', sumKey: 'preemptWaitNs', countKey: 'preemptions' },
        ],
      },
    },
    sort: { name: 'runq', stat: 'mean' },
    read: (m) => delay(m.runqDelayNs),
  },
  {
    key: 'runqWaits',
    kind: 'count',
    unit: 'count',
    title: 'run-queue waits',
    help: 'waits from a wakeup to running that were measured (the count behind runqDelayNs)',
    definition:
      'Waits from a waking to the next switch-in, both seen in the window: the waits measured in `runqDelayNs`.',
    scopes: BOTH,
    // the _count{cause="wakeup"} of the runq_delay_seconds summary; shown nowhere by itself
    outputs: [],
    read: (m) => m.runqWaits,
  },
  {
    key: 'runqWaitNs',
    kind: 'duration',
    unit: 'ns',
    title: 'run-queue delay, summed',
    help: 'the delays measured in runqDelayNs, summed',
    scopes: BOTH,
    // the _sum{cause="wakeup"} of the runq_delay_seconds summary; shown nowhere by itself
    outputs: [],
    read: (m) => m.runqWaitNs,
  },
  {
    key: 'preemptWaitNs',
    kind: 'duration',
    unit: 'ns',
    title: 'run-queue delay after preemption, summed',
    help: 'the delays measured in preemptDelayNs, summed',
    scopes: BOTH,
    // the _sum{cause="preempt"} of the runq_delay_seconds summary; shown nowhere by itself
    outputs: [],
    read: (m) => m.preemptWaitNs,
  },
  {
    key: 'preemptions',
    kind: 'count',
    unit: 'count',
    title: 'preemptions',
    help: 'switch-outs in state R (preempted or yielded) whose wait for the next switch-in was seen',
    definition:
      'Switch-outs in state R (the `PREEMPT` flag, or state 0 = yield) followed by a switch-in, both in the window: the waits measured in `preemptDelayNs`. In Prometheus: `runq_delay_seconds_count{cause="preempt"}`.',
    scopes: BOTH,
    // Prometheus: the _count{cause="preempt"} of the runq_delay_seconds summary
    outputs: ['json', 'docs'],
    read: (m) => m.preemptions,
  },
  {
    key: 'preemptDelayNs',
    kind: 'distribution',
    unit: 'ns',
    title: 'run-queue delay after preemption',
    help: 'wait from a preemption to running again',
    definition:
      '**Run-queue delay after a preemption**: from a switch-out in state R to the next switch-in (mean, p95, max). Kept apart from the delay after wakeups. In Prometheus: the `cause="preempt"` part of `runq_delay_seconds`.',
    stats: ['mean', 'p95', 'max'],
    scopes: BOTH,
    // Prometheus: the cause="preempt" part of runq_delay_seconds
    outputs: ['json', 'docs'],
    read: (m) => delay(m.preemptDelayNs),
  },
  {
    key: 'bursts',
    kind: 'count',
    unit: 'count',
    title: 'bursts',
    help: 'runs from a wakeup to the next sleep',
    definition:
      'A **burst** is what a thread does once woken: from the first switch-in after a wakeup to the next switch-out into sleep (or stop, or death). Its run time is the sum of its slices; preemptions split it into several slices.',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'BURSTS' }],
    html: [{ title: 'bursts' }],
    prom: { name: 'bursts_total', type: 'counter' },
    read: (m) => m.bursts,
  },
  {
    key: 'meanBurstRunNs',
    kind: 'duration',
    unit: 'ns',
    title: 'run / burst',
    help: 'mean run time per burst',
    definition: 'Mean run time of those bursts.',
    scopes: BOTH,
    outputs: ['json', 'table', 'html', 'docs'],
    table: [{ title: 'RUN/BURST ms' }],
    html: [{ title: 'run / burst' }],
    read: (m) => m.meanBurstRunNs,
  },
  {
    key: 'meanSlicesPerBurst',
    kind: 'ratio',
    unit: 'ratio',
    title: 'slices / burst',
    help: 'mean slices per burst (1 = done within one slice)',
    definition: 'Mean slices per burst: 1 means the thread always finished its work within one slice.',
    scopes: BOTH,
    outputs: ['json', 'table', 'html', 'docs'],
    table: [{ title: 'SLICES/BURST' }],
    html: [{ title: 'slices / burst' }],
    read: (m) => m.meanSlicesPerBurst,
  },
  {
    key: 'reattributed',
    kind: 'count',
    unit: 'count',
    title: 're-attributed',
    help: 'wakeups run by an interrupt while another task was on the CPU, or by a kworker running a work item, and caused by someone else: a naive tool names the wrong waker',
    definition:
      'Wakeups run in an interrupt (hardirq, softirq, NMI) while a task (not the idle task) was on the waking CPU, or run by a worker (`kworker`) executing a workqueue item, whose **cause** is known and is not that task: exactly the wakeups that `perf sched timehist -w`, BCC `wakeuptime` or Perfetto blame on the wrong task (a pty write woken through `flush_to_ldisc` is blamed on the kworker, not the writer). A loopback `send` that raised NET_RX and ran it itself is not one (see `onCpuCause`); a wakeup whose cause is unknown is not one either (see `unknownCause`).',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'REATTR' }],
    html: [{ title: 're-attributed' }],
    prom: { name: 'reattributed_wakeups_total', type: 'counter' },
    sort: { name: 'reattributed' },
    read: (m) => m.reattributed,
  },
  {
    key: 'onCpuCause',
    kind: 'count',
    unit: 'count',
    title: 'caused by the task on the CPU',
    help: 'wakeups run by an interrupt (or a work item) whose cause was the task on the CPU: a naive tool names the right waker',
    definition:
      'Wakeups run in an interrupt while a task was on the waking CPU, whose cause is that very task (it raised the softirq, e.g. NET_RX at bh-enable after a loopback `send`, or armed the timer): the naive view is right for these.',
    scopes: BOTH,
    outputs: ['json', 'table', 'html', 'docs', 'prom'],
    table: [{ title: 'ONCPU' }],
    html: [{ title: 'caused by on-CPU task' }],
    prom: { name: 'on_cpu_caused_wakeups_total', type: 'counter' },
    read: (m) => m.onCpuCause ?? 0,
  },
  {
    key: 'unknownCause',
    kind: 'count',
    unit: 'count',
    title: 'unknown cause',
    help: 'wakeups whose cause is unknown: the softirq raise, timer arming or work queueing was not seen, or the context was unsure',
    definition:
      'Wakeups whose cause is `unknown`: the raise of the softirq that ran them was not seen since its previous run on that CPU (lost, before the capture, or irq spans not recorded), the arming or expiry of the timer whose callback ran them was not seen, the queueing of the work item a kworker ran them in was not seen, or the context itself was unsure. Counted, never guessed.',
    scopes: BOTH,
    outputs: ['json', 'docs', 'prom'],
    prom: { name: 'unknown_cause_wakeups_total', type: 'counter' },
    read: (m) => m.unknownCause ?? 0,
  },
  {
    key: 'severalRaisers',
    kind: 'count',
    unit: 'count',
    title: 'several raisers',
    help: 'wakeups through a softirq run that different causes raised: the last raiser is named',
    definition:
      'Wakeups whose softirq run had been raised on that CPU by more than one cause since the previous run of that vector: the cause named is the last raiser; these are counted here.',
    scopes: BOTH,
    outputs: ['json', 'docs'],
    read: (m) => m.severalRaisers ?? 0,
  },
  {
    key: 'wakers',
    kind: 'sources',
    unit: 'count',
    title: 'woken by',
    help: 'who woke it, most frequent first',
    definition:
      'Who woke the thread, by source (below) and cause (`cause`, when the source is not its own cause: the task that raised the softirq or armed the timer, the device interrupt, or unknown), with counts, most frequent first. For a process, task sources and causes are the waking process.',
    scopes: BOTH,
    outputs: EVERYWHERE,
    table: [{ title: 'TOP WAKERS' }],
    html: [{ title: 'woken by' }],
    prom: { name: 'wakeups_by_source_total', type: 'counter' },
    read: (m) => m.wakers,
  },
  {
    key: 'sleepReasons',
    kind: 'reasons',
    unit: 'ns',
    title: 'sleep reasons',
    help: 'where its sleeps began (the first kernel function below the scheduler), share of sleep time',
    definition:
      "The complete sleeps grouped by their **sleep reason**: the first frame of the sleeper's kernel stack below the scheduler's own functions (`schedule*`, `io_schedule*`, …), e.g. `do_nanosleep`, `pipe_read`, `futex_wait_queue`, `ep_poll`, with count, time asleep (`ns`) and its S / D split, the whole stacks, and the wakers: the source with its first frame outside the wakeup machinery (`try_to_wake_up`, `__wake_up*`, …), e.g. `pipe_write` or `hrtimer_wakeup`. Empty when the capture has no stacks (`record --stacks none`, or older captures); `(no stack)` for sleeps whose stack could not be recorded.",
    scopes: BOTH,
    outputs: ['json', 'table', 'html', 'docs', 'prom'],
    table: [{ title: 'SLEEP REASONS' }],
    html: [{ title: 'sleeps in' }],
    prom: {
      name: 'sleep_reason_seconds_total',
      type: 'counter',
      top: 5,
      help: 'time asleep over the complete sleeps by sleep reason (the first kernel function below the scheduler, "(no stack)" when it was not recorded); bounded: the 5 reasons with the most time of each process name have series of their own (taken while a place is free, given back after 5 idle minutes), every other reason adds to reason="other"',
    },
    read: (m) => m.sleepReasons ?? [],
  },
  {
    key: 'asleepNs',
    kind: 'duration',
    unit: 'ns',
    title: 'time asleep (S / D)',
    help: 'time asleep over the complete sleeps, interruptible (S) and uninterruptible (D)',
    definition: 'The lengths of the sleeps counted in `sleeps`, summed: `sleepSNs` for S, `sleepDNs` for D.',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'asleep_seconds_total', type: 'counter' },
    read: (m) => m.asleepNs,
    split: {
      label: 'state',
      parts: [
        { value: 'S', key: 'sleepSNs', read: (m) => m.sleepSNs },
        { value: 'D', key: 'sleepDNs', read: (m) => m.sleepDNs },
      ],
    },
  },
  {
    key: 'burstRunNs',
    kind: 'duration',
    unit: 'ns',
    title: 'burst run',
    help: 'run time summed over the complete bursts',
    definition: 'The run times of the bursts counted in `bursts`, summed (`meanBurstRunNs` × `bursts`).',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'burst_run_seconds_total', type: 'counter' },
    read: (m) => m.burstRunNs,
  },
  {
    key: 'burstSlices',
    kind: 'count',
    unit: 'count',
    title: 'burst slices',
    help: 'slices summed over the complete bursts',
    definition: 'The slices of the bursts counted in `bursts`, summed (`meanSlicesPerBurst` × `bursts`).',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'burst_slices_total', type: 'counter' },
    read: (m) => m.burstSlices,
  },
  {
    key: 'stateNs',
    kind: 'duration',
    unit: 'ns',
    title: 'time per state',
    help: 'time per state: running, runnable, sleeping (S), blocked (D)',
    definition:
      'Time in each state of the state timeline, summed over the stays (live, the current stay counts up to the last event): `runningNs`, `runnableNs`, `sleepingNs` (S), `blockedNs` (D). Stopped and unknown stretches are in none.',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'state_seconds_total', type: 'counter' },
    read: (m) => m.stateNs,
    split: {
      label: 'state',
      parts: [
        { value: 'running', key: 'runningNs', read: (m) => m.runningNs },
        { value: 'runnable', key: 'runnableNs', read: (m) => m.runnableNs },
        { value: 'sleeping', key: 'sleepingNs', read: (m) => m.sleepingNs },
        { value: 'blocked', key: 'blockedNs', read: (m) => m.blockedNs },
      ],
    },
  },
  {
    key: 'forks',
    kind: 'count',
    unit: 'count',
    title: 'forks',
    help: 'threads and processes created (fork, clone) by this thread or process',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'forks_total', type: 'counter' },
    read: (m) => m.forks,
  },
  {
    key: 'execs',
    kind: 'count',
    unit: 'count',
    title: 'execs',
    help: 'programs executed',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'execs_total', type: 'counter' },
    read: (m) => m.execs,
  },
  {
    key: 'exits',
    kind: 'count',
    unit: 'count',
    title: 'exits',
    help: 'threads exited',
    scopes: BOTH,
    outputs: ['prom'],
    prom: { name: 'exits_total', type: 'counter' },
    read: (m) => m.exits,
  },
  {
    key: 'uncertain',
    kind: 'flag',
    unit: 'flag',
    title: 'uncertain',
    help: 'lost events contradicted this thread’s state at least once: its numbers skip that part',
    definition:
      'Lost events contradicted this thread’s state at least once (see below); for a process, one of its threads. The table marks such rows with `!`, the report with “uncertain”.',
    scopes: BOTH,
    outputs: ['json', 'docs'],
    read: (m) => m.uncertain,
  },
];

/** The catalogue's entries for one output and one scope, in order. */
export function entriesFor(output: Output, scope: Scope, catalogue: Catalogue = CATALOGUE): MetricDef[] {
  return catalogue.filter((e) => e.outputs.includes(output) && e.scopes.includes(scope));
}

/** Every JSON key an entry writes (a split adds its parts after the total). */
export function jsonKeys(e: MetricDef): string[] {
  return e.split ? [e.key, ...e.split.parts.map((p) => p.key)] : [e.key];
}

/** The value of an entry's column: a number for count/duration/ratio columns and distribution stats. */
export function columnNumber(e: MetricDef, col: ColumnSpec, m: MetricRow): number | undefined {
  if (e.kind === 'distribution') return col.stat === undefined ? undefined : e.read(m)[col.stat];
  if (e.kind === 'count' || e.kind === 'duration' || e.kind === 'ratio' || e.kind === 'identity') return e.read(m);
  return undefined;
}

/** A field at zero: the value of a row nothing happened to. */
export function zeroValue(e: MetricDef): unknown {
  switch (e.kind) {
    case 'distribution':
      return Object.fromEntries(e.stats.map((s) => [s, 0]));
    case 'flag':
      return false;
    case 'sources':
    case 'reasons':
      return [];
    default:
      return 0;
  }
}
