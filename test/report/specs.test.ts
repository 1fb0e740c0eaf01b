import { describe, expect, it } from 'vitest';
import { checkReport } from '../../src/options/commands.js';
import { buildReport } from '../../src/report/index.js';
import { cpuTimelineSpec } from '../../src/report/specs/cpu-timeline.js';
import { distributionSpec } from '../../src/report/specs/distribution.js';
import { lifelineSpec } from '../../src/report/specs/lifeline.js';
import { stateTimelineSpec } from '../../src/report/specs/state-timeline.js';
import { wakeupMatrixSpec } from '../../src/report/specs/wakeup-matrix.js';
import type { VegaLiteSpec } from '../../src/report/types.js';
import { compileQuietly, encodedFields, missingFields } from './spec-check.js';
import { syntheticAnalysis, syntheticMeta } from './synthetic.js';

const built = buildReport({
  meta: syntheticMeta(),
  analysis: syntheticAnalysis({ durationMs: 400, hostile: true }),
  options: { tid: [1010] },
});

const EXPECTED = [
  'state-timeline',
  'cpu-timeline',
  'wakeup-matrix',
  'dist-sleep',
  'dist-runq',
  'dist-burstRun',
  'dist-burstSlices',
  'dist-slice',
  'lifeline',
];

describe('chart specs from a synthetic capture', () => {
  it('builds every chart', () => {
    expect(Object.keys(built.specs).sort()).toEqual([...EXPECTED].sort());
  });

  describe.each(EXPECTED)('%s', (id) => {
    const spec = built.specs[id]!;

    it('compiles with vega-lite without warnings', () => {
      const log = compileQuietly(spec);
      expect(log.errors).toEqual([]);
      expect(log.warnings).toEqual([]);
    });

    it('reads only fields its data rows have', () => {
      expect(encodedFields(spec).length).toBeGreaterThan(0);
      expect(missingFields(spec)).toEqual([]);
    });

    it('carries data in every dataset it reads', () => {
      const datasets = (spec as { datasets: Record<string, unknown[]> }).datasets;
      const used = new Set(encodedFields(spec).map((u) => u.dataset));
      for (const name of used) expect(datasets[name]!.length, name).toBeGreaterThan(0);
    });
  });
});

describe('chart specs with no data', () => {
  const empty: Record<string, VegaLiteSpec> = {
    'state timeline': stateTimelineSpec({
      lanes: [],
      states: [],
      overview: [],
      links: [],
      marks: [],
      kinds: [],
      domainMs: [0, 1],
      wallStart: 'x',
      width: 400,
    }),
    'cpu timeline': cpuTimelineSpec({
      spans: [],
      lanes: ['cpu 0'],
      groups: [],
      domainMs: [0, 1],
      wallStart: 'x',
      width: 400,
    }),
    'wakeup matrix': wakeupMatrixSpec({ cells: [], sources: [], sourceOrder: [], targetOrder: [] }),
    distribution: distributionSpec({
      distribution: { id: 'sleep', scale: 'log', unit: 'ns', rows: [], samples: 0, p50: 0, p95: 0 },
      title: 'Sleep',
      processes: [],
      width: 300,
    }),
    lifeline: lifelineSpec({
      rows: {
        tid: 1,
        label: 'a 1',
        lanes: ['a 1'],
        phases: [],
        events: [],
        links: [],
        hops: [],
        durations: [],
        total: 0,
        stride: 1,
      },
      domainMs: [0, 1],
      wallStart: 'x',
      width: 400,
    }),
  };
  it.each(Object.keys(empty))('%s compiles without warnings', (name) => {
    const log = compileQuietly(empty[name]!);
    expect(log.errors).toEqual([]);
    expect(log.warnings).toEqual([]);
  });
});

describe('page', () => {
  it('shows the start in the recording zone, with UTC on hover, or in UTC on request', () => {
    const meta = syntheticMeta({ startNs: 0, clockOffsetMs: Date.UTC(2025, 2, 14, 8, 26, 53, 589) });
    const analysis = syntheticAnalysis({ durationMs: 50 });
    const local = buildReport({ meta, analysis, options: {} }).html;
    expect(local).toContain(
      'title="2025-03-14 08:26:53.589 UTC">2025-03-14 09:26:53.589 Europe/Paris (UTC+01:00)</time>',
    );
    const utc = buildReport({ meta, analysis, options: { utc: true } }).html;
    expect(utc).toContain(
      'title="2025-03-14 09:26:53.589 Europe/Paris (UTC+01:00)">2025-03-14 08:26:53.589 UTC</time>',
    );
  });

  it('warns prominently about lost events, and not otherwise', () => {
    const analysis = syntheticAnalysis({ durationMs: 50 });
    expect(buildReport({ meta: syntheticMeta({ lost: 7, lostPerCpu: [7, 0] }), analysis, options: {} }).html).toMatch(
      /class="warning" role="alert">LOST 7 events \(cpu0 7\) in the kernel/,
    );
    expect(buildReport({ meta: syntheticMeta(), analysis, options: {} }).html).not.toContain('class="warning"');
  });

  it('notes contradictions (lost events, or events the kernel never emitted), and not otherwise', () => {
    const analysis = syntheticAnalysis({ durationMs: 50 });
    const note = '<p class="muted">3 contradictions of a thread&#39;s state';
    expect(buildReport({ meta: syntheticMeta(), analysis, options: {} }).html).not.toContain(note);
    analysis.result.capture.contradictions = 3;
    const html = buildReport({ meta: syntheticMeta(), analysis, options: {} }).html;
    expect(html).toContain(note);
    expect(html).not.toContain('class="warning"');
    // with events lost too, both are said: the warning first
    const both = buildReport({ meta: syntheticMeta({ lost: 7, lostPerCpu: [7, 0] }), analysis, options: {} }).html;
    expect(both.indexOf('role="alert">LOST 7 events')).toBeGreaterThan(0);
    expect(both.indexOf(note)).toBeGreaterThan(both.indexOf('role="alert">LOST 7 events'));
  });

  it('refuses a report limit that is not a positive whole number (checked with the options, before the capture)', () => {
    expect(() => checkReport({ top: 0 })).toThrow('--top takes a positive whole number, not "0"');
    expect(() => checkReport({ budget: { maxIntervals: 2.5 } })).toThrow(
      'report limit maxIntervals takes a positive whole number, not "2.5"',
    );
  });
});
