/**
 * Errors a user can act on. The CLI prints `lifeline: <message>` on one line
 * and exits non-zero; anything else is a bug and gets a stack trace.
 */
export class LifelineError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'LifelineError';
  }
}
