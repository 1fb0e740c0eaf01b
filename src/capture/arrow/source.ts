/**
 * An Arrow IPC stream as an ArrowSource, read message by message. The
 * framing scan (scan.ts) finds the schema and every whole record
 * batch; each batch is then read with one pread and decoded on its own
 * (schema + batch bytes), so memory holds one batch at a time and a partial
 * batch left by a killed recorder is never parsed. The batches are the
 * stream's pages (pages.ts): any thread can decode any of them.
 */
import fs from 'node:fs';
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { eventsOf, fromLifelineMessage, isLifelineSchema, withoutMetaRows } from './columns.js';
import { tableFromIPC, type RecordBatch, type Schema } from '../../arrow-lib.js';
import { scanArrow, type ArrowStop } from './scan.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import { checkRows } from '../open/check-rows.js';
import type { EventBatch } from '../event-batch.js';
import type { PageSource, PageSpec, Span } from '../pages/pages.js';

/** What the two Arrow layouts (stream, file) provide to the capture reader. */
export interface ArrowSource {
  schema: Schema;
  /** Rows in all whole record batches. */
  rows(): Promise<number>;
  /** The last whole record batch, or null when there is none. */
  lastBatch(): Promise<RecordBatch | null>;
  /** Where the readable part stopped before the end of the file (damage, or a recorder killed mid-write). */
  stop?: ArrowStop;
  /** The one-row batch that ends the file past `stop` (a finished capture's trailer, perhaps), or null. */
  tailBatch?(): Promise<RecordBatch | null>;
  /** How the events are read: as pages (a stream), or batch after batch (a file, through its footer). */
  read:
    | { pages: Omit<Extract<PageSpec, { format: 'arrow' }>, 'metaKind' | 'cpus'> }
    | { batches(): AsyncIterable<RecordBatch> };
}

function readExactly(fd: number, into: Uint8Array, offset: number, position: number, length: number): void {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, into, offset + got, length - got, position + got);
    if (n === 0) throw new Error(msg.arrowShort());
    got += n;
  }
}

function readSpan(fd: number, span: Span): Uint8Array {
  const bytes = new Uint8Array(span.end - span.start);
  readExactly(fd, bytes, 0, span.start, bytes.length);
  return bytes;
}

/** Decodes one record batch: the schema message and the batch message, read into one buffer. */
function decodeBatch(fd: number, schemaBytes: Uint8Array, span: Span): RecordBatch {
  const bytes = new Uint8Array(schemaBytes.length + span.end - span.start);
  bytes.set(schemaBytes, 0);
  readExactly(fd, bytes, schemaBytes.length, span.start, span.end - span.start);
  const batch = tableFromIPC(bytes).batches[0];
  if (batch === undefined) throw new Error(msg.arrowEmptyBatch());
  return batch;
}

/** The record batches of a stream as pages of events. */
export class ArrowPages implements PageSource {
  readonly pages: number;
  private fd = -1;
  private schemaBytes: Uint8Array | null = null;
  /** The schema is lifeline's, types and all: batches are read in place (known after the first page). */
  private inPlace: boolean | undefined;
  /** The buffer batches are read into, reused (their columns are copied out of it). */
  private scratch = new Uint8Array(0);

  constructor(
    private readonly path: string,
    private readonly schema: Span,
    private readonly spans: readonly Span[],
    private readonly metaKind: number,
    /** The meta's CPU count, the bound of the rows' CPU numbers (check-rows.ts). */
    private readonly cpus: number,
  ) {
    this.pages = spans.length;
  }

  read(page: number): EventBatch {
    try {
      if (this.fd < 0) this.fd = fs.openSync(this.path, 'r');
      this.schemaBytes ??= readSpan(this.fd, this.schema);
      const events = this.events(page);
      checkRows(this.path, events, this.cpus, () =>
        msg.damageWhereArrow(page + 1, this.pages, this.spans[page]!.start),
      );
      return events;
    } catch (err) {
      if (err instanceof LifelineError) throw err;
      throw captureErrors.damaged(this.path, msg.damageArrowMessage(firstLine(err)));
    }
  }

  /** The events of a page: read in place when the schema allows, else through apache-arrow. */
  private events(page: number): EventBatch {
    const span = this.spans[page]!;
    if (this.inPlace === true) {
      const length = span.end - span.start;
      if (this.scratch.length < length) this.scratch = new Uint8Array(Math.max(length, this.scratch.length * 2));
      const message = this.scratch.subarray(0, length);
      readExactly(this.fd, message, 0, span.start, length);
      const b = fromLifelineMessage(message, true);
      if (b !== null) return withoutMetaRows(b, this.metaKind);
    }
    const batch = decodeBatch(this.fd, this.schemaBytes!, span);
    this.inPlace ??= isLifelineSchema(batch.schema);
    return eventsOf(batch, this.metaKind);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export function openArrowStreamSource(path: string): ArrowSource {
  const fd = fs.openSync(path, 'r');
  let layout;
  let schemaBytes: Uint8Array;
  try {
    layout = scanArrow(path, fd, 0);
    schemaBytes = readSpan(fd, layout.schemaSpan);
  } finally {
    fs.closeSync(fd);
  }
  const spans = layout.batches;
  const rows = spans.reduce((sum, s) => sum + s.rows, 0);
  const batchAt = (span: Span | undefined): RecordBatch | null => {
    if (span === undefined) return null;
    const batchFd = fs.openSync(path, 'r');
    try {
      return decodeBatch(batchFd, schemaBytes, span);
    } finally {
      fs.closeSync(batchFd);
    }
  };
  const { stop, tail } = layout;
  return {
    schema: layout.schema,
    rows: async () => rows,
    lastBatch: async () => batchAt(spans[spans.length - 1]),
    ...(stop ? { stop, tailBatch: async () => batchAt(tail) } : {}),
    read: {
      pages: {
        format: 'arrow',
        path,
        schema: { start: layout.schemaSpan.start, end: layout.schemaSpan.end },
        spans: spans.map((s) => ({ start: s.start, end: s.end })),
      },
    },
  };
}
