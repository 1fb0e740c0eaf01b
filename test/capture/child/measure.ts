/**
 * Size and speed of both capture formats on N synthetic realistic events:
 *   node --import ./test/capture/child/register.mjs test/capture/child/measure.ts [events] [dir]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWriter, openCapture } from '../../../src/capture/index.js';
import { syntheticRows, testMeta, toBatches } from '../synthetic.js';

const events = Number(process.argv[2] ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(process.argv[3] ?? os.tmpdir(), 'lifeline-measure-'));
const batches = toBatches(syntheticRows({ events, seed: 7 }), 16384);
for (const format of ['sqlite', 'arrow'] as const) {
  const file = path.join(dir, `run.${format === 'sqlite' ? 'db' : 'arrow'}`);
  const writer = await createWriter(file, format, testMeta());
  const t0 = performance.now();
  for (const b of batches) await writer.append(b);
  const t1 = performance.now();
  await writer.finish(testMeta({ endNs: 86_400e9 + 10e9 }));
  const bytes = fs.statSync(file).size;
  const capture = await openCapture(file);
  const t2 = performance.now();
  let n = 0;
  for await (const b of capture.batches()) n += b.length;
  const t3 = performance.now();
  capture.close();
  console.log(
    `${format.padEnd(6)} ${events} events: ${(bytes / events).toFixed(2)} B/event, ` +
      `append ${(t1 - t0).toFixed(0)} ms, read ${(t3 - t2).toFixed(0)} ms (${n} events)`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
