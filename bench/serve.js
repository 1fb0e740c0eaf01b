// npm run bench:serve — lifeline serve beside perf sched record and lifeline record, in one run.
// 1. the workload's slowdown (perf bench sched messaging, its own "Total time"): alone, under
//    `lifeline serve` (scraped every second), under `lifeline record`, under `perf sched record`;
// 2. the exporter's CPU at idle, under the workload and under a steady 100 K+ events/s (events/s
//    measured by serve itself);
// 3. scrape time and size at the default limits.
// 4. the "saturated" row (bench/serve-saturated.js; alone: npm run bench:serve:saturated).
// Prints medians of BENCH_RUNS runs and ratios; not a test (no timed assertions anywhere).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuOf, getText, median, sh, spawnServe } from './lib/run.js';
import { printSaturated, saturated } from './serve-saturated.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-serve-'));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const workload = ['perf', 'bench', 'sched', 'messaging', '-l', '300'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ownTime() {
  const r = sh(workload);
  return Number((`${r.stdout}${r.stderr}`.match(/Total time:\s*([\d.]+)/) ?? [0, NaN])[1]);
}

async function startServe() {
  const { child, url, stderr } = await spawnServe(bin);
  let scraping = true;
  const scrapes = [];
  const loop = (async () => {
    while (scraping) {
      const t0 = performance.now();
      try {
        const body = await getText(`${url}/metrics`);
        scrapes.push({ ms: performance.now() - t0, bytes: body.length, body });
      } catch (e) {
        if (scraping)
          throw new Error(
            `a scrape failed (${e.cause?.message ?? e.message}); serve (exit ${child.exitCode ?? child.signalCode}) said: ${stderr()}`,
          );
      }
      await sleep(1000);
    }
  })();
  return {
    pid: child.pid,
    scrapes,
    events: async () => {
      const body = await getText(`${url}/metrics`);
      return body
        .split('\n')
        .filter((l) => l.startsWith('lifeline_events_total{'))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    },
    stop: async () => {
      scraping = false;
      await loop;
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

async function underBackground(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  await sleep(1500);
  const t = ownTime();
  child.kill('SIGINT');
  await new Promise((r) => child.on('exit', r));
  return t;
}

const alone = [];
const served = [];
const recorded = [];
const perfed = [];
const serveCpu = [];
for (let i = 0; i < runs; i++) {
  alone.push(ownTime());
  const s = await startServe();
  await sleep(1500);
  const c0 = cpuOf(s.pid);
  const e0 = await s.events();
  const t0 = performance.now();
  served.push(ownTime());
  const secs = (performance.now() - t0) / 1000;
  serveCpu.push({ cpu: (cpuOf(s.pid) - c0) / secs, eventsPerSec: ((await s.events()) - e0) / secs });
  await s.stop();
  recorded.push(await underBackground([process.execPath, bin, 'record', '-o', path.join(tmp, `r${i}.db`), '--force']));
  perfed.push(await underBackground(['perf', 'sched', 'record', '-o', path.join(tmp, `p${i}.data`)]));
}

// steady load: two processes passing a token over pipes (perf bench sched pipe), 100 K+ events/s;
// CPU and events over the run plus one second for the exporter to catch up
const steady = await startServe();
await sleep(1000);
const sc0 = cpuOf(steady.pid);
const se0 = await steady.events();
const st0 = performance.now();
sh(['perf', 'bench', 'sched', 'pipe', '-l', process.env.BENCH_PIPE_LOOPS ?? '60000']);
await sleep(1000);
const steadySecs = (performance.now() - st0) / 1000;
const steadyCpu = (cpuOf(steady.pid) - sc0) / steadySecs;
const steadyRate = ((await steady.events()) - se0) / steadySecs;
await steady.stop();

// idle exporter: 10 s with nothing but the machine's own activity
const idle = await startServe();
await sleep(1000);
const ic0 = cpuOf(idle.pid);
const ie0 = await idle.events();
await sleep(10_000);
const idleCpu = (cpuOf(idle.pid) - ic0) / 10;
const idleRate = ((await idle.events()) - ie0) / 10;
const scrapes = idle.scrapes.slice(2);
await idle.stop();
rmSync(tmp, { recursive: true, force: true });

const a = median(alone);
const row = (name, xs) => `${name.padEnd(28)} ${median(xs).toFixed(3)} s   ×${(median(xs) / a).toFixed(2)}`;
console.log(`workload: ${workload.join(' ')} (its own Total time, median of ${runs})`);
console.log(row('alone', alone));
console.log(row('under lifeline serve', served));
console.log(row('under lifeline record', recorded));
console.log(row('under perf sched record', perfed));
console.log(`serve vs record slowdown ratio: ${(median(served) / median(recorded)).toFixed(2)} (target ≤ 1)`);
const busy = serveCpu.sort((x, y) => x.eventsPerSec - y.eventsPerSec)[Math.floor(serveCpu.length / 2)];
console.log(
  `exporter CPU under the workload: ${(busy.cpu * 100).toFixed(0)} % of a core at ${Math.round(busy.eventsPerSec).toLocaleString('en-US')} events/s`,
);
console.log(
  `exporter CPU under steady load (perf bench sched pipe): ${(steadyCpu * 100).toFixed(0)} % of a core at ${Math.round(steadyRate).toLocaleString('en-US')} events/s`,
);
console.log(
  `exporter CPU at idle: ${(idleCpu * 100).toFixed(1)} % of a core at ${Math.round(idleRate).toLocaleString('en-US')} events/s`,
);
const ms = median(scrapes.map((s) => s.ms));
const series = scrapes.length
  ? scrapes[scrapes.length - 1].body.split('\n').filter((l) => l && !l.startsWith('#')).length
  : 0;
console.log(
  `scrape: median ${ms.toFixed(1)} ms (target < 50 ms), ${Math.round(median(scrapes.map((s) => s.bytes)) / 1024)} KiB, ${series} series`,
);

printSaturated(await saturated());
