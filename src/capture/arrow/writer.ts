/**
 * Writes a capture as an Arrow IPC stream. Every appended batch reaches the
 * file in one write before append() returns, so a killed recorder leaves a
 * stream whose whole batches all read back. finish() adds the trailer: one
 * KIND_META row holding the final CaptureMeta as JSON, then end-of-stream.
 */
import fs from 'node:fs';
import { AsyncByteQueue, RecordBatchStreamWriter, type Schema } from '../../arrow-lib.js';
import { KIND_META } from '../../format/index.js';
import { captureSchema, toRecordBatch } from './columns.js';
import { sliceRows } from '../batch-rows.js';
import { batchFromRows, type EventBatch } from '../event-batch.js';
import type { CaptureMeta } from '../meta.js';
import { metaToJson } from '../meta-codec.js';
import type { CaptureWriter } from '../types.js';
import { captureWriteError, isDiskFull, isWriteFailure, MIN_FIT_ROWS } from '../write/write-failure.js';

/** Largest record batch written; bigger appends are split so readers stay light. */
export const ARROW_MAX_BATCH_ROWS = 65536;

/** Collects the encoder's output so that each message is written with one call. */
class PendingBytes extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }

  /**
   * Writes everything collected to `fd` at byte `at` (the end of what was written whole: after
   * a failed write was cut off, the next one starts there, not at the file offset); returns the
   * byte count.
   */
  flushTo(fd: number, at: number): number {
    if (this.chunks.length === 0) return 0;
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    let done = 0;
    while (done < all.length) done += fs.writeSync(fd, all, done, all.length - done, at + done);
    return all.length;
  }
}

export class ArrowCaptureWriter implements CaptureWriter {
  readonly format = 'arrow' as const;
  private readonly schema: Schema;
  private readonly sink = new PendingBytes();
  private readonly encoder: RecordBatchStreamWriter;
  private written = 0;
  private events = 0;
  private closed = false;

  /** `fd` is the capture file, already created and empty; the writer owns it from now on. */
  constructor(
    readonly path: string,
    private readonly fd: number,
    meta: CaptureMeta,
  ) {
    this.schema = captureSchema(metaToJson({ ...meta, complete: false, events: 0 }));
    this.encoder = new RecordBatchStreamWriter({ autoDestroy: false });
    this.encoder.reset(this.sink, this.schema); // writes the schema message
    this.written += this.sink.flushTo(fd, this.written);
  }

  append(batch: EventBatch): void {
    if (this.closed) return;
    for (let start = 0; start < batch.length;) {
      let size = Math.min(batch.length - start, ARROW_MAX_BATCH_ROWS);
      for (;;) {
        const end = start + size;
        try {
          this.writeBatch(start === 0 && end === batch.length ? batch : sliceRows(batch, start, end));
          this.events += size;
          start = end;
          break;
        } catch (e) {
          // the disk full: keep as many rows as still fit, in smaller batches, then stop
          if (!isDiskFull(e) || size >> 1 < MIN_FIT_ROWS) throw this.failed(e);
          size >>= 1;
        }
      }
    }
  }

  /** One record batch, whole in the file or not at all (a partial message is cut off). */
  private writeBatch(rows: EventBatch): void {
    this.encoder.write(toRecordBatch(this.schema, rows));
    try {
      this.written += this.sink.flushTo(this.fd, this.written);
    } catch (e) {
      if (isWriteFailure(e)) {
        try {
          fs.ftruncateSync(this.fd, this.written);
        } catch {
          // failed() tries again; a reader stops at the cut message anyway
        }
      }
      throw e;
    }
  }

  async finish(meta: CaptureMeta): Promise<void> {
    if (this.closed) return;
    try {
      this.writeTrailer(meta);
    } catch (e) {
      throw this.failed(e);
    }
  }

  /**
   * A write the file system refused (the disk full) may have left part of a message: cut the
   * file back to the last whole one, so that every batch written before reads back (as the
   * stream of a recorder that did not finish), and close it. The writer takes nothing more.
   */
  private failed(e: unknown): unknown {
    if (!isWriteFailure(e)) return e;
    this.closed = true;
    try {
      fs.ftruncateSync(this.fd, this.written);
    } catch {
      // the reader stops at the cut message
    }
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing more to release
    }
    return captureWriteError(this.path, this.events, e);
  }

  private writeTrailer(meta: CaptureMeta): void {
    const final = { ...meta, events: this.events, complete: true };
    const trailer = batchFromRows([
      {
        ts: final.endNs,
        cpu: 0,
        kind: KIND_META,
        flags: 0,
        tid: 0,
        tid2: 0,
        a: 0,
        b: 0,
        c: 0,
        name: metaToJson(final),
      },
    ]);
    this.encoder.write(toRecordBatch(this.schema, trailer));
    this.encoder.finish(); // end-of-stream marker
    this.written += this.sink.flushTo(this.fd, this.written);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
  }

  bytes(): number {
    return this.written;
  }
}
