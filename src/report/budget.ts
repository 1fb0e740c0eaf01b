import type { PathQuery } from '../analyze/index.js';
import type { ReportBudget, ReportOptions } from './types.js';

export const DEFAULT_REPORT_BUDGET: ReportBudget = {
  maxLanes: 40,
  maxIntervals: 30_000,
  maxCpuSpans: 20_000,
  maxWakeMarks: 4_000,
  maxLifelineWakeups: 1_500,
  maxMatrixSources: 30,
  maxMatrixTargets: 30,
  maxTableRows: 300,
  maxColoredProcesses: 8,
  maxOffCpuThreads: 3,
  maxIcicleNodes: 400,
  maxWakerRows: 12,
  maxReasonRows: 300,
  maxPaths: 3,
  maxPathSegments: 3_000,
};

/** The budget the options ask for (positive whole numbers, checked at the API boundary: src/options). */
export function resolveBudget(options: ReportOptions): ReportBudget {
  const budget = { ...DEFAULT_REPORT_BUDGET, ...options.budget };
  if (options.top !== undefined) budget.maxLanes = options.top;
  return budget;
}

/** The critical paths a report draws: the longest bursts of the first --tid thread, or of the busiest one. */
export function reportPathQuery(budget: ReportBudget, tid: number | undefined): PathQuery {
  return { ...(tid !== undefined && { tid }), longest: budget.maxPaths, quiet: true };
}
