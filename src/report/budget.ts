import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
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
};

export function resolveBudget(options: ReportOptions): ReportBudget {
  const budget = { ...DEFAULT_REPORT_BUDGET, ...options.budget };
  if (options.top !== undefined) budget.maxLanes = options.top;
  for (const [key, value] of Object.entries(budget)) {
    if (!Number.isInteger(value) || value < 1) throw new LifelineError('OPTION_BAD_NUMBER', msg.badReportLimit(key, value));
  }
  return budget;
}
