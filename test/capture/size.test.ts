import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXT, tempDir, writeCapture } from './helpers.js';
import { syntheticRows, toBatches } from './synthetic.js';

const dir = tempDir();

/** perf.data takes about 105 bytes per scheduler event; a capture must take at most a third. */
const MAX_BYTES_PER_EVENT = 37;

describe('capture size', () => {
  const events = 200_000;
  const rows = syntheticRows({ events, seed: 17, cpus: 2 });
  for (const format of ['sqlite', 'arrow'] as const) {
    it(`${format}: at most ${MAX_BYTES_PER_EVENT} bytes per event on 200K realistic events`, async () => {
      // Batches of the size the recorder drains at a moderate rate (100 ms at 40K events/s).
      const file = await writeCapture(path.join(dir, `size.${EXT[format]}`), format, toBatches(rows, 4096));
      const perEvent = fs.statSync(file).size / events;
      expect(perEvent).toBeLessThanOrEqual(MAX_BYTES_PER_EVENT);
    }, 30_000);
  }
});
