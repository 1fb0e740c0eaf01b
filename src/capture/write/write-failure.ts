/**
 * A capture writer that cannot write any more (the disk is full, an I/O error) stops with one
 * LifelineError that says so and what the file still holds: the writers keep every batch that
 * was whole before the failure, so the capture up to then reads back.
 */
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { writeFailure } from '../../output-path.js';

/** A full disk: a batch that did not fit is retried in halves down to this many rows. */
export const MIN_FIT_ROWS = 256;

/** errno and SQLite codes that mean there is no room left (a full disk or a quota). */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** The code of a write failure (errno of fs, SQLite's result code), if it has one. */
function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isDiskFull(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && FULL.has(code);
}

/** Whether `e` is the file system refusing a write (not a bug of ours): errno or SQLite I/O codes. */
export function isWriteFailure(e: unknown): boolean {
  const code = codeOf(e);
  if (code === undefined) return false;
  return (
    FULL.has(code) ||
    ['EIO', 'EROFS', 'EACCES', 'EPERM', 'EFBIG'].includes(code) ||
    /^SQLITE_(IOERR|READONLY|CANTOPEN)/.test(code)
  );
}

/**
 * The error of a capture whose writing failed after `events` events were kept in it: the disk
 * full (or another write failure), and that the capture up to then is readable.
 */
export function captureWriteError(path: string, events: number, e: unknown): LifelineError {
  const why = isDiskFull(e) ? msg.diskFull() : writeFailure(e);
  const err = new LifelineError('OUTPUT_WRITE_FAILED', msg.captureWriteFailed(path, why, events));
  err.detail = e instanceof Error ? e.stack : String(e);
  return err;
}
