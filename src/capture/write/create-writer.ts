/** Creates a capture file for the recorder, refusing to clobber anything by accident. */
import fs from 'node:fs';
import { checkOutputPath } from '../../output-path.js';
import { captureErrors } from '../capture-errors.js';
import type { CaptureFormat, CaptureMeta } from '../meta.js';
import type { CaptureWriter } from '../types.js';
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { writeFailure } from '../../output-path.js';
import { isDiskFull, isWriteFailure } from './write-failure.js';

export interface CreateWriterOptions {
  /** Replace an existing capture file at `path`. */
  force?: boolean;
}

export const CAPTURE_FORMATS: readonly CaptureFormat[] = ['sqlite', 'arrow'];

export function isCaptureFormat(s: string): s is CaptureFormat {
  return (CAPTURE_FORMATS as readonly string[]).includes(s);
}

/** Files SQLite keeps beside a database; stale ones would corrupt a new database of the same name. */
const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Whether a capture can be created at `path` (the directory there, no file unless `force`, no
 * stale SQLite -wal), checked without creating anything: the recorder checks every output
 * (the capture and its mirror) before it creates any. `what` names it in the messages.
 */
export function checkCaptureTarget(
  path: string,
  format: CaptureFormat,
  force: boolean,
  what: 'capture' | 'mirror' = 'capture',
): void {
  checkOutputPath(path, what, { overwrite: force });
  // A -wal left beside a deleted database would be replayed into the new one.
  if (format === 'sqlite' && !force && fs.existsSync(`${path}-wal`)) throw captureErrors.outputExists(`${path}-wal`);
}

/** Creates `path` exclusively (or truncates it when forced); returns its descriptor. */
function claim(path: string, force: boolean): number {
  try {
    return fs.openSync(path, force ? 'w' : 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw captureErrors.outputExists(path);
    throw cannotCreate(path, err);
  }
}

/** A capture the file system would not let us start (the disk full): one line, not a stack. */
function cannotCreate(path: string, err: unknown): unknown {
  if (!isWriteFailure(err)) return err;
  const e = new LifelineError(
    'OUTPUT_WRITE_FAILED',
    msg.outputWriteFailed(path, isDiskFull(err) ? msg.diskFull() : writeFailure(err)),
  );
  e.detail = err instanceof Error ? err.stack : String(err);
  return e;
}

/**
 * Opens a writer for a new capture at `path`. Throws a LifelineError when the
 * directory is missing or the file exists (unless `force`); nothing existing
 * is touched in that case.
 */
export async function createWriter(
  path: string,
  format: CaptureFormat | string,
  meta: CaptureMeta,
  options: CreateWriterOptions = {},
): Promise<CaptureWriter> {
  if (!isCaptureFormat(format)) throw captureErrors.badFormat(format);
  const force = options.force === true;
  checkCaptureTarget(path, format, force);
  if (format === 'arrow') {
    const { ArrowCaptureWriter } = await import('../arrow/writer.js');
    const fd = claim(path, force);
    try {
      return new ArrowCaptureWriter(path, fd, meta);
    } catch (err) {
      // not even the schema fits: the file this call created goes, nothing else
      fs.closeSync(fd);
      fs.rmSync(path, { force: true });
      throw cannotCreate(path, err);
    }
  }
  const { SqliteCaptureWriter } = await import('../sqlite/writer.js');
  if (force) for (const side of SQLITE_SIDE_FILES) fs.rmSync(`${path}${side}`, { force: true });
  fs.closeSync(claim(path, force));
  const sideFilesBefore = new Set(SQLITE_SIDE_FILES.filter((s) => fs.existsSync(`${path}${s}`)));
  try {
    return new SqliteCaptureWriter(path, meta);
  } catch (err) {
    // Remove only what this call created: the file it claimed and SQLite's side files.
    for (const f of [path, ...SQLITE_SIDE_FILES.filter((s) => !sideFilesBefore.has(s)).map((s) => `${path}${s}`)]) {
      fs.rmSync(f, { force: true });
    }
    throw cannotCreate(path, err);
  }
}
