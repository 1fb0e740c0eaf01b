/**
 * Hostile names in the report: control characters (C0, DEL, C1), bidi and line-separator
 * characters in a thread, process, host, kernel, command or tracepoint name reach the page
 * inert but faithful, in the notation the terminal outputs use (src/sanitize.ts): `\x1b`,
 * `\u202e`, a backslash doubled. Nowhere in the file (text, attributes, the embedded chart data,
 * the specs) is such a character left raw, HTML-significant characters are escaped as before,
 * and in a browser the page shows the visible form and runs nothing a name carries.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../src/report/html/escape.js';
import { buildReport, renderSvg } from '../../src/report/index.js';
import { sanitize } from '../../src/sanitize.js';
import { browserUnavailable, hoverLane, launch, visit } from './browser.js';
import { syntheticAnalysis, syntheticMeta } from './synthetic.js';

/**
 * The test's own list of what must never be raw in the page, written from Unicode's categories
 * rather than from src/sanitize.ts: every C0 control but the newline (the page's own line ends),
 * DEL and C1 (Cc), the bidi controls (Bidi_Control), the line and paragraph separators.
 */
const RAW_HOSTILE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;
const rawHostile = (s: string): string[] =>
  [...s].filter((ch) => ch !== '\n' && RAW_HOSTILE.test(ch)).map((ch) => `U+${ch.codePointAt(0)!.toString(16)}`);

/** Thread names (tids 3100…, the first names the process), each with the form the page must show. */
const NAMES: Array<{ raw: string; shown: string }> = [
  { raw: 'esc\x1b[31mred\x07bel', shown: 'esc\\x1b[31mred\\x07bel' },
  { raw: 'csi\u009b31mc1', shown: 'csi\\x9b31mc1' },
  { raw: 'rlo\u202eexe.txt', shown: 'rlo\\u202eexe.txt' },
  { raw: 'lri\u2066x\u2069pdi\u061c', shown: 'lri\\u2066x\\u2069pdi\\u061c' },
  {
    raw: '</script><script>window.__pwned=11</script>\u2028ls',
    shown: '</script><script>window.__pwned=11</script>\\u2028ls',
  },
  { raw: '"><img src=x onerror=window.__pwned=12>\n', shown: '"><img src=x onerror=window.__pwned=12>\\x0a' },
  // Already looks like an escape: shown with its backslash doubled, never as the ESC above.
  { raw: 'lit\\x1b', shown: 'lit\\\\x1b' },
];
// Each with a backslash of its own, shown doubled: the string was sanitized, not only made inert.
const HOST = { raw: 'host\x1b]0;owned\x07\u202e\\', shown: 'host\\x1b]0;owned\\x07\\u202e\\\\' };
const KERNEL = { raw: '6.1.0\u009b2J\\n', shown: '6.1.0\\x9b2J\\\\n' };
const COMMAND = {
  raw: ['./run\x1b[2J', '--name=\u202egnp.exe\\', '"><svg onload=window.__pwned=13>'],
  title: './run\\x1b[2J --name=\\u202egnp.exe\\\\ "><svg onload=window.__pwned=13>',
  code: `'./run\\x1b[2J' '--name=\\u202egnp.exe\\\\' '"><svg onload=window.__pwned=13>'`,
};
const TRACEPOINT = { raw: 'irq:\x1b[5mblink\u2066\\', shown: 'irq:\\x1b[5mblink\\u2066\\\\' };

const EXIT_CODE = '<img src=x onerror=window.__pwned=14>\u202e';

/** HTML text of `s` as escapeHtml writes it (the test's own table). */
const html = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function hostileReport(renderer: 'canvas' | 'svg' = 'svg') {
  return buildReport({
    meta: syntheticMeta({
      hostname: HOST.raw,
      kernel: KERNEL.raw,
      command: COMMAND.raw,
      skippedTracepoints: [TRACEPOINT.raw],
      // a capture's meta is read as stored: a crafted file may put text where a number belongs
      exitCode: EXIT_CODE as unknown as number,
    }),
    analysis: syntheticAnalysis({ durationMs: 400, names: NAMES.map((n) => n.raw) }),
    options: { renderer, tid: [3100] },
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every string inside a JSON-like value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function only(text: string, re: RegExp): string {
  const all = [...text.matchAll(new RegExp(re.source, 'g'))];
  expect(all.length, String(re)).toBe(1);
  return all[0]![1]!;
}

describe('the one definition of hostile characters (src/sanitize.ts)', () => {
  it('escapes every Cc, Bidi_Control and separator code point, and nothing printable', () => {
    for (let cp = 0; cp < 0x3000; cp++) {
      const ch = String.fromCodePoint(cp);
      const hostile = RAW_HOSTILE.test(ch);
      const expected = !hostile
        ? ch === '\\'
          ? '\\\\'
          : ch
        : cp <= 0xff
          ? `\\x${cp.toString(16).padStart(2, '0')}`
          : `\\u${cp.toString(16).padStart(4, '0')}`;
      expect(sanitize(ch), `U+${cp.toString(16)}`).toBe(expected);
    }
  });
});

describe('the page’s escaping', () => {
  it('writes a control or bidi character that reached it raw in the visible notation, and escapes HTML as before', () => {
    expect(escapeHtml('<b a="1">\x1b[0m\u009b\u202e & \'x\'</b>')).toBe(
      '&lt;b a=&quot;1&quot;&gt;\\x1b[0m\\x9b\\u202e &amp; &#39;x&#39;&lt;/b&gt;',
    );
    // text that went through sanitize() already is left as it is (no second escaping)
    expect(escapeHtml(sanitize('a\x1b\\b'))).toBe('a\\x1b\\\\b');
  });

  it('embeds JSON with no raw control, bidi or separator character, parsed back unchanged', () => {
    const value = { names: NAMES.map((n) => n.raw), more: ['\u0085\u2029\u200f\u061c', '</SCRIPT><!--'] };
    const text = jsonForScript(value);
    expect(rawHostile(text)).toEqual([]);
    expect(text).not.toMatch(/[<>&\n]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('hostile names in the report page', () => {
  const built = hostileReport();
  const page = built.html;

  it('leaves no hostile character raw anywhere in the file', () => {
    expect(rawHostile(page)).toEqual([]);
    // the newline of a name is not raw either: no line of the page holds a name's text before it
    expect(page).not.toContain('onerror=window.__pwned=12>\n');
    expect(page).not.toContain('onerror=window.__pwned=12&gt;\n');
  });

  it('shows the visible forms in the title, the heading, the summary and the command', () => {
    const title = only(page, /<title>([^<]*)<\/title>/);
    expect(title).toBe(html(`lifeline — ${HOST.shown} — ${COMMAND.title}`));
    const h1 = only(page, /<h1>([^<]*)<\/h1>/);
    expect(h1).toBe(title);
    const subtitle = only(page, /<\/h1><p>([^<]*)<\/p>/);
    expect(subtitle).toContain(`kernel ${html(KERNEL.shown)}`);
    expect(only(page, /<dt>Host<\/dt><dd>([^<]*)<\/dd>/)).toBe(html(HOST.shown));
    expect(only(page, /<dt>Kernel<\/dt><dd>([^<]*)<\/dd>/)).toBe(html(KERNEL.shown));
    // the command as shell words: each word that needs it quoted, with its escapes visible
    const code = only(page, /<dt>Command<\/dt><dd><code>([^<]*)<\/code>/);
    expect(code).toBe(html(COMMAND.code));
    expect(only(page, /<\/code> <span class="muted">exit ([^<]*)<\/span>/)).toBe(
      html('<img src=x onerror=window.__pwned=14>\\u202e'),
    );
    // the tracepoint a note names
    expect(only(page, /<p class="muted">tracepoints missing[^<]*: ([^<]*)<\/p>/)).toBe(html(TRACEPOINT.shown));
  });

  it('shows each name in its table cell and in the cell’s sort key (data-v)', () => {
    // the first cell of each row: the name, as its sort key and as its text
    const nameCells = (table: string): Array<[string, string]> =>
      [
        ...only(page, new RegExp(`data-table="${table}">([\\s\\S]*?)</table>`)).matchAll(
          /<tr><td data-v="([^"]*)">([^<]*)/g,
        ),
      ].map((m) => [m[1]!, m[2]!]);
    const threads = nameCells('threads');
    for (const { shown } of NAMES) expect(threads, shown).toContainEqual([html(shown), html(shown)]);
    // the processes table names the process after its main thread
    expect(nameCells('processes')).toContainEqual([html(NAMES[0]!.shown), html(NAMES[0]!.shown)]);
    // every attribute value is escaped and free of hostile characters
    for (const [, value] of page.matchAll(/ [\w-]+="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/);
  });

  it('keeps the embedded chart data closed, inert and faithful to the visible forms', () => {
    const json = only(page, /<script type="application\/json" id="lifeline-data">([\s\S]*?)<\/script>/);
    expect(json).not.toMatch(/<\/script|<!--|[<>&]/i);
    const payload = JSON.parse(json) as unknown;
    const texts = strings(payload);
    expect(texts.flatMap(rawHostile)).toEqual([]);
    // the names are in the data in their visible forms: lanes "name tid", the process "name (pid N)"
    for (const [i, { shown }] of NAMES.entries()) expect(texts, shown).toContain(`${shown} ${3100 + i}`);
    expect(texts).toContain(`${NAMES[0]!.shown} (pid 3100)`);
    // the specs handed to vega (and to the SVG renderer) carry no raw character either
    expect(strings(built.specs).flatMap(rawHostile)).toEqual([]);
    expect(strings(built.specs).some((s) => s.includes(NAMES[0]!.shown))).toBe(true);
  });

  it('draws the visible forms in the standalone SVG charts, with no raw character or element from a name', async () => {
    for (const id of ['state-timeline', 'wakeup-matrix']) {
      const svg = await renderSvg(built.specs[id]!);
      expect(rawHostile(svg), id).toEqual([]);
      // the elements and attribute names of the document (a name's `<`, `>` and `"` are &lt; &gt; &quot;)
      const tags = [...svg.matchAll(/<[^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
      expect(tags.length, id).toBeGreaterThan(100);
      expect(
        tags.filter((t) => /^<\/?(script|img|foreignObject)\b|\son\w+\s*=/i.test(t)),
        id,
      ).toEqual([]);
      for (const { shown } of NAMES.slice(0, 3)) expect(svg, id).toContain(`${shown} 31`);
      // the lane labels (headless, vega measures text roughly and may shorten a label's tail)
      if (id === 'state-timeline')
        for (const { shown } of NAMES.slice(0, 3)) expect(svg, id).toMatch(new RegExp(`>${escapeRegExp(shown)} 31`));
    }
  });

  it('shows ordinary non-ASCII names exactly as they are', () => {
    const names = ['café-wörker', '日本語スレッド', 'emoji🚀', 'a&b<c>'];
    const plain = buildReport({
      meta: syntheticMeta({ hostname: 'hôte', command: ['node', 'é.js'] }),
      analysis: syntheticAnalysis({ durationMs: 200, names }),
      options: { tid: [3100] },
    }).html;
    expect(only(plain, /<title>([^<]*)<\/title>/)).toBe('lifeline — hôte — node é.js');
    const cells = [...plain.matchAll(/<tr><td data-v="([^"]*)">([^<]*)/g)].map((m) => [m[1], m[2]]);
    for (const name of names) expect(cells).toContainEqual([html(name), html(name)]);
  });
});

const skip = browserUnavailable();
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

describe.skipIf(skip !== null)(
  `hostile names in chromium${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows the visible forms in the title, a table cell and the charts, and runs no name', async () => {
      const file = join(ARTIFACTS, 'report-hostile-names.html');
      writeFileSync(file, hostileReport('svg').html);
      const v = await visit(browser, file);
      try {
        expect(v.chartErrors).toEqual([]);
        expect(v.consoleErrors).toEqual([]);
        expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await v.page.locator('img, svg [onload], [onerror], main script').count()).toBe(0);
        expect(await v.page.title()).toBe(`lifeline — ${HOST.shown} — ${COMMAND.title}`);
        const rows = v.page.locator('table[data-table="threads"] tbody tr');
        for (const [i, { shown }] of NAMES.entries()) {
          const row = rows.filter({ has: v.page.locator(`td:nth-child(2)`, { hasText: new RegExp(`^${3100 + i}$`) }) });
          const cell = row.locator('td').first();
          expect(await cell.textContent(), shown).toBe(shown);
          expect(await cell.getAttribute('data-v'), shown).toBe(shown);
        }
        expect(await v.page.locator('#summary code').textContent()).toBe(COMMAND.code);
        // the lane labels vega draws
        const labels = await v.page.locator('#chart-state-timeline svg text').allTextContents();
        // (vega shortens a long label to fit, ending it with an ellipsis)
        const drawn = (full: string): boolean =>
          labels.some((t) => t === full || (t.endsWith('…') && t.length > 20 && full.startsWith(t.slice(0, -1))));
        for (const [i, { shown }] of NAMES.entries()) expect(drawn(`${shown} ${3100 + i}`), shown).toBe(true);
        expect(labels).toContain(`${NAMES[0]!.shown} 3100`);
        // innerText separates table cells with tabs: the page's own, not a name's
        // hovering the first name's lane: the tooltip names it in its visible form, as text
        const lane = `${NAMES[0]!.shown} 3100`;
        const tooltip = await hoverLane(v.page, lane);
        expect(await tooltip.innerText()).toContain(lane);
        expect(rawHostile((await tooltip.innerText()).replace(/\t/g, ' '))).toEqual([]);
        const everything = await v.page.evaluate(() => document.title + document.body.innerText);
        expect(rawHostile(everything.replace(/\t/g, ' '))).toEqual([]);
        await v.page.screenshot({ path: join(ARTIFACTS, 'report-hostile-names.png'), fullPage: false });
      } finally {
        await v.page.close();
      }
    });
  },
);
