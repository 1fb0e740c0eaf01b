/**
 * The tables' Parquet encoders, seen from the export: on one worker thread (encoder-thread.ts)
 * when a thread can be had, so that the replay and the encoding use two CPUs, else on this
 * thread. A table hands over Arrow IPC messages and gets its file's bytes back in order;
 * `settle` bounds what is in flight (memory stays at a batch or two per table).
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../../worker-url.js';
import { Encoder } from './encoder.js';
import type { ColumnSpec } from './column-spec.js';

export type ToEncoders =
  | { op: 'open'; id: number; columns: readonly ColumnSpec[]; kv: Record<string, string> }
  | { op: 'batch'; id: number; seq: number; ipc: Uint8Array }
  | { op: 'finish'; id: number }
  | { op: 'abort'; id: number };

export type FromEncoders =
  | { op: 'bytes'; id: number; bytes: Uint8Array }
  | { op: 'taken'; id: number; seq: number }
  | { op: 'done'; id: number }
  | { op: 'error'; id: number; message: string };

/** Batches a table may have handed over and not yet seen taken before `settle` waits. */
const IN_FLIGHT = 2;

interface Stream {
  onBytes: (b: Uint8Array) => void;
  sent: number;
  taken: number;
  error?: Error;
  /** Called when something changes for this table (a batch taken, the end, an error). */
  wake?: () => void;
  done: boolean;
  /** On this thread when there is no worker. */
  local?: Encoder;
}

export class Encoders {
  private readonly streams = new Map<number, Stream>();
  private nextId = 0;
  private worker: Worker | undefined;

  constructor() {
    try {
      this.worker = new Worker(workerUrl(import.meta.url, 'encoder-thread.js'));
    } catch {
      return; // no thread to be had: encode here
    }
    this.worker.on('message', (m: FromEncoders) => {
      const s = this.streams.get(m.id);
      if (s === undefined) return;
      if (m.op === 'bytes') s.onBytes(m.bytes);
      else if (m.op === 'taken') s.taken = Math.max(s.taken, m.seq);
      else if (m.op === 'done') s.done = true;
      else s.error = new Error(m.message);
      this.wake(s);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => this.failAll(new Error('the Parquet encoder thread ended')));
  }

  private wake(s: Stream): void {
    const f = s.wake;
    s.wake = undefined;
    f?.();
  }

  private failAll(e: Error): void {
    for (const s of this.streams.values()) {
      if (!s.done) s.error ??= e;
      this.wake(s);
    }
  }

  private async until(s: Stream, ok: () => boolean): Promise<void> {
    while (!ok()) {
      if (s.error !== undefined) throw s.error;
      await new Promise<void>((resolve) => (s.wake = resolve));
    }
    if (s.error !== undefined) throw s.error;
  }

  /** A new table; its encoded bytes go to `onBytes`, in order. */
  open(columns: readonly ColumnSpec[], kv: Record<string, string>, onBytes: (b: Uint8Array) => void): number {
    const id = this.nextId++;
    const s: Stream = { onBytes, sent: 0, taken: 0, done: false };
    this.streams.set(id, s);
    if (this.worker === undefined) s.local = new Encoder(columns, kv, onBytes);
    else this.post({ op: 'open', id, columns, kv });
    return id;
  }

  private post(m: ToEncoders, transfer: ArrayBuffer[] = []): void {
    this.worker!.postMessage(m, transfer);
  }

  push(id: number, ipc: Uint8Array): void {
    const s = this.streams.get(id)!;
    if (s.local !== undefined) {
      s.local.push(ipc);
      return;
    }
    const own = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
    this.post({ op: 'batch', id, seq: ++s.sent, ipc: own }, [own.buffer as ArrayBuffer]);
  }

  /** Resolves once no more than a batch or two of this table wait for its encoder. */
  async settle(id: number): Promise<void> {
    const s = this.streams.get(id)!;
    if (s.local !== undefined) return s.local.taken();
    await this.until(s, () => s.sent - s.taken < IN_FLIGHT);
  }

  /** Ends the table: resolves once its last bytes were handed to `onBytes`. */
  async finish(id: number): Promise<void> {
    const s = this.streams.get(id)!;
    if (s.local !== undefined) {
      await s.local.finish();
    } else {
      this.post({ op: 'finish', id });
      await this.until(s, () => s.done);
    }
    this.streams.delete(id);
  }

  abort(id: number): void {
    const s = this.streams.get(id);
    if (s === undefined) return;
    this.streams.delete(id);
    if (s.local !== undefined) s.local.abort();
    else this.post({ op: 'abort', id });
  }

  /** Stops the thread (once every table is finished or aborted). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
  }
}
