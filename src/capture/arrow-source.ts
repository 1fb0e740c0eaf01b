/**
 * An Arrow IPC stream as an ArrowSource, read message by message. The
 * framing scan (arrow-scan.ts) finds the schema and every whole record
 * batch; each batch is then read with one pread and decoded on its own
 * (schema + batch bytes), so memory holds one batch at a time and a partial
 * batch left by a killed recorder is never parsed.
 */
import fs from 'node:fs';
import { tableFromIPC, type RecordBatch, type Schema } from './arrow-lib.js';
import { scanArrow, type ArrowMessageSpan } from './arrow-scan.js';

/** What the two Arrow layouts (stream, file) provide to the capture reader. */
export interface ArrowSource {
  schema: Schema;
  /** Rows in all whole record batches. */
  rows(): Promise<number>;
  /** The last whole record batch, or null when there is none. */
  lastBatch(): Promise<RecordBatch | null>;
  /** The whole record batches in file order; the iteration may be abandoned. */
  batches(): Iterable<RecordBatch> | AsyncIterable<RecordBatch>;
}

function readExactly(fd: number, into: Uint8Array, offset: number, position: number, length: number): void {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, into, offset + got, length - got, position + got);
    if (n === 0) throw new Error('the file is shorter than its Arrow framing says');
    got += n;
  }
}

export function openArrowStreamSource(path: string): ArrowSource {
  const fd = fs.openSync(path, 'r');
  let layout;
  let schemaBytes: Uint8Array;
  try {
    layout = scanArrow(path, fd, 0);
    const s = layout.schemaSpan;
    schemaBytes = new Uint8Array(s.end - s.start);
    readExactly(fd, schemaBytes, 0, s.start, schemaBytes.length);
  } finally {
    fs.closeSync(fd);
  }
  const spans = layout.batches;

  /** Decodes one batch: the schema message and the batch message, read into one buffer. */
  const decode = (batchFd: number, span: ArrowMessageSpan): RecordBatch => {
    const bytes = new Uint8Array(schemaBytes.length + span.end - span.start);
    bytes.set(schemaBytes, 0);
    readExactly(batchFd, bytes, schemaBytes.length, span.start, span.end - span.start);
    const batch = tableFromIPC(bytes).batches[0];
    if (batch === undefined) throw new Error('a record batch message holds no batch');
    return batch;
  };

  const rows = spans.reduce((sum, s) => sum + s.rows, 0);
  return {
    schema: layout.schema,
    rows: async () => rows,
    async lastBatch(): Promise<RecordBatch | null> {
      const last = spans[spans.length - 1];
      if (last === undefined) return null;
      const batchFd = fs.openSync(path, 'r');
      try {
        return decode(batchFd, last);
      } finally {
        fs.closeSync(batchFd);
      }
    },
    *batches(): Generator<RecordBatch> {
      const batchFd = fs.openSync(path, 'r');
      try {
        for (const span of spans) yield decode(batchFd, span);
      } finally {
        fs.closeSync(batchFd);
      }
    },
  };
}
