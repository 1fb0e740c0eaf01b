/** Creates a capture file for the recorder, refusing to clobber anything by accident. */
import fs from 'node:fs';
import { checkOutputPath } from '../../output-path.js';
import { captureErrors } from '../capture-errors.js';
import type { CaptureFormat, CaptureMeta } from '../meta.js';
import type { CaptureWriter } from '../types.js';

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

function checkTarget(path: string, force: boolean): void {
  checkOutputPath(path, 'capture', { overwrite: force });
}

/** Creates `path` exclusively (or truncates it when forced); returns its descriptor. */
function claim(path: string, force: boolean): number {
  try {
    return fs.openSync(path, force ? 'w' : 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw captureErrors.outputExists(path);
    throw err;
  }
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
  checkTarget(path, force);
  // A -wal left beside a deleted database would be replayed into the new one.
  if (format === 'sqlite' && !force && fs.existsSync(`${path}-wal`)) throw captureErrors.outputExists(`${path}-wal`);
  if (format === 'arrow') {
    const { ArrowCaptureWriter } = await import('../arrow/writer.js');
    return new ArrowCaptureWriter(path, claim(path, force), meta);
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
    throw err;
  }
}
