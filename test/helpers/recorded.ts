/** A workload recorded for real and analyzed: the ground-truth tests' shared start. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';
import { record, type RecordOptions, type RecordResult } from '../../src/record/recorder.js';
import type { Analysis, AnalyzeOptions } from '../../src/analyze/types.js';

export const ROOT = path.resolve(__dirname, '../..');
/** A ground-truth workload built by scripts/setup.sh. */
export const wl = (n: string): string => path.join(ROOT, 'build/workloads', n);

/**
 * Records `shell` (which writes its ids to $IDS) and analyzes the capture (with the detail of
 * every wakeup unless `opts` say otherwise); `recordOpts` are the recorder's (e.g. workqueues off).
 */
export async function recordAndAnalyze(
  name: string,
  shell: string,
  opts: AnalyzeOptions = {},
  recordOpts: Partial<RecordOptions> = {},
): Promise<{ a: Analysis; ids: number[]; dir: string; capture: string; recorded: RecordResult }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `lifeline-recorded-${name}-`));
  const ids = path.join(dir, 'ids');
  const out = path.join(dir, `${name}.db`);
  const recorded = await record({
    output: out,
    command: ['sh', '-c', `IDS=${ids}; export IDS; ${shell}`],
    stdio: 'ignore',
    ...recordOpts,
  });
  const cap = await openCapture(out);
  try {
    const a = await analyze(cap, { detail: { maxWakeups: 200_000 }, ...opts });
    return { a, ids: readFileSync(ids, 'utf8').trim().split(/\s+/).map(Number), dir, capture: out, recorded };
  } finally {
    cap.close();
  }
}

export { thread } from './thread-of.js';
