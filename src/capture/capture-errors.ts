/** The LifelineErrors of the capture stage, one constructor per situation. */
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';

export const CaptureErrorCode = {
  NOT_FOUND: 'CAPTURE_NOT_FOUND',
  UNREADABLE: 'CAPTURE_UNREADABLE',
  FOREIGN: 'CAPTURE_FOREIGN',
  DAMAGED: 'CAPTURE_DAMAGED',
  NEWER: 'CAPTURE_NEWER_FORMAT',
  OUTPUT_DIR: 'CAPTURE_OUTPUT_DIR',
  OUTPUT_EXISTS: 'CAPTURE_OUTPUT_EXISTS',
  BAD_FORMAT: 'CAPTURE_BAD_FORMAT',
} as const;

export const captureErrors = {
  notFound: (path: string) => new LifelineError(CaptureErrorCode.NOT_FOUND, msg.notFound(path)),
  unreadable: (path: string, why: string) => new LifelineError(CaptureErrorCode.UNREADABLE, msg.cannotRead(path, why)),
  notACapture: (path: string) => new LifelineError(CaptureErrorCode.FOREIGN, msg.notACapture(path)),
  foreignSqlite: (path: string) => new LifelineError(CaptureErrorCode.FOREIGN, msg.foreignSqlite(path)),
  foreignArrow: (path: string) => new LifelineError(CaptureErrorCode.FOREIGN, msg.foreignArrow(path)),
  damaged: (path: string, why: string) => new LifelineError(CaptureErrorCode.DAMAGED, msg.truncated(path, why)),
  newerFormat: (path: string, version: number) => new LifelineError(CaptureErrorCode.NEWER, msg.newerFormat(path, version)),
  outputDirMissing: (dir: string) => new LifelineError(CaptureErrorCode.OUTPUT_DIR, msg.outputDirMissing(dir)),
  outputIsDirectory: (path: string) => new LifelineError(CaptureErrorCode.OUTPUT_EXISTS, msg.outputIsDirectory(path)),
  outputExists: (path: string) => new LifelineError(CaptureErrorCode.OUTPUT_EXISTS, msg.outputExists(path)),
  badFormat: (format: string) => new LifelineError(CaptureErrorCode.BAD_FORMAT, msg.badFormat(format)),
};

/** The first line of an error's message, for wrapping library errors in one-line messages. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim();
}
