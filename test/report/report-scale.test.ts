import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/index.js';
import { browserUnavailable, launch, visit } from './browser.js';
import { syntheticMeta } from './synthetic.js';
import { MILLION_EVENTS, bulkAnalysis } from './synthetic-bulk.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
/** The page stays below these however big the capture (the report's budget). */
const MAX_BYTES = 6 * 1024 * 1024;
const MAX_RENDER_MS = 15_000;

describe('report of a million-event capture', { timeout: 120_000 }, () => {
  const analysis = bulkAnalysis(MILLION_EVENTS);
  const meta = syntheticMeta({ cpus: MILLION_EVENTS.cpus, lostPerCpu: new Array(MILLION_EVENTS.cpus).fill(0) });
  const started = performance.now();
  const built = buildReport({ meta, analysis, options: {} });
  const buildMs = performance.now() - started;
  const file = join(ARTIFACTS, 'report-1m.html');
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(file, built.html);
  const bytes = Buffer.byteLength(built.html);

  it('is bounded in size and says what it reduced', () => {
    console.log(`1M-event report: ${(bytes / 1024 / 1024).toFixed(2)} MiB, built in ${buildMs.toFixed(0)} ms`);
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

    it('renders every chart quickly', async () => {
      const v = await visit(browser, file);
      try {
        console.log(`1M-event report: first render of all charts ${v.renderMs} ms after navigation`);
        expect(v.consoleErrors).toEqual([]);
        expect(v.chartErrors).toEqual([]);
        for (const id of Object.keys(built.specs)) expect(v.marks[`chart-${id}`], id).toBeGreaterThan(0);
        expect(v.renderMs).toBeLessThan(MAX_RENDER_MS);
        await v.page.screenshot({ path: join(ARTIFACTS, 'report-1m.png'), fullPage: true });
      } finally {
        await v.page.close();
      }
    });
  });
});
