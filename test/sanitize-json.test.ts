/** JSON output keeps hostile names faithful but inert: C1, DEL, bidi controls and separators as \u escapes. */
import { describe, expect, it } from 'vitest';
import { inertJson } from '../src/sanitize.js';

describe('inertJson', () => {
  const hostile = 'a\u009b31mb\u202ec\u2066d\u007fe\u2028f\u001bg';
  it('writes every character a terminal would act on as an escape, and parses back to the same value', () => {
    const text = inertJson({ comm: hostile, list: [hostile] }, 2);
    expect(text).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
    );
    expect(text).toContain('a\\u009b31mb\\u202ec\\u2066d\\u007fe\\u2028f\\u001bg');
    expect(JSON.parse(text)).toEqual({ comm: hostile, list: [hostile] });
  });

  it('leaves ordinary text, accents and emoji as they are', () => {
    expect(inertJson({ s: 'café – 🚀 "q" \\' })).toBe('{"s":"café – 🚀 \\"q\\" \\\\"}');
  });
});
