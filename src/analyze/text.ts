/** Text helpers for terminal output: safe names and durations. */

/**
 * Makes an untrusted name (comm, irq name) safe for a terminal: C0/C1
 * control characters, DEL and Unicode bidi / line separators become \xNN or
 * \uNNNN escapes, and a backslash is doubled so escapes stay unambiguous.
 */
export function sanitize(s: string): string {
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\\') return '\\\\';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Orders strings by UTF-16 code unit: deterministic, and without the ICU set-up that
 * localeCompare's first call costs (~20 ms).
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ns → "12.35" (ms, two decimals; three below 0.01 ms). */
export function ms(ns: number): string {
  const v = ns / 1e6;
  return v !== 0 && Math.abs(v) < 0.01 ? v.toFixed(3) : v.toFixed(2);
}

/** Display width of a string (code points; names are sanitized first). */
export function width(s: string): number {
  return [...s].length;
}

export function padEnd(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

export function padStart(s: string, n: number): string {
  return ' '.repeat(Math.max(0, n - width(s))) + s;
}
