// node bench/lib/warm-replay.js CAPTURE [RUNS]: the warm replay's cost per event, every metric on
// (what analyze computes for --json), without reading or building the result. The capture's
// batches are read into memory once; analyze replays them RUNS times in this process (default: 7,
// or enough runs to replay 5 M events, as a run of a small capture lasts some milliseconds and one
// pause weighs on it); the replay is timed from the start of a run to its last batch fed (the
// progress callback), and the median of the runs after the first third (at least two: JIT warm-up)
// is printed as JSON: { events, runs, nsPerEvent }.
import { inMemoryCapture, readBatches, timeReplay } from './replay-in-memory.js';

const { source, batches, events } = await readBatches(process.argv[2]);
const runs = Math.max(3, Number(process.argv[3] ?? Math.max(7, Math.ceil(5e6 / Math.max(1, events)))));
const capture = inMemoryCapture(source, batches);
const times = [];
for (let i = 0; i < runs; i++) times.push(await timeReplay(capture));
const warm = times.slice(Math.max(2, Math.floor(runs / 3))).sort((x, y) => x - y);
const median = warm[(warm.length - 1) >> 1];
console.log(JSON.stringify({ events, runs, nsPerEvent: events > 0 ? (median * 1e6) / events : 0 }));
