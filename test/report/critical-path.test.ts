/**
 * The report's critical-path section ("Where the time went"): from a fixture's analysis with the
 * longest bursts' paths, one chart per path (a lane per thread on it, compiling without warnings
 * and reading only fields its rows have) and its time-by-kind table; the segment budget; hostile
 * names escaped; a report without paths says so in one line.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze as replay } from '../../src/analyze/index.js';
import { analyze, openCapture, writeReport } from '../../src/api.js';
import type { Analysis } from '../../src/analyze/types.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { buildReport } from '../../src/report/index.js';
import { pathCharts } from '../../src/report/model/path-rows.js';
import { memoryCapture, testMeta } from '../helpers/memory-capture.js';
import { comm, S, sw, wake } from '../helpers/sched-events.js';
import { browserUnavailable, launch, visit } from './browser.js';
import { compileQuietly, missingFields } from './spec-check.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the critical-path section of a fixture’s report', () => {
  let a: Analysis;
  let meta: CaptureMeta;
  beforeAll(async () => {
    const cap = await openCapture(path.join(ROOT, 'fixtures/pingpong.db'));
    try {
      meta = cap.meta;
      a = await analyze(cap, { detail: true });
      // what writeReport asks for: the busiest thread's longest bursts
      a.path = (await replay(cap, { path: { longest: 3, quiet: true } })).path;
    } finally {
      cap.close();
    }
  });

  it('draws one chart per path, a lane per thread on it, each compiling without warnings', () => {
    expect(a.path!.length).toBe(3);
    const built = buildReport({ meta, analysis: a, options: {} });
    for (let i = 0; i < 3; i++) {
      const spec = built.specs[`path-${i}`]!;
      expect(spec).toBeDefined();
      const log = compileQuietly(spec);
      expect(log.errors).toEqual([]);
      expect(log.warnings).toEqual([]);
      expect(missingFields(spec)).toEqual([]);
      const rows = (spec as { datasets: Record<string, Array<Record<string, unknown>>> }).datasets[`path_${i}`]!;
      const p = a.path![i]!;
      expect(rows).toHaveLength(p.segments.length);
      expect(new Set(rows.map((r) => r.lane)).size).toBe(new Set(p.segments.map((s) => s.thread.tid)).size);
      // bars tile the interval: the last ends at its length (ms)
      expect(Math.max(...rows.map((r) => r.e as number))).toBeCloseTo((p.endNs - p.startNs) / 1e6, 9);
    }
    expect(built.html).toContain('id="path"');
    expect(built.html).toContain('Where the time went (critical path)');
    // one table row per summary line of each path
    const tables = built.html.split('data-table="path"').slice(1);
    expect(tables).toHaveLength(3);
    tables.forEach((t, i) => {
      const body = t.slice(t.indexOf('<tbody>'), t.indexOf('</tbody>'));
      expect(body.split('<tr>').length - 1).toBe(a.path![i]!.summary.length);
    });
  });

  it('draws the longest segments beyond the budget, and says so', () => {
    const p = a.path![0]!;
    const [c] = pathCharts([p], 2);
    expect(c!.rows).toHaveLength(Math.min(2, p.segments.length));
    const longest = [...p.segments].sort((x, y) => y.end - y.start - (x.end - x.start))[0]!;
    expect(c!.rows[0]!.ns).toBe(longest.end - longest.start);
    const built = buildReport({ meta, analysis: a, options: { budget: { maxPathSegments: 2 } } });
    if (p.segments.length > 2) expect(built.html).toMatch(/the 2 longest of \d+ segments drawn/);
  });

  it('a report without paths says why in one line', () => {
    const built = buildReport({ meta, analysis: { ...a, path: [] }, options: {} });
    expect(built.html).toContain('no critical path to draw');
    expect(Object.keys(built.specs).some((k) => k.startsWith('path-'))).toBe(false);
  });
});

describe('hostile names on the path', () => {
  it('are escaped in the chart data’s labels and the table', async () => {
    const HOSTILE = '</script><script>window.__pwned=1</script>\x1b[31m';
    const rows = [
      comm(200, 200, 'sleeper'),
      comm(300, 300, HOSTILE),
      sw(1, 1, 200, 300, S),
      wake(10, 1, 200, 300),
      sw(12, 1, 300, 200, S),
      sw(20, 1, 200, 0, S),
    ];
    const analysis = await replay(memoryCapture(rows), { detail: true, path: { tid: 200, longest: 1 } });
    expect(analysis.path).toHaveLength(1);
    const built = buildReport({ meta: testMeta(), analysis, options: {} });
    expect(built.html).not.toContain('<script>window.__pwned');
    expect(built.html).not.toContain('\x1b');
    const spec = built.specs['path-0'] as { datasets: Record<string, Array<Record<string, unknown>>> };
    const lanes = spec.datasets['path_0']!.map((r) => String(r.lane));
    expect(lanes.some((l) => l.includes('\\x1b[31m'))).toBe(true);
  });
});

describe.skipIf(browserUnavailable() !== null)('the critical-path charts in chromium', () => {
  it('draws a bar per segment of each path, without errors', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-path-report-'));
    const out = path.join(dir, 'pingpong.html');
    await writeReport(path.join(ROOT, 'fixtures/pingpong.db'), { out });
    const cap = await openCapture(path.join(ROOT, 'fixtures/pingpong.db'));
    const paths = (await replay(cap, { path: { longest: 3, quiet: true } })).path!;
    cap.close();
    const browser = await launch();
    try {
      const v = await visit(browser, out);
      expect(v.consoleErrors).toEqual([]);
      expect(v.chartErrors).toEqual([]);
      paths.forEach((p, i) => expect(v.marks[`chart-path-${i}`]).toBeGreaterThanOrEqual(p.segments.length));
      await v.page.locator('#chart-path-0').screenshot({ path: path.join(dir, 'path-0.png') });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
