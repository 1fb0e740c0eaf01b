/**
 * The one drain loop of a recording session, for `record` and for serve's replay thread:
 * read decoded batches until told to stop (each read waits at most READ_TIMEOUT_MS), then
 * detach the programs and take what is left in the ring buffer.
 */
import type { EventBatch } from '../capture/index.js';
import type { NativeSession } from './addon.js';
import type { RecordDecoder } from './decode.js';

/** Longest wait of one read: how late a stop request or a periodic task can be. */
export const READ_TIMEOUT_MS = 100;

export interface DrainHooks {
  /** Checked before each read; the session's interrupt() makes a pending read return at once. */
  stopping(): boolean;
  /** A read's batch (null: the read timed out); `last` for what was left after detaching. */
  batch(batch: EventBatch | null, bytes: number, last: boolean): Promise<void> | void;
  /** After each read's batch: progress, housekeeping. */
  tick?(): Promise<void> | void;
  /** The programs are detached: nothing more is recorded. */
  detached?(): void;
}

export async function drainSession(session: NativeSession, decoder: RecordDecoder, hooks: DrainHooks): Promise<void> {
  while (!hooks.stopping()) {
    const buf = await session.read(READ_TIMEOUT_MS);
    await hooks.batch(buf ? decoder.decode(buf) : null, buf?.length ?? 0, false);
    await hooks.tick?.();
  }
  session.detach();
  hooks.detached?.();
  const rest = session.drain();
  await hooks.batch(rest ? decoder.decode(rest) : null, rest?.length ?? 0, true);
}
