/**
 * Reading the numbers a report shows, and checking them against the analysis's raw values.
 *
 * The parsers here are the test's own, not the report's formatters: a figure passes only when the
 * text on the page means the value `analyze --json` gives, at the precision the page promises
 * (durations to three significant digits in the largest unit that fits, counts whole and grouped
 * by thousands, ratios to two decimals).
 */
import type { Page } from 'playwright-core';

const DURATION_UNITS: Array<[string, number]> = [
  ['s', 1e9],
  ['ms', 1e6],
  ['µs', 1e3],
  ['ns', 1],
];

/** A count as the page writes it ("12,345"); throws on anything else. */
export function parseCount(text: string): number {
  if (!/^-?\d{1,3}(,\d{3})*$/.test(text)) throw new Error(`not a count: ${JSON.stringify(text)}`);
  return Number(text.replace(/,/g, ''));
}

/** Why `text` does not show the count `value`, or null when it does. */
export function countMismatch(text: string, value: number): string | null {
  let shown: number;
  try {
    shown = parseCount(text);
  } catch (err) {
    return String((err as Error).message);
  }
  return shown === Math.round(value) ? null : `shows ${text}, the analysis has ${value}`;
}

/** Why `text` does not show the duration `ns`, or null when it does. */
export function durationMismatch(text: string, ns: number): string | null {
  if (!Number.isFinite(ns)) return text === '–' ? null : `shows ${text} for a non-finite ${ns}`;
  const m = /^(-?\d+(?:\.\d+)?) (s|ms|µs|ns)$/.exec(text);
  if (!m) return `not a duration: ${JSON.stringify(text)}`;
  const abs = Math.abs(ns);
  // The largest unit the value reaches.
  const [unit, scale] = DURATION_UNITS.find(([, s]) => abs >= s) ?? DURATION_UNITS[DURATION_UNITS.length - 1]!;
  if (m[2] !== unit) return `shows ${text}, the analysis has ${ns} ns (a duration in ${unit})`;
  const exact = ns / scale;
  // Three significant digits: two decimals below 10, one below 100, none above.
  const a = Math.abs(exact);
  const step = a >= 100 ? 1 : a >= 10 ? 0.1 : 0.01;
  if (Math.abs(Number(m[1]) - exact) > step / 2 + 1e-9 * Math.max(1, a))
    return `shows ${text}, the analysis has ${ns} ns (${exact.toPrecision(6)} ${unit})`;
  return null;
}

/** Why `text` does not show the ratio `value` to two decimals, or null when it does. */
export function ratioMismatch(text: string, value: number): string | null {
  if (!/^-?\d+\.\d{2}$/.test(text)) return `not a ratio with two decimals: ${JSON.stringify(text)}`;
  return Math.abs(Number(text) - value) <= 0.005 + 1e-9 ? null : `shows ${text}, the analysis has ${value}`;
}

/** One cell of a metrics table as shown: its text, and its waker chips when it lists wakers. */
export interface ShownCell {
  text: string;
  wakers: string[];
  more: string | null;
}

export interface ShownTable {
  headers: string[];
  rows: ShownCell[][];
}

/** Text with runs of white space as one space, trimmed: what a reader sees. */
const squash = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** The header and body cells of a metrics table, as the page shows them (in their current order). */
export async function readTable(page: Page, kind: 'threads' | 'processes'): Promise<ShownTable> {
  const raw = await page.evaluate((k) => {
    const table = document.querySelector(`table[data-table="${k}"]`);
    if (!table) throw new Error(`no ${k} table`);
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => ({
        text: td.textContent ?? '',
        wakers: [...td.querySelectorAll('.waker')].map((w) => w.textContent ?? ''),
        more: td.querySelector('.muted:not(.waker)')?.textContent ?? null,
      })),
    );
    return { headers, rows };
  }, kind);
  return {
    headers: raw.headers.map(squash),
    rows: raw.rows.map((r) => r.map((c) => ({ text: squash(c.text), wakers: c.wakers.map(squash), more: c.more }))),
  };
}

/** The summary's facts, term → shown text; and the page subtitle. */
export async function readSummary(page: Page): Promise<{ facts: Record<string, string>; subtitle: string }> {
  const raw = await page.evaluate(() => {
    const facts: Array<[string, string]> = [];
    for (const div of document.querySelectorAll('#summary dl.facts > div'))
      facts.push([div.querySelector('dt')?.textContent ?? '', div.querySelector('dd')?.textContent ?? '']);
    return { facts, subtitle: document.querySelector('header.top p')?.textContent ?? '' };
  });
  return {
    facts: Object.fromEntries(raw.facts.map(([k, v]) => [squash(k), squash(v)])),
    subtitle: squash(raw.subtitle),
  };
}
