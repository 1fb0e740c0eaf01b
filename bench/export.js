// npm run bench:export — lifeline export --to perfetto: speed (events/s) and the trace's size per
// event beside the capture's (SQLite and Arrow of the same run), with `lifeline info` (one plain
// read of the capture) as the baseline the export's time is compared to, and peak memory at two
// capture sizes (the second 10x the first: -l 6000 gives over a million events) to show it stays flat.
// Targets (issue 9): ≥ 2 M events/s, trace ≤ 2x the Arrow capture. Medians of BENCH_RUNS (3) runs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, recordMessagingArgv, sh } from './lib/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/lifeline.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-export-'));
const loops = (process.env.BENCH_LOOPS ?? '600,6000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);

const pad = (s, n) => String(s).padEnd(n);
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
console.log(
  `lifeline export benchmark: ${os.cpus().length} CPUs, kernel ${os.release()}, load average ${os.loadavg()[0].toFixed(1)}, medians of ${runs} runs\n`,
);
const rows = [];
try {
  for (const l of loops) {
    const db = path.join(tmp, `cap-${l}.db`);
    const arrow = path.join(tmp, `cap-${l}.arrow`);
    sh(recordMessagingArgv(bin, db, arrow, l));
    const events = JSON.parse(sh([process.execPath, bin, 'info', '--json', arrow]).stdout).events;
    const sizes = { sqlite: statSync(db).size, arrow: statSync(arrow).size };
    for (const [format, cap] of [
      ['arrow', arrow],
      ['sqlite', db],
    ]) {
      const out = path.join(tmp, `cap-${l}-${format}.pftrace`);
      const read = measure([process.execPath, bin, 'info', cap], runs);
      const exp = measure([process.execPath, bin, 'export', cap, '--to', 'perfetto', '-o', out, '--force'], runs);
      rows.push({
        loops: l,
        format,
        events,
        capBytes: sizes[format],
        arrowBytes: sizes.arrow,
        traceBytes: statSync(out).size,
        read,
        exp,
      });
    }
    console.log(`messaging -l ${l}: ${events} events; sqlite ${mb(sizes.sqlite)}, arrow ${mb(sizes.arrow)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('\nx read:   export wall time over `lifeline info` (one read of the same capture) wall time');
console.log('x arrow:  trace bytes over the Arrow capture bytes of the same run (target ≤ 2)\n');
console.log(
  [
    pad('loops', 6),
    pad('from', 7),
    pad('events', 9),
    pad('wall s', 7),
    pad('cpu s', 6),
    pad('Mev/s', 6),
    pad('Mev/cpu-s', 9),
    pad('x read', 7),
    pad('B/ev trace', 10),
    pad('B/ev cap', 9),
    pad('x arrow', 8),
    pad('RSS MiB', 8),
  ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      pad(r.loops, 6),
      pad(r.format, 7),
      pad(r.events, 9),
      pad(r.exp.wall.toFixed(2), 7),
      pad(r.exp.cpu.toFixed(2), 6),
      pad((r.events / r.exp.wall / 1e6).toFixed(2), 6),
      pad((r.events / r.exp.cpu / 1e6).toFixed(2), 9),
      pad((r.exp.wall / r.read.wall).toFixed(2), 7),
      pad((r.traceBytes / r.events).toFixed(1), 10),
      pad((r.capBytes / r.events).toFixed(1), 9),
      pad((r.traceBytes / r.arrowBytes).toFixed(2), 8),
      pad(r.exp.rssMb.toFixed(0), 8),
    ].join(' '),
  );
}
const big = rows.filter((r) => r.events >= 1e6);
for (const r of big) {
  const rate = r.events / r.exp.wall;
  const ratio = r.traceBytes / r.arrowBytes;
  console.log(
    `\n${r.format}, ${r.events} events: ${(rate / 1e6).toFixed(2)} M events/s of wall time (target ≥ 2: ${rate >= 2e6 ? 'met' : 'NOT met'}), ` +
      `${(r.events / r.exp.cpu / 1e6).toFixed(2)} M events per CPU second (of which reading the capture, as \`info\` does: ${((r.read.cpu / r.exp.cpu) * 100).toFixed(0)} %), ` +
      `trace ${ratio.toFixed(2)}x the Arrow capture (target ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'})`,
  );
}
if (big.length === 0) console.log('\nno capture reached 1 M events: raise BENCH_LOOPS');
