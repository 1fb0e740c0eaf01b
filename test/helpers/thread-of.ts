/** A thread's metrics in an analysis, by tid: the tests' one lookup. */
import type { Analysis, ThreadMetrics } from '../../src/analyze/types.js';

export function thread(a: Analysis, tid: number): ThreadMetrics {
  const t = a.result.threads.find((x) => x.tid === tid);
  if (t === undefined) throw new Error(`thread ${tid} not in the analysis`);
  return t;
}
