// node bench/report.js — lifeline report at two capture sizes (perf bench sched messaging -l 600,
// then -l 6000: over a million events, where the analysis detail reaches its caps and the report
// its budget; test/report/report-scale.test.ts checks what such a page shows, not how fast):
//   build:  `lifeline report` (replay with detail + page) from the SQLite and the Arrow capture,
//           wall and CPU seconds, peak RSS, page size; `lifeline analyze --json` of the same
//           capture beside it, so the report's own share shows;
//   render: the page opened in headless chromium (/usr/bin/chromium), canvas and svg renderers:
//           navigation to every chart drawn, and the page's own count from script start.
// Needs root (it records). Medians of BENCH_RUNS (3) runs. Printed, not asserted.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { measure, median, recordMessagingArgv, sh } from './lib/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const CHROMIUM = '/usr/bin/chromium';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-report-'));
const loops = (process.env.BENCH_LOOPS ?? '600,6000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);

const pad = (s, n) => String(s).padEnd(n);
const mib = (b) => (b / 1024 / 1024).toFixed(2);

/** Median ms from navigation to every chart drawn, and the page's own render ms, over `runs` fresh pages. */
async function render(browser, file) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    try {
      const started = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForFunction(() => globalThis.__lifeline?.renderMs != null, null, { timeout: 300_000 });
      const loadMs = performance.now() - started;
      const { renderMs, errors } = await page.evaluate(() => ({
        renderMs: globalThis.__lifeline.renderMs,
        errors: globalThis.__lifeline.errors.length,
      }));
      if (errors > 0) throw new Error(`${file}: ${errors} charts failed to render`);
      samples.push({ loadMs, renderMs });
    } finally {
      await page.close();
    }
  }
  return { loadMs: median(samples.map((s) => s.loadMs)), renderMs: median(samples.map((s) => s.renderMs)) };
}

console.log(
  `lifeline report benchmark: ${os.cpus().length} CPUs, kernel ${os.release()}, load average ${os.loadavg()[0].toFixed(1)}, medians of ${runs} runs\n`,
);
const builds = [];
const renders = [];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const l of loops) {
    const db = path.join(tmp, `cap-${l}.db`);
    const arrow = path.join(tmp, `cap-${l}.arrow`);
    sh(recordMessagingArgv(bin, db, arrow, l));
    const events = JSON.parse(sh([process.execPath, bin, 'info', '--json', arrow]).stdout).events;
    console.log(`messaging -l ${l}: ${events} events`);
    for (const [format, cap] of [
      ['arrow', arrow],
      ['sqlite', db],
    ]) {
      const analyze = measure([process.execPath, bin, 'analyze', '--json', cap], runs);
      const out = path.join(tmp, `report-${l}-${format}.html`);
      const report = measure([process.execPath, bin, 'report', cap, '-o', out, '--force'], runs);
      builds.push({ loops: l, format, events, analyze, report, bytes: statSync(out).size });
    }
    for (const renderer of ['canvas', 'svg']) {
      const out = path.join(tmp, `report-${l}-${renderer}.html`);
      sh([process.execPath, bin, 'report', arrow, '-o', out, '--force', '--renderer', renderer]);
      renders.push({ loops: l, renderer, events, bytes: statSync(out).size, ...(await render(browser, out)) });
    }
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}

console.log('\nbuild: `lifeline report CAPTURE -o FILE` (replay with detail, then the page)');
console.log('x analyze: report wall time over `lifeline analyze --json` wall time on the same capture\n');
console.log(
  [
    pad('loops', 6),
    pad('from', 7),
    pad('events', 9),
    pad('wall s', 7),
    pad('cpu s', 6),
    pad('RSS MiB', 8),
    pad('page MiB', 9),
    pad('analyze s', 10),
    pad('x analyze', 9),
  ].join(' '),
);
for (const r of builds) {
  console.log(
    [
      pad(r.loops, 6),
      pad(r.format, 7),
      pad(r.events, 9),
      pad(r.report.wall.toFixed(2), 7),
      pad(r.report.cpu.toFixed(2), 6),
      pad(r.report.rssMb.toFixed(0), 8),
      pad(mib(r.bytes), 9),
      pad(r.analyze.wall.toFixed(2), 10),
      pad((r.report.wall / r.analyze.wall).toFixed(2), 9),
    ].join(' '),
  );
}
console.log('\nrender: the page in headless chromium (1360x900), every chart drawn');
console.log(
  'load ms:   navigation start to the last chart drawn; script ms: the page script start to the last chart\n',
);
console.log(
  [
    pad('loops', 6),
    pad('renderer', 9),
    pad('events', 9),
    pad('page MiB', 9),
    pad('load ms', 8),
    pad('script ms', 9),
  ].join(' '),
);
for (const r of renders) {
  console.log(
    [
      pad(r.loops, 6),
      pad(r.renderer, 9),
      pad(r.events, 9),
      pad(mib(r.bytes), 9),
      pad(r.loadMs.toFixed(0), 8),
      pad(r.renderMs.toFixed(0), 9),
    ].join(' '),
  );
}
