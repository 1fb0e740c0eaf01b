// npm run bench:record — lifeline record vs perf sched record, side by side in one run.
// For each workload: alone, under `perf sched record`, under `lifeline record` (sqlite, arrow).
// Prints wall time, the workload's own time, machine CPU seconds, events, bytes/event, lost,
// and ratios against the workload alone and against perf.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-'));
const runs = Number(process.env.BENCH_RUNS ?? 3);

const workloads = [
  { name: 'messaging', cmd: ['perf', 'bench', 'sched', 'messaging'] },
  { name: 'idle (true)', cmd: ['true'] },
];

/** Busy CPU ticks of the whole machine (includes kernel BPF work and the recorder). */
const HZ = 100;
function busyTicks() {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return v[0] + v[1] + v[2] + v[5] + v[6];
}

function run(argv) {
  const t0 = process.hrtime.bigint();
  const c0 = busyTicks();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (busyTicks() - c0) / HZ;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const out = `${r.stdout}\n${r.stderr}`;
  const m = out.match(/Total time:\s*([\d.]+)/);
  return { wall, cpu, own: m ? Number(m[1]) : null, out };
}

/** Samples and lost samples in perf.data, from perf's own statistics. */
function perfEvents(file) {
  const stats = spawnSync('perf', ['report', '--stats', '-i', file], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  const samples = Number((stats.match(/SAMPLE events:\s*(\d+)/) ?? [0, 0])[1]);
  const lost =
    Number((stats.match(/LOST_SAMPLES events:\s*(\d+)/) ?? [0, 0])[1]) +
    Number((stats.match(/\bLOST events:\s*(\d+)/) ?? [0, 0])[1]);
  return { events: samples, bytes: statSync(file).size, lost };
}

function lifelineEvents(file, out) {
  const j = JSON.parse(spawnSync(process.execPath, [bin, 'info', '--json', file], { encoding: 'utf8' }).stdout);
  void out;
  return { events: j.events, bytes: statSync(file).size, lost: j.lost };
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

const modes = [
  { name: 'alone', argv: (cmd) => cmd, file: null },
  {
    name: 'perf sched record',
    argv: (cmd, f) => ['perf', 'sched', 'record', '-q', '-o', f, '--', ...cmd],
    file: 'perf.data',
    count: perfEvents,
  },
  {
    name: 'lifeline (sqlite)',
    argv: (cmd, f) => [process.execPath, bin, 'record', '-f', 'sqlite', '-o', f, '--', ...cmd],
    file: 'cap.db',
    count: lifelineEvents,
  },
  {
    name: 'lifeline (arrow)',
    argv: (cmd, f) => [process.execPath, bin, 'record', '-f', 'arrow', '-o', f, '--', ...cmd],
    file: 'cap.arrow',
    count: lifelineEvents,
  },
];

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 3) => (x === null || x === undefined ? '-' : x.toFixed(d));
console.log(
  `lifeline record benchmark: ${os.cpus().length} CPUs, kernel ${os.release()}, ${runs} runs each (medians)\n`,
);
for (const w of workloads) {
  const results = {};
  for (let i = 0; i < runs; i++) {
    for (const m of modes) {
      const file = m.file ? path.join(tmp, `${i}-${m.file}`) : null;
      if (file) rmSync(file, { force: true });
      const r = run(m.argv(w.cmd, file));
      const c = m.count ? m.count(file, r.out) : { events: null, bytes: null, lost: null };
      (results[m.name] ??= []).push({ ...r, ...c });
      if (file) rmSync(file, { force: true });
    }
  }
  const agg = Object.fromEntries(
    Object.entries(results).map(([k, rs]) => [
      k,
      {
        wall: median(rs.map((r) => r.wall)),
        own: median(rs.map((r) => r.own)),
        cpu: median(rs.map((r) => r.cpu)),
        events: median(rs.map((r) => r.events)),
        bpe: median(rs.map((r) => (r.events ? r.bytes / r.events : null))),
        lost: median(rs.map((r) => r.lost)),
      },
    ]),
  );
  const alone = agg.alone;
  const perf = agg['perf sched record'];
  console.log(`## ${w.name}: ${w.cmd.join(' ')}`);
  console.log(
    [
      pad('mode', 20),
      pad('wall s', 8),
      pad('x alone', 8),
      pad('x perf', 8),
      pad('own s', 7),
      pad('cpu s', 7),
      pad('x perf', 7),
      pad('events', 9),
      pad('B/event', 8),
      pad('x perf', 7),
      'lost',
    ].join(' '),
  );
  for (const [k, a] of Object.entries(agg)) {
    console.log(
      [
        pad(k, 20),
        pad(num(a.wall), 8),
        pad(num(a.wall / alone.wall, 2), 8),
        pad(k === 'alone' ? '-' : num(a.wall / perf.wall, 2), 8),
        pad(num(a.own), 7),
        pad(num(a.cpu, 2), 7),
        pad(k === 'alone' ? '-' : num(a.cpu / perf.cpu, 2), 7),
        pad(a.events ?? '-', 9),
        pad(num(a.bpe, 1), 8),
        pad(a.bpe && perf.bpe ? num(a.bpe / perf.bpe, 2) : '-', 7),
        a.lost ?? '-',
      ].join(' '),
    );
  }
  const fixed = w.cmd[0] === 'true';
  if (fixed)
    console.log(
      `\nfixed cost: lifeline ${num(agg['lifeline (sqlite)'].wall - alone.wall)} s vs perf ${num(perf.wall - alone.wall)} s (ratio ${num((agg['lifeline (sqlite)'].wall - alone.wall) / (perf.wall - alone.wall), 2)}; target <= 0.33)`,
    );
  console.log('');
}
rmSync(tmp, { recursive: true, force: true });
