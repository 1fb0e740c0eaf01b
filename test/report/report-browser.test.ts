import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture, writeReport } from '../../src/api.js';
import { analyze as replay } from '../../src/analyze/index.js';
import { buildReport, reportPathQuery, resolveBudget } from '../../src/report/index.js';
import type { ReportOptions } from '../../src/report/types.js';
import { browserUnavailable, groupBox, hoverLane, launch, visit } from './browser.js';
import { HOSTILE_NAMES, syntheticAnalysis, syntheticMeta } from './synthetic.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
/** Real captures made by the recorder (fixtures/make.js), when present. */
const fixtures = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => /\.(db|arrow)$/.test(f)) : [];
const skip = browserUnavailable();
/** Charts a report has whatever the capture. */
const ALWAYS_CHARTS = ['chart-state-timeline', 'chart-cpu-timeline', 'chart-wakeup-matrix'];

/** The chart container ids of the report of a capture, from the report's own model (as writeReport builds it). */
async function chartIds(capture: string, options: ReportOptions): Promise<string[]> {
  const cap = await openCapture(capture);
  try {
    // what writeReport replays: the detail and the critical paths its section draws
    const path = reportPathQuery(resolveBudget(options), options.tid?.[0]);
    const analysis = await replay(cap, { detail: true, path });
    const { specs } = buildReport({ meta: cap.meta, analysis, options });
    return Object.keys(specs)
      .map((id) => `chart-${id}`)
      .sort();
  } finally {
    cap.close();
  }
}

describe.skipIf(skip !== null)(`report in chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['canvas', 'svg'] as const)('renders every chart (%s), offline, without errors', async (renderer) => {
    const built = buildReport({
      meta: syntheticMeta({ lost: 1234, lostPerCpu: [1200, 34] }),
      analysis: syntheticAnalysis({ durationMs: 1500, hostile: true, workers: 6, hogs: 2 }),
      options: { renderer },
    });
    const file = join(ARTIFACTS, `report-synthetic-${renderer}.html`);
    writeFileSync(file, built.html);
    const v = await visit(browser, file);
    try {
      expect(v.chartErrors).toEqual([]);
      expect(v.consoleErrors).toEqual([]);
      expect(v.requests).toEqual([pathToFileURL(file).href]);
      const ids = Object.keys(built.specs).map((id) => `chart-${id}`);
      expect(Object.keys(v.marks).sort()).toEqual(ids.sort());
      for (const id of ids) expect(v.marks[id], id).toBeGreaterThan(0);
      if (renderer === 'svg') {
        const svgMarks = await v.page
          .locator('.chart svg .mark-rect path, .chart svg .mark-symbol path, .chart svg .mark-rule line')
          .count();
        expect(svgMarks).toBeGreaterThan(100);
      }
      expect(await v.page.locator('.warning').innerText()).toContain('LOST 1,234 events');
      await v.page.screenshot({ path: join(ARTIFACTS, `report-synthetic-${renderer}.png`), fullPage: true });
    } finally {
      await v.page.close();
    }
  });

  it('zooms: the overview brush and the mouse wheel set the detail time range; headers sort tables', async () => {
    const built = buildReport({
      meta: syntheticMeta(),
      analysis: syntheticAnalysis({ durationMs: 1000 }),
      options: { renderer: 'svg' },
    });
    const file = join(ARTIFACTS, 'report-interaction.html');
    writeFileSync(file, built.html);
    const v = await visit(browser, file);
    try {
      // The detail's time range, once Vega has run what the events so far asked for.
      const domain = (): Promise<number[]> =>
        v.page.evaluate(async () => {
          const view = (
            window as unknown as {
              __lifeline: {
                views: Record<string, { runAsync(): Promise<unknown>; scale(n: string): { domain(): number[] } }>;
              };
            }
          ).__lifeline.views['chart-state-timeline']!;
          await view.runAsync();
          return view.scale('concat_1_x').domain();
        });
      expect(await domain()).toEqual([0, 1000]);
      const overview = await groupBox(v.page, 'chart-state-timeline', 'concat_0_group');
      const y = overview.y + overview.height / 2;
      await v.page.mouse.move(overview.x + overview.width * 0.25, y);
      await v.page.mouse.down();
      await v.page.mouse.move(overview.x + overview.width * 0.5, y, { steps: 4 });
      await v.page.mouse.up();
      const brushed = await domain();
      // A quarter to a half of the 1000 ms overview, give or take a few pixels.
      expect(Math.abs(brushed[0]! - 250)).toBeLessThan(15);
      expect(Math.abs(brushed[1]! - 500)).toBeLessThan(15);
      const detail = await groupBox(v.page, 'chart-state-timeline', 'concat_1_group');
      await v.page.mouse.move(detail.x + detail.width / 2, detail.y + detail.height / 2);
      await v.page.mouse.wheel(0, -200);
      // Vega handles the wheel event asynchronously: wait until the detail range narrows.
      await v.page.waitForFunction(
        (width) => {
          const d = (
            window as unknown as { __lifeline: { views: Record<string, { scale(n: string): { domain(): number[] } }> } }
          ).__lifeline.views['chart-state-timeline']!.scale('concat_1_x').domain();
          return d[1]! - d[0]! < width;
        },
        brushed[1]! - brushed[0]!,
        { timeout: 10_000 },
      );
      const zoomed = await domain();
      expect(zoomed[1]! - zoomed[0]!).toBeLessThan(brushed[1]! - brushed[0]!);

      const firstTid = (): Promise<string> =>
        v.page.locator('table[data-table="threads"] tbody tr:first-child td:nth-child(2)').innerText();
      const tidHeader = v.page.locator('table[data-table="threads"] th', { hasText: /^tid$/ });
      await tidHeader.click();
      const descending = await firstTid();
      await tidHeader.click();
      const ascending = await firstTid();
      expect(Number(descending)).toBeGreaterThan(Number(ascending));
      expect(v.consoleErrors).toEqual([]);
    } finally {
      await v.page.close();
    }
  });

  it('shows hostile thread names as text and runs none of them', async () => {
    const built = buildReport({
      meta: syntheticMeta({
        hostname: '<b onmouseover="window.__pwned=9">host</b>',
        command: ['sh', '-c', '</script><script>window.__pwned=8</script>'],
      }),
      analysis: syntheticAnalysis({ durationMs: 400, hostile: true }),
      options: { renderer: 'svg', tid: [3000] },
    });
    const file = join(ARTIFACTS, 'report-hostile.html');
    writeFileSync(file, built.html);
    const v = await visit(browser, file);
    try {
      expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(v.consoleErrors).toEqual([]);
      expect(v.requests).toEqual([pathToFileURL(file).href]);
      const tableText = await v.page.locator('table[data-table="threads"]').innerText();
      for (const name of HOSTILE_NAMES) expect(tableText).toContain(name.replace('\u2028', '').slice(0, 20));
      expect(await v.page.locator('#summary').innerText()).toContain('<b onmouseover="window.__pwned=9">host</b>');
      expect(await v.page.locator('img, main script, [onerror], [onload]').count()).toBe(0);
      // Vega draws the names as text in the charts too (lane labels of the state timeline).
      const labels = await v.page.locator('#chart-state-timeline svg text').allTextContents();
      expect(labels.some((t) => t.includes('<img src=x onerror='))).toBe(true);
      // Hovering a hostile lane shows its name in the tooltip, still as text.
      const lane = `${HOSTILE_NAMES[0]} 3000`;
      const tooltip = await hoverLane(v.page, lane);
      expect(await tooltip.innerText()).toContain(lane);
      expect(await tooltip.locator('img, svg, script').count()).toBe(0);
      await v.page.screenshot({ path: join(ARTIFACTS, 'report-hostile.png'), fullPage: false });
      expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    } finally {
      await v.page.close();
    }
  });

  it.skipIf(fixtures.length === 0)(
    `renders reports of the real captures${fixtures.length === 0 ? ' (skipped: no capture under fixtures/)' : ''}`,
    // Each capture is replayed twice (the report, the chart list of its model): room on a loaded machine.
    { timeout: 180_000 },
    async () => {
      for (const name of fixtures) {
        const capture = join(FIXTURES, name);
        const out = join(ARTIFACTS, `report-fixture-${name.replace(/\W/g, '-')}.html`);
        await writeReport(capture, { out, renderer: 'svg', force: true });
        const expected = await chartIds(capture, { renderer: 'svg' });
        // The charts every report has are among them (the list is not empty by accident).
        expect(expected, name).toEqual(expect.arrayContaining(ALWAYS_CHARTS));
        const v = await visit(browser, out);
        try {
          expect(v.chartErrors, name).toEqual([]);
          expect(v.consoleErrors, name).toEqual([]);
          expect(v.requests, name).toEqual([pathToFileURL(out).href]);
          // Every chart of the report's model has a container on the page and drew marks in it:
          // a chart that did not register (no view) or drew nothing fails here.
          const containers = await v.page.locator('.chart').evaluateAll((els) => els.map((el) => el.id));
          expect(containers.sort(), name).toEqual(expected);
          expect(Object.keys(v.marks).sort(), name).toEqual(expected);
          for (const id of expected) expect(v.marks[id], `${name} ${id}`).toBeGreaterThan(0);
          await v.page.screenshot({ path: out.replace(/\.html$/, '.png'), fullPage: true });
        } finally {
          await v.page.close();
        }
      }
    },
  );
});
