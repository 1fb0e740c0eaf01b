// bench:serve's "saturated" row: `perf bench sched messaging -g 10 -l 2000` saturating the machine,
// with `lifeline serve` and Debian's prometheus-node-exporter side by side, scraped in turn every
// second (as Prometheus would scrape two jobs). Prints, for the same run: scrape p50/p99 of both,
// events lost, serve's CPU, serve's RSS before / peak / one minute after each load, irq_work
// interrupts per second (/proc/interrupts, IWI), and the workload's slowdown beside the same under
// `lifeline record` and `perf sched record`. Figures, not assertions.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuOf, freePort, spawnServe } from './lib/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const SATURATING = [
  'perf',
  'bench',
  'sched',
  'messaging',
  '-g',
  '10',
  '-l',
  process.env.BENCH_SAT_LOOPS ?? '2000',
];

/** Sum of the IWI (irq_work) row of /proc/interrupts over every CPU. */
function irqWork() {
  const line = readFileSync('/proc/interrupts', 'utf8')
    .split('\n')
    .find((l) => l.trim().startsWith('IWI:'));
  if (!line) return NaN;
  return line
    .trim()
    .split(/\s+/)
    .slice(1)
    .filter((x) => /^\d+$/.test(x))
    .reduce((n, x) => n + Number(x), 0);
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Runs argv to its end (asynchronously: the scraper keeps going); resolves with its output. */
function run(argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')}: exit ${code}`))));
  });
}

const ownTime = (out) => Number((out.match(/Total time:\s*([\d.]+)/) ?? [0, NaN])[1]);

async function timedScrape(url) {
  const t0 = performance.now();
  const body = await (await fetch(url)).text();
  return { ms: performance.now() - t0, body };
}

const sumOf = (body, name) =>
  body
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Scrapes `url` every second until stopped (node_exporter during every condition, as the fleet would). */
function scraping(url) {
  let on = true;
  const done = (async () => {
    while (on) {
      await timedScrape(url);
      await sleep(1000);
    }
  })();
  return async () => {
    on = false;
    await done;
  };
}

/** The workload (node_exporter scraped beside it) under `argv` started in the background, or alone; Total time and irq_work/s. */
async function underBackground(argv, nodeUrl) {
  const child = argv ? spawn(argv[0], argv.slice(1), { stdio: 'ignore' }) : null;
  await sleep(2000);
  const stop = scraping(nodeUrl);
  const i0 = irqWork();
  const t0 = performance.now();
  const t = ownTime(await run(SATURATING));
  const iwi = (irqWork() - i0) / ((performance.now() - t0) / 1000);
  await stop();
  if (child) {
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
  }
  return { t, iwi };
}

/**
 * `runs` rounds of: the workload alone, under serve (`cycles` loads, each followed by a minute
 * of idle), under lifeline record, under perf sched record; node_exporter scraped throughout.
 */
export async function saturated({
  runs = Number(process.env.BENCH_SAT_RUNS ?? 1),
  cycles = Number(process.env.BENCH_SAT_CYCLES ?? 1),
  idleMs = 60_000,
} = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-sat-'));
  const nodePort = await freePort();
  const nodeExporter = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], {
    stdio: 'ignore',
  });
  const nodeUrl = `http://127.0.0.1:${nodePort}/metrics`;
  await sleep(1000);
  const out = { alone: [], loads: [], recorded: [], perfed: [] };
  for (let r = 0; r < runs; r++) {
    out.alone.push((await underBackground(null, nodeUrl)).t);
    out.loads.push(...(await underServe(nodeUrl, cycles, idleMs)));
    out.recorded.push(
      await underBackground([process.execPath, bin, 'record', '-o', path.join(tmp, `r${r}.db`), '--force'], nodeUrl),
    );
    out.perfed.push(await underBackground(['perf', 'sched', 'record', '-o', path.join(tmp, `p${r}.data`)], nodeUrl));
  }
  nodeExporter.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
  return out;
}

async function underServe(nodeUrl, cycles, idleMs) {
  const { child: serve, url } = await spawnServe(bin);
  const serveUrl = `${url}/metrics`;
  await sleep(3000);

  const loads = [];
  for (let c = 0; c < cycles; c++) {
    const rssBefore = rssMiB(serve.pid);
    let peak = rssBefore;
    const scrapes = { serve: [], node: [], lag: [], age: [] };
    let loading = true;
    // the scraper: serve, then node_exporter, every second, for the whole load
    const scraper = (async () => {
      while (loading) {
        const s = await timedScrape(serveUrl);
        scrapes.serve.push(s.ms);
        scrapes.lag.push(sumOf(s.body, 'lifeline_replay_lag_seconds'));
        scrapes.age.push(sumOf(s.body, 'lifeline_exposition_age_seconds'));
        scrapes.node.push((await timedScrape(nodeUrl)).ms);
        peak = Math.max(peak, rssMiB(serve.pid));
        await sleep(1000);
      }
    })();
    const before = (await timedScrape(serveUrl)).body;
    const c0 = cpuOf(serve.pid);
    const i0 = irqWork();
    const t0 = performance.now();
    const t = ownTime(await run(SATURATING));
    const secs = (performance.now() - t0) / 1000;
    const iwi = (irqWork() - i0) / secs;
    const cpu = (cpuOf(serve.pid) - c0) / secs;
    loading = false;
    await scraper;
    // let the replay catch up before counting what it saw
    for (let i = 0; i < 60; i++) {
      const lag = sumOf((await timedScrape(serveUrl)).body, 'lifeline_replay_lag_seconds');
      if (lag < 1) break;
      await sleep(1000);
    }
    const after = (await timedScrape(serveUrl)).body;
    const events = sumOf(after, 'lifeline_events_total') - sumOf(before, 'lifeline_events_total');
    const lost = sumOf(after, 'lifeline_lost_events_total') - sumOf(before, 'lifeline_lost_events_total');
    const sampleEnd = performance.now() + idleMs;
    while (performance.now() < sampleEnd) {
      peak = Math.max(peak, rssMiB(serve.pid));
      await sleep(1000);
    }
    loads.push({ t, secs, iwi, cpu, events, lost, rssBefore, peak, rssAfter: rssMiB(serve.pid), scrapes });
  }
  serve.kill('SIGTERM');
  await new Promise((r) => serve.on('exit', r));
  return loads;
}

const median = (xs) => quantile(xs, 0.5);

export function printSaturated({ alone: aloneRuns, loads, recorded: recRuns, perfed: perfRuns }) {
  const alone = median(aloneRuns);
  const recorded = { t: median(recRuns.map((x) => x.t)), iwi: median(recRuns.map((x) => x.iwi)) };
  const perfed = { t: median(perfRuns.map((x) => x.t)), iwi: median(perfRuns.map((x) => x.iwi)) };
  const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`\nsaturated: ${SATURATING.join(' ')}, serve and prometheus-node-exporter scraped in turn every second`);
  const cyclesPerRun = loads.length / aloneRuns.length;
  loads.forEach((l, i) => {
    const ms = (xs, q) => f(quantile(xs, q), 1);
    // the RSS before the first load of this serve run: the baseline a creep is measured from
    const base = loads[i - (i % cyclesPerRun)].rssBefore;
    console.log(`  load ${i + 1}:`);
    console.log(
      `    scrape p50/p99: serve ${ms(l.scrapes.serve, 0.5)} / ${ms(l.scrapes.serve, 0.99)} ms, node_exporter ${ms(l.scrapes.node, 0.5)} / ${ms(l.scrapes.node, 0.99)} ms (${l.scrapes.serve.length} scrapes each; target p99 ≤ 1 s or ≤ 2× node_exporter's)`,
    );
    console.log(
      `    replay lag during the load: max ${f(Math.max(...l.scrapes.lag), 2)} s; exposition age max ${f(Math.max(...l.scrapes.age), 2)} s`,
    );
    console.log(
      `    events ${f(l.events)}, lost ${f(l.lost)} (${f((100 * l.lost) / Math.max(1, l.events + l.lost), 2)} %; target ≤ 1 %)`,
    );
    console.log(`    serve CPU ${f(l.cpu * 100)} % of a core over ${f(l.secs, 1)} s`);
    console.log(
      `    serve RSS before ${f(l.rssBefore, 1)} MiB, peak ${f(l.peak, 1)} MiB, one minute after ${f(l.rssAfter, 1)} MiB (${f((100 * l.rssAfter) / l.rssBefore - 100, 1)} % over this load, ${f((100 * l.rssAfter) / base - 100, 1)} % over the first; target ≤ 300 MiB and ≤ +10 %)`,
    );
    console.log(
      `    irq_work ${f(l.iwi)}/s (under lifeline record ${f(recorded.iwi)}/s, under perf sched record ${f(perfed.iwi)}/s)`,
    );
  });
  // the first load of each serve run: it follows a quiet start, as the other conditions' loads do
  const t = median(loads.filter((_, i) => i % cyclesPerRun === 0).map((l) => l.t));
  console.log(
    `  workload Total time (median of ${aloneRuns.length}): alone ${f(alone, 2)} s; under serve ${f(t, 2)} s ×${f(t / alone, 2)}; under lifeline record ${f(recorded.t, 2)} s ×${f(recorded.t / alone, 2)}; under perf sched record ${f(perfed.t, 2)} s ×${f(perfed.t / alone, 2)} (target: serve ≤ perf)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printSaturated(await saturated());
