// node bench/lib/warm-replay.js CAPTURE [RUNS]: the warm replay's cost per event, every metric on
// (what analyze computes for --json), without reading or building the result. The capture's
// batches are read into memory once; analyze replays them RUNS times in this process (default: 7,
// or enough runs to replay 5 M events, as a run of a small capture lasts some milliseconds and one
// pause weighs on it); the replay is timed from the start of a run to its last batch fed (the
// progress callback), and the median of the runs after the first third (at least two: JIT warm-up)
// is printed as JSON: { events, runs, nsPerEvent }.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
const { openCapture } = await import(dist('capture/index.js'));
const { analyze } = await import(dist('analyze/index.js'));

const file = process.argv[2];
const cap = await openCapture(file);
const batches = [];
try {
  for await (const b of cap.batches()) batches.push(b);
} finally {
  cap.close();
}
const events = batches.reduce((n, b) => n + b.length, 0);
const runs = Math.max(3, Number(process.argv[3] ?? Math.max(7, Math.ceil(5e6 / Math.max(1, events)))));
const inMemory = {
  format: cap.format,
  path: cap.path,
  meta: cap.meta,
  batches: async function* () {
    yield* batches;
  },
  close() {},
};
const times = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  let fed = start;
  await analyze(inMemory, {
    onProgress: () => {
      fed = performance.now();
    },
    parts: { processEdges: false },
  });
  times.push(fed - start);
}
const warm = times.slice(Math.max(2, Math.floor(runs / 3))).sort((x, y) => x - y);
const median = warm[(warm.length - 1) >> 1];
console.log(JSON.stringify({ events, runs, nsPerEvent: events > 0 ? (median * 1e6) / events : 0 }));
