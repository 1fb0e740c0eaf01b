// npm run bench:record — lifeline record vs perf sched record, side by side in one run.
// For each workload: alone, under `perf sched record`, `perf sched record -g` (call graphs),
// libbpf-tools' `offcputime` (beside the workload, for its duration), and `lifeline record`
// (sqlite with stacks, its default; sqlite with --stacks none; sqlite with --no-workqueues; arrow).
// Prints wall time, the workload's own time, machine CPU seconds, events, bytes/event, lost,
// ratios against the workload alone and against perf, then what stacks cost (lifeline with
// stacks against lifeline without and against perf sched record -g) and what the workqueue
// events cost (lifeline against lifeline --no-workqueues; the pty ping-pong is their worst case:
// every byte is a work item queued, started and ended).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HZ, busyTicks, findTool, runBeside } from './lib/tracer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-'));
const runs = Number(process.env.BENCH_RUNS ?? 3);

const workloads = [
  { name: 'messaging', cmd: ['perf', 'bench', 'sched', 'messaging'] },
  { name: 'idle (true)', cmd: ['true'] },
  { name: 'pty ping-pong', cmd: [path.join(root, 'build/workloads/ll-pty'), '10000'] },
];

/** libbpf-tools' offcputime (Debian package libbpf-tools), or null when it is not installed. */
const offcputime = findTool(['/usr/sbin/offcputime', 'offcputime', '/usr/sbin/libbpf-offcputime']);

function run(argv) {
  const t0 = process.hrtime.bigint();
  const c0 = busyTicks();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (busyTicks() - c0) / HZ;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const out = `${r.stdout}\n${r.stderr}`;
  return { wall, cpu, own: ownTime(out), out };
}

/** The workload's own time (perf bench's "Total time"), or null. */
function ownTime(out) {
  const m = out.match(/Total time:\s*([\d.]+)/);
  return m ? Number(m[1]) : null;
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

const PERF = 'perf sched record';
const PERF_G = 'perf sched record -g';
const OFFCPU = 'offcputime';
const STACKS = 'lifeline (sqlite)';
const NO_STACKS = 'lifeline --stacks none';
const NO_WQ = 'lifeline --no-workqueues';
const modes = [
  { name: 'alone', argv: (cmd) => cmd, file: null },
  {
    name: PERF,
    argv: (cmd, f) => ['perf', 'sched', 'record', '-q', '-o', f, '--', ...cmd],
    file: 'perf.data',
    count: perfEvents,
  },
  {
    name: PERF_G,
    argv: (cmd, f) => ['perf', 'sched', 'record', '-g', '-q', '-o', f, '--', ...cmd],
    file: 'perf-g.data',
    count: perfEvents,
  },
  ...(offcputime === null ? [] : [{ name: OFFCPU, beside: [offcputime], file: null }]),
  {
    name: STACKS,
    argv: (cmd, f) => [process.execPath, bin, 'record', '-f', 'sqlite', '-o', f, '--', ...cmd],
    file: 'cap.db',
    count: lifelineEvents,
  },
  {
    name: NO_STACKS,
    argv: (cmd, f) => [process.execPath, bin, 'record', '-f', 'sqlite', '--stacks', 'none', '-o', f, '--', ...cmd],
    file: 'nostacks.db',
    count: lifelineEvents,
  },
  {
    name: NO_WQ,
    argv: (cmd, f) => [process.execPath, bin, 'record', '-f', 'sqlite', '--no-workqueues', '-o', f, '--', ...cmd],
    file: 'nowq.db',
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
  `lifeline record benchmark: ${os.cpus().length} CPUs, kernel ${os.release()}, ${runs} runs each (medians)` +
    `\nlifeline (sqlite) and (arrow) record kernel stacks (the default); offcputime: ${offcputime ?? 'not installed (Debian package libbpf-tools), row left out'}\n`,
);
for (const w of workloads) {
  const results = {};
  for (let i = 0; i < runs; i++) {
    for (const m of modes) {
      const file = m.file ? path.join(tmp, `${i}-${m.file}`) : null;
      if (file) rmSync(file, { force: true });
      const r = m.beside ? await runBeside(m.beside, w.cmd) : run(m.argv(w.cmd, file));
      if (m.beside) r.own = ownTime(r.out);
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
  const perf = agg[PERF];
  console.log(`## ${w.name}: ${w.cmd.join(' ')}`);
  console.log(
    [
      pad('mode', 24),
      pad('wall s', 8),
      pad('x alone', 8),
      pad('x perf', 8),
      pad('own s', 7),
      pad('own x', 7),
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
        pad(k, 24),
        pad(num(a.wall), 8),
        pad(num(a.wall / alone.wall, 2), 8),
        pad(k === 'alone' ? '-' : num(a.wall / perf.wall, 2), 8),
        pad(num(a.own), 7),
        pad(a.own !== null && a.own !== undefined && alone.own ? num(a.own / alone.own, 2) : '-', 7),
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
      `\nfixed cost: lifeline ${num(agg[STACKS].wall - alone.wall)} s vs perf ${num(perf.wall - alone.wall)} s (ratio ${num((agg[STACKS].wall - alone.wall) / (perf.wall - alone.wall), 2)}; target <= 0.33)`,
    );
  console.log(stackRatios(agg, fixed));
  console.log(workqueueRatios(agg));
  console.log('');
}
rmSync(tmp, { recursive: true, force: true });

/**
 * What stacks cost, as ratios of the medians: lifeline with stacks over lifeline without, over
 * perf sched record -g and over offcputime, by the workload's own time (its slowdown), machine CPU
 * seconds, and for the fixed cost (`true`) the wall time added to the command; bytes per event
 * with stacks against without.
 */
function stackRatios(agg, fixed) {
  const s = agg[STACKS];
  const ratio = (x, y) => (x === null || y === null || y === undefined || y === 0 ? null : x / y);
  const lines = ['stacks:'];
  const against = (o, label, target) => {
    if (o === undefined) return;
    if (fixed) {
      const added = ratio(s.wall - agg.alone.wall, o.wall - agg.alone.wall);
      lines.push(
        `  lifeline+stacks / ${label}: fixed cost ${num(s.wall - agg.alone.wall)} s vs ${num(o.wall - agg.alone.wall)} s, ${num(added, 2)}x; machine CPU ${num(ratio(s.cpu, o.cpu), 2)}x (target ${target})`,
      );
    } else
      lines.push(
        `  lifeline+stacks / ${label}: workload time ${num(ratio(s.own, o.own), 2)}x, machine CPU ${num(ratio(s.cpu, o.cpu), 2)}x, wall ${num(ratio(s.wall, o.wall), 2)}x (target ${target})`,
      );
  };
  against(agg[NO_STACKS], 'lifeline-no-stacks', '<= 1.25x');
  against(agg[PERF_G], PERF_G, '< 1');
  against(agg[OFFCPU], OFFCPU, 'none: offcputime keeps sums, not events');
  const n = agg[NO_STACKS];
  if (s.bpe !== null && n?.bpe) {
    const d = (s.bpe / n.bpe - 1) * 100;
    lines.push(
      `  bytes per event, stacks vs none: ${num(s.bpe, 1)} vs ${num(n.bpe, 1)} (${d >= 0 ? '+' : ''}${num(d, 1)}%; target within ±10%)`,
    );
  }
  return lines.join('\n');
}

/**
 * What recording workqueue items costs: lifeline (the default, with them) over lifeline
 * --no-workqueues, by wall time, the workload's own time, machine CPU seconds, and the events and
 * bytes they add.
 */
function workqueueRatios(agg) {
  const s = agg[STACKS];
  const n = agg[NO_WQ];
  if (n === undefined) return '';
  const ratio = (x, y) => (x === null || y === null || y === undefined || y === 0 ? null : x / y);
  const added = s.events !== null && n.events !== null ? s.events - n.events : null;
  return (
    `workqueues: lifeline / ${NO_WQ}: wall ${num(ratio(s.wall, n.wall), 2)}x, workload time ${num(ratio(s.own, n.own), 2)}x, ` +
    `machine CPU ${num(ratio(s.cpu, n.cpu), 2)}x; events ${added === null ? '-' : `${added >= 0 ? '+' : ''}${added}`} ` +
    `(${added === null || !n.events ? '-' : num((added / n.events) * 100, 1)}%), bytes/event ${num(s.bpe, 1)} vs ${num(n.bpe, 1)}`
  );
}
