// node bench/split-bound.js CAPTURE [RUNS]: the most a replay split by time could gain on this
// machine. The capture's batches are read into memory once; then, RUNS times (default 3), a fresh
// worker thread replays all of them (every metric, as analyze --json), and two fresh workers
// replay one half each at the same time, with nothing stitched between the halves (which a real
// split would have to do after). Each replay is timed from the go (the batches already copied
// into the worker) to its last batch fed, a split by its slower half. Medians are printed as
// JSON: { events, cpus, whole, halves, bound }, times in ms, bound = whole / halves (above 1: the
// split could pay, at most that much).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { inMemoryCapture, readBatches, timeReplay } from './lib/replay-in-memory.js';
import { median } from './lib/run.js';

if (isMainThread) {
  const runs = Math.max(1, Number(process.argv[3] ?? 3));
  const { source, batches, events } = await readBatches(process.argv[2]);
  const half = batches.length >> 1;
  /** The replay time of the slowest of these parts, each on its own fresh worker, started together. */
  const replay = async (parts) => {
    const workers = parts.map(
      (part) => new Worker(fileURLToPath(import.meta.url), { workerData: { source, batches: part } }),
    );
    try {
      await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
      const done = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
      for (const w of workers) w.postMessage('go');
      // each worker's time from its go to its last batch fed: the split is as slow as its slowest part
      return Math.max(...(await Promise.all(done)));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  };
  const whole = [];
  const halves = [];
  for (let r = 0; r < runs; r++) {
    whole.push(await replay([batches]));
    halves.push(await replay([batches.slice(0, half), batches.slice(half)]));
  }
  const w = median(whole);
  const h = median(halves);
  console.log(
    JSON.stringify({
      events,
      cpus: os.availableParallelism(),
      whole: Math.round(w),
      halves: Math.round(h),
      bound: +(w / h).toFixed(2),
    }),
  );
} else {
  const capture = inMemoryCapture(workerData.source, workerData.batches);
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  parentPort.postMessage(await timeReplay(capture));
}
