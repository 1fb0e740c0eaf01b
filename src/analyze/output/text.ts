/** Text helpers for terminal output: safe names (the one sanitizer, src/sanitize.ts) and durations. */

export { sanitize } from '../../sanitize.js';

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
