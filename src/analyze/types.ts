/** The analysis result: what `lifeline analyze --json` prints and what report/export consume. */

export type SourceKind = 'task' | 'hardirq' | 'softirq' | 'nmi' | 'unknown';

/** Who woke a thread. For interrupts, `name` is e.g. "local_timer/hrtimer_wakeup", "TIMER/process_timeout", "irq 11 virtio0". */
export interface WakeSource {
  kind: SourceKind;
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
}

export interface DurationStats {
  total: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface DelayStats {
  mean: number;
  p95: number;
  max: number;
}

export interface WakerCount {
  source: WakeSource;
  count: number;
}

export interface ThreadMetrics {
  tid: number;
  tgid: number;
  comm: string;
  runNs: number;
  slices: number;
  meanSliceNs: number;
  sleeps: number;
  sleepsS: number;
  sleepsD: number;
  sleepNs: DurationStats;
  wakeups: number;
  runqDelayNs: DelayStats;
  bursts: number;
  meanBurstRunNs: number;
  meanSlicesPerBurst: number;
  reattributed: number;
  wakers: WakerCount[];
  /** True when lost events or a capture edge left this thread's state uncertain for part of the run. */
  uncertain?: boolean;
}

export interface ProcessMetrics extends Omit<ThreadMetrics, 'tid'> {
  threads: number;
}

export interface Edge {
  from: WakeSource;
  to: { tid: number; tgid: number; comm: string };
  count: number;
}

export interface CaptureSummary {
  format: 'sqlite' | 'arrow';
  events: number;
  lost: number;
  startWall: string;
  durationNs: number;
}

export interface AnalysisResult {
  capture: CaptureSummary;
  threads: ThreadMetrics[];
  processes: ProcessMetrics[];
  edges: Edge[];
  reattributed: number;
}
