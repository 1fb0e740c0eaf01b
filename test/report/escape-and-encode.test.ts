import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, scriptForInline } from '../../src/report/html/escape.js';
import { fromColumns, toColumns } from '../../src/report/html/page.js';
import type { Row } from '../../src/report/types.js';
import { HOSTILE_NAMES } from './synthetic.js';

describe('escaping', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('makes JSON safe inside a script element and reads back unchanged', () => {
    const value = { names: HOSTILE_NAMES, sep: 'a\u2028b\u2029c', comment: '<!-- x -->' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps inlined library code from closing its script element or fetching a source map', () => {
    const code = scriptForInline('var a = "</script><!--";\n//# sourceMappingURL=vega.min.js.map');
    expect(code).not.toMatch(/<\/script|<!--|sourceMappingURL/i);
  });
});

describe('column encoding of chart data', () => {
  it('round-trips rows, dictionary-encoding repetitive strings', () => {
    const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({
      lane: `t ${i % 3}`,
      t0: i / 7,
      cpu: i % 2 ? null : 1,
      ok: i % 5 === 0,
      id: `u${i}`,
    }));
    const columns = toColumns(rows);
    expect(Array.isArray(columns.lane)).toBe(false);
    expect(Array.isArray(columns.id)).toBe(true);
    expect(fromColumns(columns)).toEqual(rows);
  });
});
