/**
 * The figures a report shows are the analysis's: a real capture (recorded here as root, always on
 * CI; and the committed fixtures) is analyzed with `analyze --json` and written as a report; the
 * report is opened in chromium and every number of its summary and of its metrics tables, read
 * from the rendered page, is compared with the JSON.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCapture, sanitize, writeReport } from '../../src/api.js';
import {
  entriesFor,
  wakerLabel,
  type AnalysisJson,
  type JsonProcess,
  type JsonThread,
  type MetricDef,
  type Scope,
} from '../../src/analyze/index.js';
import type { JsonWaker } from '../../src/analyze/output/json.js';
import type { SleepReason } from '../../src/analyze/types.js';
import { DEFAULT_REPORT_BUDGET } from '../../src/report/budget.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';
import { scenarioCapture } from '../helpers/scenario.js';
import { browserUnavailable, launch, visit } from './browser.js';
import {
  countMismatch,
  durationMismatch,
  parseCount,
  ratioMismatch,
  readSummary,
  readTable,
  type ShownCell,
  type ShownTable,
} from './shown.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const fixtures = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => /\.(db|arrow)$/.test(f)) : [];

describe('the figure checks', () => {
  it('accept what the page writes for a value and refuse a wrong value, unit or precision', () => {
    expect(durationMismatch('1.23 ms', 1_234_567)).toBeNull();
    expect(durationMismatch('1.4 s', 1_399_569_695)).toBeNull();
    expect(durationMismatch('123 µs', 123_456)).toBeNull();
    expect(durationMismatch('0 ns', 0)).toBeNull();
    expect(durationMismatch('1.2 ms', 1_234_567)).not.toBeNull(); // too coarse
    expect(durationMismatch('1.24 ms', 1_234_567)).not.toBeNull();
    expect(durationMismatch('1235 µs', 1_234_567)).not.toBeNull(); // wrong unit
    expect(durationMismatch('1.23', 1_234_567)).not.toBeNull();
    expect(countMismatch('12,345', 12_345)).toBeNull();
    expect(countMismatch('12345', 12_345)).not.toBeNull();
    expect(countMismatch('12,346', 12_345)).not.toBeNull();
    expect(ratioMismatch('1.05', 1.0512)).toBeNull();
    expect(ratioMismatch('1.1', 1.1)).not.toBeNull();
    expect(ratioMismatch('1.06', 1.0512)).not.toBeNull();
  });
});

type JsonRow = JsonThread | JsonProcess;
type JsonReason = Pick<SleepReason, 'reason' | 'count' | 'ns'>;

/** What a column must show for a row of the JSON, or why it does not (null: it does). */
type ColumnCheck = (cell: ShownCell, row: JsonRow) => string | null;

interface Column {
  /** The JSON field shown ("sleepNs.mean" for a statistic). */
  field: string;
  check: ColumnCheck;
  /** The row's value is not zero (not empty). */
  nonZero: (row: JsonRow) => boolean;
}

function numberMismatch(unit: MetricDef['unit'], text: string, value: number): string | null {
  if (unit === 'ns') return durationMismatch(text, value);
  if (unit === 'ratio') return ratioMismatch(text, value);
  return countMismatch(text, value);
}

/** A catalogue entry's HTML column, checked against the entry's JSON field (by its key, not through the report). */
function catalogueColumns(scope: Scope): Map<string, Column> {
  const out = new Map<string, Column>();
  for (const entry of entriesFor('html', scope)) {
    for (const spec of entry.html ?? []) {
      const field = (row: JsonRow): unknown => {
        const v = row[entry.key];
        return entry.kind === 'distribution' ? (v as Record<string, number>)[spec.stat!] : v;
      };
      let check: ColumnCheck;
      if (entry.kind === 'sources') check = (cell, row) => wakersMismatch(cell, row[entry.key] as JsonWaker[]);
      else if (entry.kind === 'reasons') check = (cell, row) => reasonsMismatch(cell, row[entry.key] as JsonReason[]);
      else if (entry.kind === 'flag')
        check = (cell, row) => (cell.text === (field(row) ? 'yes' : '') ? null : cell.text);
      else {
        const parts = entry.split?.parts ?? [];
        check = (cell, row) => {
          const m = /^(\S+(?: \S+)?)(?: \((.*)\))?$/.exec(cell.text);
          const shownParts = m?.[2]?.split(' / ') ?? [];
          if (!m || shownParts.length !== parts.length) return `unexpected cell ${JSON.stringify(cell.text)}`;
          const problems = [
            numberMismatch(entry.unit, m[1]!, field(row) as number),
            ...parts.map((p, i) => numberMismatch(entry.unit, shownParts[i]!, row[p.key] as number)),
          ].filter((x) => x !== null);
          return problems.length === 0 ? null : problems.join('; ');
        };
      }
      out.set(spec.title, {
        field: entry.kind === 'distribution' ? `${entry.key}.${spec.stat}` : entry.key,
        check,
        nonZero: (row) => {
          const v = field(row);
          return Array.isArray(v) ? v.length > 0 : v !== 0 && v !== false;
        },
      });
    }
  }
  return out;
}

/** The "sleeps in" cell: the three reasons with most time asleep, each with its share in whole percent (empty without stacks). */
function reasonsMismatch(cell: ShownCell, reasons: JsonReason[]): string | null {
  const total = reasons.reduce((sum, r) => sum + r.ns, 0);
  const want = [...reasons]
    .sort((a, b) => b.ns - a.ns || b.count - a.count)
    .slice(0, 3)
    .map((r) => `${sanitize(r.reason)} ${Math.round((r.ns / total) * 100)}%`)
    .join(' ');
  return cell.text === want ? null : `shows ${JSON.stringify(cell.text)}, the analysis has ${JSON.stringify(want)}`;
}

/** The "woken by" cell: the three most frequent wakers, labelled and counted as in the JSON, and how many more. */
function wakersMismatch(cell: ShownCell, wakers: JsonWaker[]): string | null {
  const byCount = [...wakers].sort((a, b) => b.count - a.count);
  const shown = cell.wakers.map((w) => /^(.*) ×([\d,]+)$/.exec(w));
  if (shown.some((m) => m === null)) return `unreadable wakers ${JSON.stringify(cell.wakers)}`;
  const counts = shown.map((m) => parseCount(m![2]!));
  const want = byCount.slice(0, 3).map((w) => w.count);
  if (JSON.stringify(counts) !== JSON.stringify(want))
    return `waker counts ${JSON.stringify(counts)}, the analysis's top three are ${JSON.stringify(want)}`;
  const unused = [...wakers];
  for (const m of shown) {
    const i = unused.findIndex((w) => wakerLabel(w) === m![1] && w.count === parseCount(m![2]!));
    if (i < 0) return `waker ${JSON.stringify(m![0])} is not in the analysis`;
    unused.splice(i, 1);
  }
  const more = wakers.length > 3 ? `+${wakers.length - 3} more` : null;
  return cell.more === more ? null : `shows ${JSON.stringify(cell.more)} after the wakers, expected ${more}`;
}

/** The identity columns of each table: thread or process name, ids, thread count. */
function identityColumns(kind: 'threads' | 'processes'): Map<string, Column> {
  const name: ColumnCheck = (cell, row) => {
    const want = sanitize(row.comm) + (row.uncertain === true ? ' uncertain' : '');
    return cell.text === want ? null : `shows ${JSON.stringify(cell.text)}, expected ${JSON.stringify(want)}`;
  };
  const int =
    (read: (row: JsonRow) => number): ColumnCheck =>
    (cell, row) =>
      cell.text === String(read(row)) ? null : `shows ${cell.text}, expected ${read(row)}`;
  const always = (): boolean => true;
  return kind === 'threads'
    ? new Map([
        ['thread', { field: 'comm', check: name, nonZero: always }],
        ['tid', { field: 'tid', check: int((r) => (r as JsonThread).tid), nonZero: always }],
        ['pid', { field: 'tgid', check: int((r) => r.tgid), nonZero: always }],
      ])
    : new Map([
        ['process', { field: 'comm', check: name, nonZero: always }],
        ['pid', { field: 'tgid', check: int((r) => r.tgid), nonZero: always }],
        ['threads', { field: 'threads', check: int((r) => (r as JsonProcess).threads), nonZero: always }],
      ]);
}

/**
 * Every row shown matches one row of the JSON with the same ids, in every column; each JSON row is
 * shown once (all of them, unless the table is capped: then the busiest). Returns the problems found.
 */
function compareTable(
  kind: 'threads' | 'processes',
  shown: ShownTable,
  json: JsonRow[],
  nonZero: Map<string, number>,
): string[] {
  const checks = new Map([...identityColumns(kind), ...catalogueColumns(kind === 'threads' ? 'thread' : 'process')]);
  const problems: string[] = [];
  const missing = [...checks.keys()].filter((t) => !shown.headers.includes(t));
  const unchecked = shown.headers.filter((t) => !checks.has(t));
  if (missing.length > 0) problems.push(`${kind}: columns not shown: ${missing.join(', ')}`);
  if (unchecked.length > 0)
    problems.push(`${kind}: columns shown that this test does not know: ${unchecked.join(', ')}`);
  const keyOf = (r: JsonRow): string => (kind === 'threads' ? `${(r as JsonThread).tid}/${r.tgid}` : `${r.tgid}`);
  const idColumns = kind === 'threads' ? ['tid', 'pid'] : ['pid'];
  const idIndex = idColumns.map((t) => shown.headers.indexOf(t));
  const unused = new Map<string, JsonRow[]>();
  for (const r of json) unused.set(keyOf(r), [...(unused.get(keyOf(r)) ?? []), r]);
  const matched: JsonRow[] = [];
  shown.rows.forEach((cells, i) => {
    if (cells.length !== shown.headers.length) {
      problems.push(`${kind} row ${i}: ${cells.length} cells under ${shown.headers.length} headers`);
      return;
    }
    const key = idIndex.map((j) => cells[j]?.text).join('/');
    const candidates = unused.get(key) ?? [];
    const diffs = candidates.map((r) =>
      shown.headers.flatMap((title, j) => {
        const why = checks.get(title)?.check(cells[j]!, r);
        return why ? [`${title}: ${why}`] : [];
      }),
    );
    const hit = diffs.findIndex((d) => d.length === 0);
    if (hit < 0) {
      problems.push(
        candidates.length === 0
          ? `${kind} row ${i} (${key}) is not in the analysis`
          : `${kind} row ${i} (${key}): ${diffs[0]!.join('; ')}`,
      );
      return;
    }
    const row = candidates.splice(hit, 1)[0]!;
    matched.push(row);
    for (const c of checks.values()) if (c.nonZero(row)) nonZero.set(c.field, (nonZero.get(c.field) ?? 0) + 1);
  });
  const cap = DEFAULT_REPORT_BUDGET.maxTableRows;
  if (shown.rows.length !== Math.min(json.length, cap))
    problems.push(`${kind}: ${shown.rows.length} rows shown, the analysis has ${json.length} (cap ${cap})`);
  // The table starts with the busiest rows (by run time): when capped, no row left out ran more.
  for (let i = 1; i < matched.length; i++)
    if ((matched[i]!.runNs as number) > (matched[i - 1]!.runNs as number))
      problems.push(`${kind} row ${i} ran more than row ${i - 1}: not sorted by run time`);
  if (json.length > shown.rows.length) {
    const shownSet = new Set(matched);
    const leastShown = Math.min(...matched.map((r) => r.runNs as number));
    if (json.some((r) => !shownSet.has(r) && (r.runNs as number) > leastShown))
      problems.push(`${kind}: a row left out of the table ran more than one shown`);
  }
  return problems;
}

function compareSummary(summary: { facts: Record<string, string>; subtitle: string }, json: AnalysisJson): string[] {
  const problems: string[] = [];
  const fact = (term: string): string => {
    const text = summary.facts[term];
    if (text === undefined) problems.push(`the summary has no ${term}`);
    return text ?? '';
  };
  const push = (what: string, why: string | null): void => {
    if (why !== null) problems.push(`${what}: ${why}`);
  };
  push('Duration', durationMismatch(fact('Duration'), json.capture.durationNs));
  push('subtitle duration', durationMismatch(summary.subtitle.split(' · ')[1] ?? '', json.capture.durationNs));
  const events = /^(\S+) \((\w+)\)$/.exec(fact('Events'));
  push('Events', events ? countMismatch(events[1]!, json.capture.events) : `unreadable ${fact('Events')}`);
  push(
    'Events format',
    events?.[2] === json.capture.format ? null : `shows ${events?.[2]}, not ${json.capture.format}`,
  );
  push('Lost events', countMismatch(fact('Lost events'), json.capture.lost));
  const reattributed = /^(\S+) of (\S+) credited to the interrupt/.exec(fact('Wakeups re-attributed'));
  if (!reattributed) problems.push(`unreadable Wakeups re-attributed: ${fact('Wakeups re-attributed')}`);
  else {
    push('Wakeups re-attributed', countMismatch(reattributed[1]!, json.reattributed));
    const wakeups = json.threads.reduce((n, t) => n + (t.wakeups as number), 0);
    push('Wakeups (all threads)', countMismatch(reattributed[2]!, wakeups));
  }
  return problems;
}

/** Fields every real capture has non-zero somewhere: the comparison covered real numbers, not only zeros. */
const MUST_SEE = [
  'runNs',
  'slices',
  'meanSliceNs',
  'sleeps',
  'sleepNs.mean',
  'wakeups',
  'runqDelayNs.mean',
  'bursts',
  'wakers',
];

const recordHere = canRecord || mustRecord;
const skip = browserUnavailable();

describe.skipIf(skip !== null)(
  `figures of a report of a real capture, in chromium${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 180_000 },
  () => {
    let browser: Browser;
    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function check(name: string, capture: string): Promise<void> {
      const json = JSON.parse(await analyzeCapture(capture, { json: true })) as AnalysisJson;
      expect(json.capture.events, name).toBeGreaterThan(0);
      expect(json.threads.length, name).toBeGreaterThan(0);
      const out = join(ARTIFACTS, `report-figures-${name.replace(/\W/g, '-')}.html`);
      await writeReport(capture, { out, renderer: 'svg', force: true });
      const v = await visit(browser, out);
      try {
        expect(v.chartErrors, name).toEqual([]);
        expect(v.consoleErrors, name).toEqual([]);
        const nonZero = new Map<string, number>();
        const problems = [
          ...compareSummary(await readSummary(v.page), json),
          ...compareTable('threads', await readTable(v.page, 'threads'), json.threads, nonZero),
          ...compareTable('processes', await readTable(v.page, 'processes'), json.processes, nonZero),
        ];
        expect(problems, name).toEqual([]);
        for (const field of MUST_SEE)
          expect(nonZero.get(field) ?? 0, `${name}: rows with ${field} ≠ 0`).toBeGreaterThan(0);
      } finally {
        await v.page.close();
      }
    }

    if (fixtures.length === 0) it.skip('shows the analysis of the fixtures (skipped: no capture under fixtures/)');
    for (const f of fixtures)
      it(`shows the analysis of fixtures/${f}`, async () => {
        await check(`fixtures/${f}`, join(FIXTURES, f));
      });

    it.skipIf(!recordHere)(
      `shows the analysis of a capture recorded now${recordHere ? '' : ` (skipped: ${skipReason})`}`,
      async () => {
        const fresh = await scenarioCapture('sleeper-stress', 'fresh');
        await check('fresh sleeper-stress', fresh.path);
      },
    );
  },
);
