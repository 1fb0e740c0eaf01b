/** The README's table of serve's metric families is the one the families write (npm run docs:metrics). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricTable, withMetricTable } from '../../src/serve/metric-table.js';

const README = path.resolve(__dirname, '../../README.md');

describe("README's serve metric table", () => {
  it('is current (npm run docs:metrics rewrites it)', () => {
    const doc = readFileSync(README, 'utf8');
    expect(withMetricTable(doc)).toBe(doc);
  });

  it("lists the families the issue found missing, and serve's own health", () => {
    const t = metricTable();
    for (const name of [
      'lifeline_process_on_cpu_caused_wakeups_total',
      'lifeline_process_unknown_cause_wakeups_total',
      'lifeline_replay_lag_seconds',
      'lifeline_ring_buffer_fill_ratio',
      'lifeline_lost_events_total',
    ])
      expect(t).toContain(`\`${name}\``);
    expect(t).toMatch(/`lifeline_lost_events_total` \| counter \| cpu \|/);
  });
});
