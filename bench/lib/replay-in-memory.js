// What the replay benchmarks (warm-replay.js, split-bound.js) share: a capture's batches read into
// memory once, a capture that hands them over again, and a replay timed to its last batch fed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
// loaded with this module, so that a replay timed later does not load it
const { analyze } = await import(dist('analyze/index.js'));

/** The capture's facts (format, path, meta) and every batch of its events, read once. */
export async function readBatches(file) {
  const { openCapture } = await import(dist('capture/index.js'));
  const cap = await openCapture(file);
  const batches = [];
  try {
    for await (const b of cap.batches()) batches.push(b);
  } finally {
    cap.close();
  }
  const events = batches.reduce((n, b) => n + b.length, 0);
  return { source: { format: cap.format, path: cap.path, meta: cap.meta }, batches, events };
}

/** A capture (src/capture Capture) of `source`'s facts that yields `batches`, as often as asked. */
export function inMemoryCapture(source, batches) {
  return {
    ...source,
    batches: async function* () {
      yield* batches;
    },
    close() {},
  };
}

/**
 * Milliseconds from the start of analyze (every metric, as analyze --json computes them) to its
 * last batch fed (the progress callback): the replay, without building the result.
 */
export async function timeReplay(capture) {
  const start = performance.now();
  let fed = start;
  await analyze(capture, {
    onProgress: () => {
      fed = performance.now();
    },
    parts: { processEdges: false },
  });
  return fed - start;
}
