/** DurationStats / DelayStats out of a distribution's summary. */
import type { DistSummary } from './histogram.js';
import type { DelayStats, DurationStats } from '../types.js';

export function durationStats(s: DistSummary): DurationStats {
  return { total: s.total, mean: s.mean, p50: s.p50, p95: s.p95, max: s.max };
}

export function delayStats(s: DistSummary): DelayStats {
  return { mean: s.mean, p95: s.p95, max: s.max };
}
