// npm run bench:attribution — who really woke the thread: lifeline vs `perf sched timehist -w` vs the
// naive "task on the CPU", on workloads whose wakers are known in advance.
// How each workload is measured: bench/attribution/measure.js; the known answers:
// bench/attribution/workloads.js; what the figures mean: docs/accuracy.md. Options: BENCH_ONLY=name,name (substrings),
// BENCH_PROM_SECONDS (default 20), --json FILE (the figures, for docs/accuracy.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureWorkload, TOLERANCE_NS } from './attribution/measure.js';
import { WORKLOADS, wl } from './attribution/workloads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const jsonAt = process.argv.indexOf('--json');
const jsonOut = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);

function has(command) {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;
}

const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

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

console.log(
  [
    pad('workload', 36),
    lpad('wakeups', 8),
    lpad('lifeline', 9),
    lpad('perf -w', 8),
    lpad('naive', 7),
    lpad('unknown', 8),
    lpad('naive lucky', 12),
    lpad('only ll/perf', 13),
  ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      pad(r.name, 36),
      lpad(r.wakeups, 8),
      lpad(pct(r.lifeline, r.wakeups), 9),
      lpad(pct(r.perf, r.wakeups), 8),
      lpad(pct(r.naive, r.wakeups), 7),
      lpad(r.unknown, 8),
      lpad(r.naiveLucky, 12),
      lpad(`${r.onlyLifeline}/${r.onlyPerf}`, 13),
    ].join(' '),
  );
}
console.log('\nknown answers, and what each tool named when it was wrong:');
for (const r of rows) {
  console.log(
    `- ${r.name}: ${r.about}\n  right: ${r.known}; lifeline stamps ${r.offsetUs.toFixed(1)} µs after perf (median), ${r.seconds.toFixed(0)} s`,
  );
  for (const tool of ['lifeline', 'perf', 'naive'])
    if (r.wrong[tool]) console.log(`  ${pad(tool, 8)} wrong: ${r.wrong[tool]}`);
}
console.log(
  `\nwakeups: wakeups that ended a sleep of the workload's threads, seen by both tools (matched by thread and time, ±${TOLERANCE_NS / 1000} µs);` +
    `\nnaive lucky: run by an interrupt, yet the task on the CPU was the right answer; only ll/perf: wakeups one tool saw and the other did not.`,
);
if (jsonOut)
  writeFileSync(jsonOut, JSON.stringify({ kernel: os.release(), cpus: os.cpus().length, rows }, null, 2) + '\n');
