/** The LifelineErrors of the capture stage, one constructor per situation. */
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';

export const captureErrors = {
  notFound: (path: string) => new LifelineError('CAPTURE_NOT_FOUND', msg.notFound(path)),
  unreadable: (path: string, why: string) => new LifelineError('CAPTURE_UNREADABLE', msg.cannotRead(path, why)),
  notACapture: (path: string) => new LifelineError('CAPTURE_FOREIGN', msg.notACapture(path)),
  foreignSqlite: (path: string) => new LifelineError('CAPTURE_FOREIGN', msg.foreignSqlite(path)),
  foreignArrow: (path: string) => new LifelineError('CAPTURE_FOREIGN', msg.foreignArrow(path)),
  damaged: (path: string, why: string) => new LifelineError('CAPTURE_DAMAGED', msg.damaged(path, why)),
  newerFormat: (path: string, version: number) =>
    new LifelineError('CAPTURE_NEWER_FORMAT', msg.newerFormat(path, version)),
  outputExists: (path: string) => new LifelineError('OUTPUT_EXISTS', msg.outputExists(path)),
  badFormat: (format: string) => new LifelineError('OPTION_BAD_FORMAT', msg.badFormat(format)),
};

/** The first line of an error's message, for wrapping library errors in one-line messages. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0]!.trim();
}
