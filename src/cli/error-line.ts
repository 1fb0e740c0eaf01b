import { sanitize } from '../sanitize.js';

/**
 * The `lifeline:` line of an error: one line (line breaks of the message folded into
 * spaces), every other control character escaped (a path or a name in it may come
 * from a capture).
 */
export function errorLine(message: string): string {
  return sanitize(message.replace(/\s*\n\s*/g, ' '));
}
