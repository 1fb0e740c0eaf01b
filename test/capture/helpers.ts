/** Shared helpers of the capture tests: temp dirs, writing and reading whole captures. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createWriter, openCapture } from '../../src/capture/index.js';
import { rowAt, type EventBatch, type EventRow } from '../../src/capture/event-batch.js';
import type { CaptureFormat, CaptureMeta } from '../../src/capture/meta.js';
import type { ReadOptions } from '../../src/capture/types.js';
import { testMeta } from './synthetic.js';

/** A fresh temp directory, removed after the test file. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-capture-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const EXT: Record<CaptureFormat, string> = { sqlite: 'db', arrow: 'arrow' };

/** Writes `batches` as a finished capture; returns its path. */
export async function writeCapture(
  file: string,
  format: CaptureFormat,
  batches: readonly EventBatch[],
  finalMeta: Partial<CaptureMeta> | null = { endNs: 86_400e9 + 60e9, exitCode: 0 },
): Promise<string> {
  const writer = await createWriter(file, format, testMeta());
  for (const b of batches) await writer.append(b);
  if (finalMeta) await writer.finish(testMeta(finalMeta));
  return file;
}

/** Every event of a capture as rows, plus the batches' sizes. */
export async function readRows(
  file: string,
  opts: ReadOptions = {},
): Promise<{ rows: EventRow[]; meta: CaptureMeta; batchSizes: number[] }> {
  const capture = await openCapture(file);
  const rows: EventRow[] = [];
  const batchSizes: number[] = [];
  try {
    for await (const b of capture.batches(opts)) {
      batchSizes.push(b.length);
      for (let i = 0; i < b.length; i++) rows.push(rowAt(b, i));
    }
    return { rows, meta: capture.meta, batchSizes };
  } finally {
    capture.close();
  }
}

/** The error an async call throws (fails the test when it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
