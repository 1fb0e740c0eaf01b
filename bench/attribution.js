// npm run bench:attribution — who really woke the thread: lifeline vs `perf sched timehist -w` vs the
// naive "task on the CPU", on workloads whose wakers are known in advance.
// How each workload is measured: bench/attribution/measure.js; the known answers:
// bench/attribution/workloads.js; what the figures mean: docs/accuracy.md. Options: BENCH_ONLY=name,name (substrings),
// BENCH_PROM_SECONDS (default 20), --json FILE (the figures as JSON), --docs (write them into docs/accuracy.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureWorkload, TOLERANCE_NS } from './attribution/measure.js';
import { WORKLOADS, wl } from './attribution/workloads.js';
import { figuresMarkdown, figuresTable, wrongAnswers, writeFigures } from './attribution/figures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const jsonAt = process.argv.indexOf('--json');
const jsonOut = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);

function has(command) {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;
}

console.log(
  `who woke the thread: lifeline vs perf sched timehist -w vs the task on the CPU (${os.cpus().length} CPUs, kernel ${os.release()})\n`,
);
const work = path.join(root, 'build');
mkdirSync(work, { recursive: true });
const rows = [];
for (const w of WORKLOADS) {
  if (only && !only.some((o) => w.name.includes(o))) continue;
  const missing = [...w.bins.filter((b) => !existsSync(wl(b))), ...(w.commands ?? []).filter((c) => !has(c))];
  if (missing.length) {
    console.log(`${w.name}: skipped, missing ${missing.join(', ')} (npm run setup builds and installs them)`);
    continue;
  }
  // under build/: the fsync workload's file must be on the disk (a temporary directory may be tmpfs)
  const dir = mkdtempSync(path.join(work, 'bench-attribution-'));
  try {
    const t0 = Date.now();
    const res = await measureWorkload(w, dir);
    rows.push({ name: w.name, about: w.about, known: w.known, ...res, seconds: (Date.now() - t0) / 1000 });
    process.stderr.write(`${w.name}: done\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const machine = `${os.cpus().length} CPUs, kernel ${os.release()}, ${new Date().toISOString().slice(0, 10)}`;
console.log(`${figuresTable(rows)}\n\n${wrongAnswers(rows)}`);
console.log(
  `\nsleeps: wakings that ended a sleep of the workload's threads (from the raw switch states), never fewer than` +
    `\nthe design makes; a sleep a tool has no wakeup for, or answers "unknown" for, counts as wrong. perf's lines` +
    `\nare paired with them by thread and time (±${TOLERANCE_NS / 1000} µs). naive lucky: run by an interrupt, yet the task on the CPU was right.`,
);
if (jsonOut)
  writeFileSync(jsonOut, JSON.stringify({ kernel: os.release(), cpus: os.cpus().length, rows }, null, 2) + '\n');
if (process.argv.includes('--docs')) {
  writeFigures(path.join(root, 'docs/accuracy.md'), figuresMarkdown(rows, machine));
  console.log('docs/accuracy.md: figures written');
}
