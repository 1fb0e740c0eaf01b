import type { TopLevelSpec } from 'vega-lite';
import type { Analysis } from '../analyze/index.js';
import type { CaptureMeta } from '../capture/index.js';

/** A Vega-Lite specification as handed to vega-lite's compile(). */
export type VegaLiteSpec = TopLevelSpec;

/** One row of chart data: flat, JSON-safe values only. */
export type Row = Record<string, string | number | boolean | null>;

/** Caps the report applies on top of the analysis detail budget, so any capture gives a bounded page. */
export interface ReportBudget {
  /** Thread lanes in the state timeline (top threads by run time). */
  maxLanes: number;
  /** State intervals drawn in the state timeline; shorter ones are merged beyond this. */
  maxIntervals: number;
  /** CPU spans drawn in the CPU timeline; shorter ones are merged beyond this. */
  maxCpuSpans: number;
  /** Wakeup marks (links and interrupt markers) in the state timeline. */
  maxWakeMarks: number;
  /** Wakeups of the lifeline thread drawn. */
  maxLifelineWakeups: number;
  /** Sources and targets in the wakeup matrix. */
  maxMatrixSources: number;
  maxMatrixTargets: number;
  /** Rows in each metrics table. */
  maxTableRows: number;
  /** Processes told apart by color in distributions and the CPU timeline. */
  maxColoredProcesses: number;
  /** Threads given an off-CPU flame chart (the longest asleep, or those of --tid). */
  maxOffCpuThreads: number;
  /** Frames drawn in each off-CPU flame chart; the thinnest are left out beyond this. */
  maxIcicleNodes: number;
  /** Rows of each flame chart's waker table. */
  maxWakerRows: number;
  /** Rows of the sleep-reason table. */
  maxReasonRows: number;
  /** Critical paths drawn: the longest bursts of the selected (--tid) or busiest thread. */
  maxPaths: number;
  /** Segments drawn per critical path; the longest beyond this. */
  maxPathSegments: number;
}

export interface ReportOptions {
  /** Show wall-clock times in UTC instead of the recording machine's zone. */
  utc?: boolean;
  /** Number of thread lanes (overrides budget.maxLanes). */
  top?: number;
  /** Threads to put first; the first one is the lifeline thread; each gets an off-CPU flame chart (up to budget.maxOffCpuThreads). */
  tid?: number[];
  /** Renderer used in the browser; canvas is faster for big captures, svg is inspectable. */
  renderer?: 'canvas' | 'svg';
  budget?: Partial<ReportBudget>;
}

export interface ReportInput {
  meta: CaptureMeta;
  analysis: Analysis;
  options: ReportOptions;
}

export interface BuiltReport {
  html: string;
  /** Every chart of the page, keyed by chart id, each complete with its data. */
  specs: Record<string, VegaLiteSpec>;
}
