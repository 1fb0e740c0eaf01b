/** What serve's main thread and its replay thread (replay-thread.ts) say to each other. */
import type { CaptureFormat } from '../capture/index.js';
import type { ErrorCode } from '../errors.js';

export interface ReplaySetup {
  top: number;
  watch: (number | string)[];
  capture?: { dir: string; keepMs: number; segmentMs: number; format: CaptureFormat };
  bufferMb: number;
  rotateMs: number;
  retireMs?: number;
  /** Tests: block the replay thread this long after its first batch (a replay far behind). */
  stallMs?: number;
  /** A SharedArrayBuffer of Progress.SIZE doubles. */
  progress: SharedArrayBuffer;
}

/** Slots of the shared progress array, written by the replay thread. */
export const Progress = {
  /** Timestamp (CLOCK_MONOTONIC ns) of the last event replayed; NaN before the first. */
  LAST_TS: 0,
  /** Events replayed. */
  EVENTS: 1,
  /** Bytes waiting unread in the ring buffer at the last look. */
  UNREAD: 2,
  /** The ring buffer's size in bytes. */
  RING_BYTES: 3,
  SIZE: 4,
} as const;

export type ReplayRequest = { t: 'scrape'; id: number } | { t: 'stop' };

export interface ReplayResult {
  events: number;
  lost: number;
  segments: string[];
}

export type ReplayReply =
  | { t: 'ready'; cpus: number }
  | { t: 'text'; id: number; body: string }
  | { t: 'done'; result: ReplayResult }
  | { t: 'failed'; code?: ErrorCode; message: string; detail?: string };
