/** DurationStats / DelayStats out of a Distribution. */
import { Distribution } from './histogram.js';
import type { DelayStats, DurationStats } from './types.js';

export function durationStats(d: Distribution): DurationStats {
  return { total: d.total, mean: d.mean, p50: d.percentile(0.5), p95: d.percentile(0.95), max: d.max };
}

export function delayStats(d: Distribution): DelayStats {
  return { mean: d.mean, p95: d.percentile(0.95), max: d.max };
}

export function merged(parts: Iterable<Distribution>): Distribution {
  const all = new Distribution();
  for (const p of parts) all.merge(p);
  return all;
}
