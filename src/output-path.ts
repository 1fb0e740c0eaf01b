/**
 * The one check of where an output goes, before anything is read or written: the capture
 * (record), the report, an export. Its directory must exist (the default one is made), the
 * path must not be a directory, and an existing file is kept unless the caller may overwrite it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LifelineError } from './errors.js';
import { msg } from './messages.js';

/** What is written, as the messages name it. */
export type OutputWhat = 'capture' | 'mirror' | 'report' | 'export';

export interface OutputCheck {
  /** Make the directory when missing (an output's default directory, reports/). */
  createDir?: boolean;
  /** An existing file may be replaced (record, report and export with --force). */
  overwrite?: boolean;
  /** The files this command reads: never written over, whatever `overwrite` says. */
  inputs?: readonly string[];
}

/** Whether two paths name one existing file (the same inode), or resolve to the same path. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Why a write failed, in a few words (errno, not a stack). */
export function writeFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  if (err.code === 'ENOSPC') return 'no space left on the device';
  if (err.code === 'EROFS') return 'read-only file system';
  return (err.message ?? String(e)).split('\n')[0]!;
}

export function checkOutputPath(path: string, what: OutputWhat, opts: OutputCheck = {}): void {
  const dir = dirname(resolve(path));
  if (opts.createDir) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(path, writeFailure(e)));
    }
  }
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    // a second capture is named by its path: the message must not read as the first one's
    throw new LifelineError(
      'OUTPUT_DIR_MISSING',
      msg.outputDirMissing(what === 'mirror' ? `mirror ${path}` : what, dir),
    );
  const st = statSync(path, { throwIfNoEntry: false });
  for (const input of opts.inputs ?? [])
    if (sameFile(path, input)) throw new LifelineError('OUTPUT_IS_INPUT', msg.outputIsInput(what, path));
  if (st?.isDirectory()) throw new LifelineError('OUTPUT_IS_DIRECTORY', msg.outputIsDirectory(what, path));
  if (st !== undefined && opts.overwrite !== true) throw new LifelineError('OUTPUT_EXISTS', msg.outputExists(path));
}
