/**
 * Errors a user can act on. The CLI prints `lifeline: <message>` on one line
 * and exits non-zero; anything else is a bug and gets a stack trace.
 *
 * Every code is SCREAMING_SNAKE and names the stage that found the problem:
 * CAPTURE_* reading a capture, RECORD_* recording (the native addon included),
 * SERVE_* serving live metrics, OPTION_* an option the caller gave (checked at the API boundary, before any
 * capture is read), OUTPUT_* writing a file or the terminal. The sentences
 * themselves live in src/messages.ts.
 */
import { ADDON_ERRORS, type AddonError } from './format/index.js';

export const ERROR_CODES = [
  // reading a capture
  'CAPTURE_NOT_FOUND',
  'CAPTURE_UNREADABLE',
  'CAPTURE_FOREIGN',
  'CAPTURE_DAMAGED',
  'CAPTURE_NEWER_FORMAT',
  'CAPTURE_NO_STACKS',
  // recording (the native addon's codes follow: RECORD_<ADDON_ERRORS>)
  'RECORD_NO_ADDON',
  'RECORD_NO_COMMAND',
  'RECORD_BAD_OPTION',
  'RECORD_NATIVE_UNKNOWN',
  // options the caller gave
  'OPTION_BAD_FORMAT',
  'OPTION_BAD_HOST',
  'OPTION_BAD_STACKS',
  'OPTION_BAD_NUMBER',
  'OPTION_BAD_ID',
  'OPTION_BAD_WINDOW',
  'OPTION_BAD_REGEX',
  'OPTION_BAD_SORT',
  'OPTION_BAD_GROUP',
  'OPTION_BAD_RENDERER',
  'OPTION_MISSING_TARGET',
  'OPTION_NO_MATCH',
  'OPTION_NEEDS_DETAIL',
  'OPTION_BAD_ADDRESS',
  'OPTION_BAD_DURATION',
  // serving metrics
  'SERVE_LISTEN_FAILED',
  // writing files and the terminal
  'OUTPUT_DIR_MISSING',
  'OUTPUT_EXISTS',
  'OUTPUT_IS_DIRECTORY',
  'OUTPUT_IS_INPUT',
  'OUTPUT_NOT_DIRECTORY',
  'OUTPUT_WRITE_FAILED',
] as const;

/** A failure of the native addon: a code of its list (native/addon-errors.h), prefixed RECORD_. */
export type AddonErrorCode = `RECORD_${AddonError}`;

export type ErrorCode = (typeof ERROR_CODES)[number] | AddonErrorCode;

export function addonErrorCode(code: AddonError): AddonErrorCode {
  return `RECORD_${code}`;
}

const KNOWN: ReadonlySet<string> = new Set<string>([...ERROR_CODES, ...ADDON_ERRORS.map(addonErrorCode)]);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

export class LifelineError extends Error {
  /** More lines for LIFELINE_DEBUG=1 (e.g. the BPF verifier log); never shown otherwise. */
  detail?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'LifelineError';
  }
}
