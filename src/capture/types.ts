import type { EventBatch } from './event-batch.js';
import type { CaptureFormat, CaptureMeta } from './meta.js';

/** Writes one capture file. Each appended batch is durable once append returns. */
export interface CaptureWriter {
  readonly format: CaptureFormat;
  readonly path: string;
  append(batch: EventBatch): void | Promise<void>;
  /** Write the final meta (end, lost, exit code, complete=true) and close. */
  finish(meta: CaptureMeta): Promise<void>;
  /** Bytes on disk so far. */
  bytes(): number;
}

export interface ReadOptions {
  /**
   * Worker threads that read (and sort) pages while the caller consumes the
   * ones already read; 0 reads in the calling thread. Default: each format's
   * reader decides (SQLite: two; Arrow: none, decoding it is light).
   */
  workers?: number;
  /**
   * Events in timestamp order (the default), or as the file holds them (false): for a pass that
   * only counts, which then skips merging the CPUs' skew.
   */
  ordered?: boolean;
}

/** An open capture: meta plus its events in timestamp order. */
export interface Capture {
  readonly format: CaptureFormat;
  readonly path: string;
  readonly meta: CaptureMeta;
  /**
   * Events in non-decreasing ts order (CPU skew merged), in batches; in file order when
   * `opts.ordered` is false. META rows are never yielded.
   */
  batches(opts?: ReadOptions): AsyncIterable<EventBatch>;
  close(): void;
}
