// Issue 23's "small" start-up targets, as rows of bench:analyze: `lifeline --help` and `lifeline info`
// within 0.15 s, `lifeline analyze` of fixtures/sleeper-stress.arrow within 0.25 s, and
// `lifeline record -- true` within 0.3x `perf sched record -- true` (root). Wall medians, each
// command run `runs` times in turn with the others (a loaded machine slows them alike); `node -e 0`
// is printed beside them, the floor no command starts below. When the environment sets
// NODE_EXTRA_CA_CERTS, every node start reads and parses those certificates before any script runs
// (some 35 ms on this project's machine, whose sandbox sets it): the rows are then measured a
// second time without it, and both are printed.
// Run alone: node bench/lib/startup.js (BENCH_STARTUP_RUNS, default 7). Needs root (perf, BPF).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, sh } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Median wall seconds of each command ({ argv, env }), the commands run in turn `runs` times. */
function interleaved(commands, runs) {
  const walls = commands.map(() => []);
  for (let i = 0; i < runs; i++)
    commands.forEach(({ argv, env }, j) => {
      const t0 = process.hrtime.bigint();
      sh(argv, { stdio: ['ignore', 'ignore', 'pipe'], env });
      walls[j].push(Number(process.hrtime.bigint() - t0) / 1e9);
    });
  return walls.map(median);
}

/** The rows, measured in each of `envs` (the runs of every environment interleaved): one list per environment. */
function startupRows(runs, envs) {
  const node = process.execPath;
  const bin = path.join(root, 'bin/lifeline.js');
  const fixture = path.join(root, 'fixtures/sleeper-stress.arrow');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-startup-'));
  const rows = () => [
    { name: 'node -e 0 (the floor)', argv: [node, '-e', '0'] },
    { name: 'lifeline --help', argv: [node, bin, '--help'], max: 0.15 },
    { name: 'lifeline info (arrow)', argv: [node, bin, 'info', fixture], max: 0.15 },
    { name: 'lifeline analyze (arrow)', argv: [node, bin, 'analyze', fixture], max: 0.25 },
    { name: 'lifeline analyze --json', argv: [node, bin, 'analyze', '--json', fixture], max: 0.25 },
  ];
  const record = () => [
    {
      name: 'perf sched record -- true',
      argv: ['perf', 'sched', 'record', '-q', '-o', path.join(tmp, 'p.data'), '--', 'true'],
    },
    {
      name: 'lifeline record -- true',
      argv: [node, bin, 'record', '--force', '-o', path.join(tmp, 'x.arrow'), '--', 'true'],
      maxRatio: 0.3,
    },
  ];
  const small = envs.map(rows);
  const records = envs.map(record);
  try {
    for (const group of [small, records]) {
      const all = group.flatMap((list, e) => list.map((r) => ({ row: r, argv: r.argv, env: envs[e] })));
      interleaved(all, runs).forEach((wall, i) => (all[i].row.wall = wall));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return envs.map((_, e) => {
    const rec = records[e];
    rec[1].ratio = rec[1].wall / rec[0].wall;
    return [...small[e], ...rec];
  });
}

/** The rows as bench:analyze prints them: the figure, the target, whether it is met. */
function printStartup(rows, runs, what) {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(
    `start-up (issue 23, small targets; wall, medians of ${runs} runs, fixtures/sleeper-stress.arrow${what}):`,
  );
  for (const r of rows) {
    let target = '';
    if (r.max !== undefined) target = `target <= ${r.max.toFixed(2)} s (${r.wall <= r.max ? 'met' : 'NOT met'})`;
    if (r.maxRatio !== undefined)
      target = `${r.ratio.toFixed(2)}x perf sched record; target <= ${r.maxRatio}x (${r.ratio <= r.maxRatio ? 'met' : 'NOT met'})`;
    console.log(`  ${pad(r.name, 27)} ${pad(`${r.wall.toFixed(3)} s`, 9)} ${target}`);
  }
}

/** Measures and prints the start-up rows (also without NODE_EXTRA_CA_CERTS, when this environment sets it). */
export function startupReport(runs) {
  const certs = process.env.NODE_EXTRA_CA_CERTS;
  if (certs === undefined) {
    printStartup(startupRows(runs, [process.env])[0], runs, '');
    return;
  }
  const without = { ...process.env };
  delete without.NODE_EXTRA_CA_CERTS;
  const [as, clean] = startupRows(runs, [process.env, without]);
  printStartup(as, runs, `; NODE_EXTRA_CA_CERTS=${certs}, as this environment sets it`);
  console.log('');
  printStartup(clean, runs, '; without NODE_EXTRA_CA_CERTS, runs interleaved with the above');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) startupReport(Number(process.env.BENCH_STARTUP_RUNS ?? 7));
