// npm run bench:export — lifeline export --to perfetto and --to parquet: speed (events/s) and the
// output's size per event beside the capture's (SQLite and Arrow of the same run), with `lifeline
// info` (one plain read of the capture) as the baseline the export's time is compared to, and peak
// memory at two capture sizes (the second 10x the first: -l 6000 gives over a million events) to
// show it stays flat; then the Parquet export of a capture of ≥ 10 M events (the largest recorded
// one, repeated in time) for its memory; and the Parquet encoder alone on the largest recorded
// capture's tables (bench/lib/encode-alone.js), which bounds the export's speed.
// Targets: Perfetto (issue 9) ≥ 2 M events/s, trace ≤ 2x the Arrow capture; Parquet (issue 22)
// ≥ 2 M events/s from Arrow, ≤ 0.3x the Arrow capture's bytes, RSS ≤ 250 MiB at ≥ 10 M events.
// Medians of BENCH_RUNS (3) runs; BENCH_BIG_EVENTS (10 M) sizes the big capture, 0 skips it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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
const bigEvents = Number(process.env.BENCH_BIG_EVENTS ?? 10_000_000);

/** Bytes of every file under `dir`, and of the events table alone. */
function datasetBytes(dir) {
  let all = 0;
  let events = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const size = statSync(path.join(e.parentPath ?? e.path, e.name)).size;
    all += size;
    if (e.name === 'events.parquet') events += size;
  }
  return { all, events };
}

/**
 * An Arrow capture of at least `want` events: `src` again and again, each copy later by the
 * capture's length (threads keep their ids, as a machine's long-lived threads do).
 */
async function repeatCapture(src, dest, want) {
  const { openCapture, createWriter } = await import('../dist/api.js');
  const cap = await openCapture(src);
  const span = Math.max(1, cap.meta.endNs - cap.meta.startNs) + 1e6;
  const copies = Math.ceil(want / cap.meta.events);
  const writer = await createWriter(dest, 'arrow', cap.meta);
  let events = 0;
  for (let k = 0; k < copies; k++) {
    for await (const b of cap.batches()) {
      const ts = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) ts[i] = b.ts[i] + k * span;
      await writer.append({ ...b, ts });
      events += b.length;
    }
  }
  await writer.finish({ ...cap.meta, endNs: cap.meta.startNs + copies * span, events, complete: true });
  cap.close();
  return events;
}

const rows = [];
let bigRun = null;
/** parquet-wasm's time for the events and wakeups tables alone, warm (bench/lib/encode-alone.js). */
let encodeAlone = null;
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
      const pqDir = path.join(tmp, `cap-${l}-${format}-parquet`);
      const pq = measure([process.execPath, bin, 'export', cap, '--to', 'parquet', '-o', pqDir, '--force'], runs);
      // the replay the Parquet export runs (its wakeups, threads and edges tables come from it)
      const an = measure([process.execPath, bin, 'analyze', cap], runs);
      // the encoder alone on the largest capture's tables: what bounds the export's speed
      if (format === 'arrow' && l === Math.max(...loops))
        encodeAlone = {
          events,
          tables: JSON.parse(sh([process.execPath, path.join(root, 'bench/lib/encode-alone.js'), pqDir]).stdout),
        };
      rows.push({
        loops: l,
        format,
        events,
        capBytes: sizes[format],
        arrowBytes: sizes.arrow,
        traceBytes: statSync(out).size,
        read,
        exp,
        pq,
        an,
        pqBytes: datasetBytes(pqDir),
      });
    }
    console.log(`messaging -l ${l}: ${events} events; sqlite ${mb(sizes.sqlite)}, arrow ${mb(sizes.arrow)}`);
  }
  if (bigEvents > 0) {
    const largest = path.join(tmp, `cap-${Math.max(...loops)}.arrow`);
    const bigCap = path.join(tmp, 'big.arrow');
    const events = await repeatCapture(largest, bigCap, bigEvents);
    const pqDir = path.join(tmp, 'big-parquet');
    const pq = measure([process.execPath, bin, 'export', bigCap, '--to', 'parquet', '-o', pqDir, '--force'], 1);
    const an = measure([process.execPath, bin, 'analyze', bigCap], 1);
    bigRun = { events, arrowBytes: statSync(bigCap).size, pq, an, pqBytes: datasetBytes(pqDir) };
    console.log(`repeated capture: ${events} events, arrow ${mb(bigRun.arrowBytes)}`);
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

console.log('\n--to parquet (the whole dataset: events, tasks, threads, processes, wakeups, edges)');
console.log(
  'x arrow:  bytes over the Arrow capture bytes of the same run (target ≤ 0.3), of the events table and of all',
);
console.log(
  'x an:     export wall over `lifeline analyze` wall on the same capture (the replay the export runs; its RSS beside)\n',
);
console.log(
  [
    pad('loops', 6),
    pad('from', 7),
    pad('events', 9),
    pad('wall s', 7),
    pad('cpu s', 6),
    pad('Mev/s', 6),
    pad('x read', 7),
    pad('B/ev events', 11),
    pad('B/ev all', 9),
    pad('x arrow ev', 10),
    pad('x arrow all', 11),
    pad('RSS MiB', 8),
    pad('x an', 5),
    pad('an RSS', 6),
  ].join(' '),
);
const pqLine = (r, from) =>
  [
    pad(r.loops ?? '-', 6),
    pad(from, 7),
    pad(r.events, 9),
    pad(r.pq.wall.toFixed(2), 7),
    pad(r.pq.cpu.toFixed(2), 6),
    pad((r.events / r.pq.wall / 1e6).toFixed(2), 6),
    pad(r.read ? (r.pq.wall / r.read.wall).toFixed(2) : '-', 7),
    pad((r.pqBytes.events / r.events).toFixed(1), 11),
    pad((r.pqBytes.all / r.events).toFixed(1), 9),
    pad((r.pqBytes.events / r.arrowBytes).toFixed(2), 10),
    pad((r.pqBytes.all / r.arrowBytes).toFixed(2), 11),
    pad(r.pq.rssMb.toFixed(0), 8),
    pad((r.pq.wall / r.an.wall).toFixed(2), 5),
    pad(r.an.rssMb.toFixed(0), 6),
  ].join(' ');
for (const r of rows) console.log(pqLine(r, r.format));
if (bigRun) console.log(pqLine(bigRun, 'arrow'));
const met = (ok) => (ok ? 'met' : 'NOT met');
for (const r of rows.filter((x) => x.events >= 1e6 && x.format === 'arrow')) {
  const rate = r.events / r.pq.wall;
  console.log(
    `\nparquet from arrow, ${r.events} events: ${(rate / 1e6).toFixed(2)} M events/s of wall time (target ≥ 2: ${met(rate >= 2e6)}), ` +
      `${(r.events / r.pq.cpu / 1e6).toFixed(2)} M events per CPU second; the analysis alone ${(r.events / r.an.wall / 1e6).toFixed(2)} M events/s (the replay the export runs); ` +
      `events table ${(r.pqBytes.events / r.arrowBytes).toFixed(2)}x the Arrow capture (target ≤ 0.3: ${met(r.pqBytes.events / r.arrowBytes <= 0.3)}), ` +
      `whole dataset ${(r.pqBytes.all / r.arrowBytes).toFixed(2)}x (${met(r.pqBytes.all / r.arrowBytes <= 0.3)}); RSS ${r.pq.rssMb.toFixed(0)} MiB`,
  );
}
if (encodeAlone) {
  const { events, wakeups } = encodeAlone.tables;
  const perEvent = (events.ms + wakeups.ms) / 1e3 / encodeAlone.events;
  console.log(
    `parquet-wasm alone (warm, on one CPU, nothing beside it), ${encodeAlone.events} events: the events table ` +
      `${((events.ms / events.rows) * 1e3).toFixed(2)} µs a row, the wakeups table ${((wakeups.ms / wakeups.rows) * 1e3).toFixed(2)} µs a row ` +
      `(${(wakeups.rows / encodeAlone.events).toFixed(2)} wakeups an event): ${(perEvent * 1e6).toFixed(2)} µs of encoding an event, ` +
      `so one encoder thread writes at most ${(1 / perEvent / 1e6).toFixed(2)} M events/s whatever the replay costs`,
  );
}
if (bigRun) {
  const base = rows.filter((r) => r.format === 'arrow').sort((a, b) => b.events - a.events)[0];
  const ok = bigRun.events >= 10e6 && bigRun.pq.rssMb <= 250;
  console.log(
    `parquet RSS at ${bigRun.events} events: ${bigRun.pq.rssMb.toFixed(0)} MiB (target ≤ 250 MiB at ≥ 10 M events: ${met(ok)}); ` +
      `at ${base.events} events ${base.pq.rssMb.toFixed(0)} MiB (${(bigRun.events / base.events).toFixed(1)}x the events, ${(bigRun.pq.rssMb / base.pq.rssMb).toFixed(2)}x the memory); ` +
      `${(bigRun.events / bigRun.pq.wall / 1e6).toFixed(2)} M events/s; the analysis alone ${bigRun.an.rssMb.toFixed(0)} MiB, ${(bigRun.events / bigRun.an.wall / 1e6).toFixed(2)} M events/s`,
  );
}
