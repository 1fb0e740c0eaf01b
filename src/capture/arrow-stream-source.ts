/**
 * An Arrow IPC stream as an ArrowSource: the framing scan (arrow-scan.ts)
 * finds the whole batches; events are streamed from the file up to the last
 * whole one, so a partial batch left by a killed recorder is never parsed.
 */
import fs from 'node:fs';
import { RecordBatchReader, tableFromIPC, type RecordBatch, type TypeMap } from 'apache-arrow';
import type { ArrowSource } from './arrow-reader.js';
import { readSpans, scanArrow } from './arrow-scan.js';

export function openArrowStreamSource(path: string): ArrowSource {
  const fd = fs.openSync(path, 'r');
  let layout;
  try {
    layout = scanArrow(path, fd, 0);
  } finally {
    fs.closeSync(fd);
  }
  const { schema, schemaSpan, batches: spans, start, end } = layout;
  return {
    schema,
    async lastBatch(): Promise<RecordBatch<TypeMap> | null> {
      const last = spans[spans.length - 1];
      if (!last) return null;
      const bytesFd = fs.openSync(path, 'r');
      try {
        return tableFromIPC(readSpans(bytesFd, [schemaSpan, last])).batches[0] ?? null;
      } finally {
        fs.closeSync(bytesFd);
      }
    },
    async countRows(): Promise<number> {
      return spans.reduce((sum, s) => sum + s.rows, 0);
    },
    async *batches(): AsyncGenerator<RecordBatch<TypeMap>> {
      const stream = fs.createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
      try {
        const reader = await RecordBatchReader.from<TypeMap>(stream);
        yield* reader;
      } finally {
        stream.destroy();
      }
    },
  };
}
