/**
 * Child of the kill tests: appends deterministic batches to a capture as
 * fast as it can, printing "appended K" after each append returns, until it
 * is killed. Usage: write-forever.ts FORMAT PATH BATCH_ROWS
 */
import { createWriter } from '../../../src/capture/index.js';
import type { CaptureFormat } from '../../../src/capture/meta.js';
import { KILL_TEST_BATCHES, killTestBatches } from '../kill-batches.js';
import { testMeta } from '../synthetic.js';

const [format, path, rows] = process.argv.slice(2) as [CaptureFormat, string, string];
const batches = killTestBatches(Number(rows));
const writer = await createWriter(path, format, testMeta());
for (let k = 0; k < KILL_TEST_BATCHES; k++) {
  await writer.append(batches[k]!);
  process.stdout.write(`appended ${k + 1}\n`);
}
// Out of batches before the parent killed us: wait for the kill anyway.
setInterval(() => undefined, 1000);
