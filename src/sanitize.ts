/**
 * The one sanitizer for strings that come from a capture or the kernel (comms, command
 * lines, filenames, symbols, hostnames) on their way to a terminal or a page: info, analyze,
 * chain and the `lifeline:` error line print through it, and the report shows names in the
 * same notation (src/report/model/labels.ts), escaped for HTML on top of it
 * (src/report/html/escape.ts, which also writes any such character still raw as inertText does).
 *
 * C0 and C1 control characters (ESC, BEL, CSI, newline, …), DEL, the Unicode line and
 * paragraph separators, bidi controls and lone surrogates become \xNN or \uNNNN escapes,
 * and a backslash is doubled so that an escape in the output is never ambiguous. Bytes
 * that were not UTF-8 reach here as U+FFFD (the readers decode them so) and print as such.
 */

/*
 * The one definition of the characters a terminal, an editor or a page would act on rather than
 * show. OTHER_CONTROLS is what JSON.stringify leaves raw (it escapes C0 and lone surrogates
 * itself): DEL, C1, the line and paragraph separators, and the bidi controls (Unicode's
 * Bidi_Control: U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
 */
const C0 = '\\u0000-\\u001f';
const OTHER_CONTROLS = '\\u007f-\\u009f\\u2028\\u2029\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNPRINTABLE = new RegExp(`[${C0}${OTHER_CONTROLS}]|${LONE_SURROGATE}`, 'g');
const UNSAFE = new RegExp(`\\\\|${UNPRINTABLE.source}`, 'g');

/** The notation of one escaped character: \xNN up to U+00FF, \uNNNN above. */
function escaped(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `s` with each character sanitize() escapes written in its notation, backslashes left alone: the
 * last guard of an output whose untrusted strings were sanitize()d already (it changes nothing in
 * them), so that a string that was not still reaches the output inert.
 */
export function inertText(s: string): string {
  return s.replace(UNPRINTABLE, escaped);
}

export function sanitize(s: string): string {
  return s.replace(UNSAFE, (ch) => (ch === '\\' ? '\\\\' : escaped(ch)));
}

/**
 * A name as a value that a format escapes itself (a Prometheus label: the exposition escapes
 * backslash, quote and newline): the same characters as sanitize() become U+FFFD, and nothing
 * else changes, so that a selector with the real name finds it.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, '\ufffd');
}

/** What JSON.stringify leaves raw that a terminal or an editor would act on: C1 controls, DEL, bidi controls, the line and paragraph separators. */
const JSON_UNSAFE = new RegExp(`[${OTHER_CONTROLS}]`, 'g');

/**
 * `value` as JSON text in which every string is inert but faithful: what JSON.stringify leaves
 * raw (above; it escapes C0 itself) is written as a \uNNNN escape, so the parsed value is the
 * same and nothing reaches a terminal that it would act on. (Only strings can hold these
 * characters in JSON text, so the replacement never touches its structure.)
 */
export function inertJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent);
  return text === undefined ? text : inertJsonText(text);
}

/**
 * JSON text (JSON.stringify's) made inert as inertJson makes it: one test over the text, and a
 * replace only when it finds one. (A walk over the value's strings instead cost more on large
 * documents: analyze --json of a million events, 22 MB of text, a walk of ~25 ms against a test
 * of ~8 ms.)
 */
export function inertJsonText(text: string): string {
  if (!HAS_JSON_UNSAFE.test(text)) return text;
  return text.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HAS_JSON_UNSAFE = new RegExp(JSON_UNSAFE.source);
