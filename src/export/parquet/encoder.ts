/**
 * The Parquet encoder of one table: parquet-wasm's streaming writer (the Rust parquet/arrow
 * crates, zstd), fed Arrow IPC messages one record batch at a time and giving the file's bytes
 * as they are encoded. It runs on the encoder thread (encoder-thread.ts), beside the replay.
 */
import {
  Compression,
  EnabledStatistics,
  Encoding,
  Table as WasmTable,
  transformParquetStream,
  WriterPropertiesBuilder,
  type RecordBatch as WasmBatch,
} from 'parquet-wasm/node';
import { ROW_GROUP_ROWS, type ColumnSpec } from './column-spec.js';

/** What the writer is told of a table: compression, row groups, encodings and statistics per column. */
export function writerProperties(columns: readonly ColumnSpec[], kv: Record<string, string>) {
  let props = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setCreatedBy('lifeline')
    .setKeyValueMetadata(new Map(Object.entries(kv)));
  for (const c of columns) {
    if (c.type === 'int64_list' || c.type === 'string_list') continue;
    if (c.statistics === false) props = props.setColumnStatisticsEnabled(c.name, EnabledStatistics.None);
    if (c.encoding === 'delta')
      props = props.setColumnDictionaryEnabled(c.name, false).setColumnEncoding(c.name, Encoding.DELTA_BINARY_PACKED);
    else if (c.encoding === 'plain') props = props.setColumnDictionaryEnabled(c.name, false);
  }
  return props.build();
}

/** Handed-over batches waiting for the writer, and whoever waits for the writer to want one. */
class BatchQueue {
  private readonly batches: WasmBatch[] = [];
  private closed = false;
  private wantMore: (() => void) | undefined;
  private emptied: (() => void)[] = [];

  readonly stream = new ReadableStream<WasmBatch>({
    pull: async (ctrl) => {
      while (this.batches.length === 0 && !this.closed) {
        for (const f of this.emptied.splice(0)) f();
        await new Promise<void>((resolve) => (this.wantMore = resolve));
      }
      const next = this.batches.shift();
      if (next === undefined) ctrl.close();
      else ctrl.enqueue(next);
    },
  });

  private wake(): void {
    const f = this.wantMore;
    this.wantMore = undefined;
    f?.();
  }

  push(b: WasmBatch): void {
    this.batches.push(b);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Resolves once the writer has taken every batch handed over. */
  empty(): Promise<void> {
    if (this.batches.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  /** Drops what is waiting (on abort). */
  discard(): void {
    for (const b of this.batches.splice(0)) b.free();
    this.close();
  }
}

export class Encoder {
  private readonly queue = new BatchQueue();
  /** Every encoded byte handed to `onBytes` (rejects with the writer's error). */
  private readonly written: Promise<void>;

  constructor(columns: readonly ColumnSpec[], kv: Record<string, string>, onBytes: (b: Uint8Array) => void) {
    const properties = writerProperties(columns, kv);
    this.written = (async () => {
      const out = (await transformParquetStream(this.queue.stream, properties)) as unknown;
      for await (const chunk of out as AsyncIterable<Uint8Array>) onBytes(chunk);
    })();
    // a failure is taken by finish(); until then it must not go unhandled
    this.written.catch(() => undefined);
  }

  /** Hands over one Arrow IPC stream (a schema and its record batches). */
  push(ipc: Uint8Array): void {
    const table = WasmTable.fromIPCStream(ipc);
    try {
      for (const b of table.recordBatches()) this.queue.push(b);
    } finally {
      // its batches share its buffers; the table itself would wait for the JS collector
      table.free();
    }
  }

  /** Resolves once the writer has taken every batch handed over. */
  taken(): Promise<void> {
    return this.queue.empty();
  }

  /** Ends the table: the last row group and the footer go to `onBytes`. */
  async finish(): Promise<void> {
    this.queue.close();
    await this.written;
  }

  abort(): void {
    this.queue.discard();
  }
}
