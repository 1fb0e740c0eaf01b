import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import { browserUnavailable, launch, visit } from './browser.js';
import { syntheticMeta } from './synthetic.js';
import { MILLION_EVENTS, bulkAnalysis } from './synthetic-bulk.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
/** The page stays below this however big the capture (the report's budget). How fast it builds and renders is measured by bench/report.js, not asserted here. */
const MAX_BYTES = 6 * 1024 * 1024;

describe('report of a million-event capture', { timeout: 120_000 }, () => {
  const analysis = bulkAnalysis(MILLION_EVENTS);
  const meta = syntheticMeta({ cpus: MILLION_EVENTS.cpus, lostPerCpu: new Array(MILLION_EVENTS.cpus).fill(0) });
  const built = buildReport({ meta, analysis, options: {} });
  const file = join(ARTIFACTS, 'report-1m.html');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(file, built.html);
  const bytes = Buffer.byteLength(built.html);

  it('is bounded in size and says what it reduced', () => {
    console.log(`1M-event report: ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
    expect(bytes).toBeLessThan(MAX_BYTES);
    const reduced = /<div class="reduced">(.*?)<\/div>/s.exec(built.html)?.[1] ?? '';
    console.log(reduced.replace(/<li>/g, '\n  ').replace(/<[^>]+>/g, ''));
    expect(reduced).toMatch(/State timeline: \d+ of \d+ threads shown/);
    expect(reduced).toMatch(/CPU timeline: \d+ of \d+ spans shorter than/);
  });

  const skip = browserUnavailable();
  describe.skipIf(skip !== null)(`in chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('renders every chart, each with marks, without errors', async () => {
      const v = await visit(browser, file);
      try {
        expect(v.consoleErrors).toEqual([]);
        expect(v.chartErrors).toEqual([]);
        const ids = Object.keys(built.specs).map((id) => `chart-${id}`);
        expect(Object.keys(v.marks).sort()).toEqual(ids.sort());
        for (const id of ids) expect(v.marks[id], id).toBeGreaterThan(0);
        await v.page.screenshot({ path: join(ARTIFACTS, 'report-1m.png'), fullPage: true });
      } finally {
        await v.page.close();
      }
    });
  });
});
