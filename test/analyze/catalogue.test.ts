/**
 * The metric catalogue against every output: each entry appears in each output it declares, in
 * catalogue order, and nothing else does; an entry added to the catalogue appears everywhere.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyze,
  CATALOGUE,
  emptyMetrics,
  entriesFor,
  fieldTable,
  formatTable,
  jsonKeys,
  OUTPUTS,
  SORT_KEYS,
  sourceLabel,
  wakerLabel,
  toJson,
  withFieldTable,
  type Analysis,
  type Catalogue,
  type MetricDef,
  type MetricKey,
  type MetricRow,
  type Scope,
} from '../../src/analyze/index.js';
import { openCapture, type Capture } from '../../src/api.js';
import { metricsTableHtml } from '../../src/report/html/metrics-table.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const THREAD_ID = ['tid', 'tgid', 'comm'];
const PROCESS_ID = ['tgid', 'comm', 'threads'];

let analysis: Analysis;
let capture: Capture;
beforeAll(async () => {
  capture = await openCapture(path.join(root, 'fixtures/ring.db'));
  analysis = await analyze(capture, {});
});
afterAll(() => capture?.close());

/** A duration that no module computes: run time plus sleep time, shown everywhere and sortable. */
const runAndSleep = (m: MetricRow): number => m.runNs + m.sleepNs.total;
const SYNTHETIC: MetricDef = {
  // not a field of ThreadMetrics: the entry proves the outputs follow the catalogue alone
  key: 'syntheticRunAndSleepNs' as MetricKey,
  kind: 'duration',
  unit: 'ns',
  title: 'run and sleep',
  help: 'time on a CPU plus time asleep (a test entry)',
  scopes: ['thread', 'process'],
  outputs: OUTPUTS,
  table: [{ title: 'RUN+SLEEP ms' }],
  html: [{ title: 'run and sleep' }],
  prom: { name: 'run_and_sleep_seconds_total', type: 'counter' },
  sort: { name: 'runsleep' },
  read: runAndSleep,
};
const EXTENDED: Catalogue = [...CATALOGUE, SYNTHETIC];

function tableHeader(text: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith('COMM'))!;
  return line.split(/ {2,}/);
}

function htmlHeader(html: string): string[] {
  return [...html.matchAll(/<th [^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!);
}

function expectedJsonValue(e: MetricDef, m: MetricRow): unknown {
  if (e.kind === 'distribution') return Object.fromEntries(e.stats.map((s) => [s, e.read(m)[s]]));
  if (e.kind === 'sources') return JSON.parse(JSON.stringify(e.read(m)));
  return e.read(m);
}

describe('the catalogue', () => {
  it('declares each key once, and the layout of each output it names', () => {
    const keys = CATALOGUE.flatMap(jsonKeys);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of [...THREAD_ID, ...PROCESS_ID]) expect(keys).not.toContain(id);
    const sortNames = CATALOGUE.flatMap((e) => (e.sort ? [e.sort.name] : []));
    expect(new Set(sortNames).size).toBe(sortNames.length);
    expect(SORT_KEYS).toEqual([...sortNames, 'comm']);
    const promNames = CATALOGUE.flatMap((e) => (e.prom ? [e.prom.name] : []));
    expect(new Set(promNames).size).toBe(promNames.length);
    for (const e of CATALOGUE) {
      expect(e.outputs.includes('table'), e.key).toBe((e.table?.length ?? 0) > 0);
      expect(e.outputs.includes('html'), e.key).toBe((e.html?.length ?? 0) > 0);
      expect(e.outputs.includes('prom'), e.key).toBe(e.prom !== undefined);
      // Everything documented is in --json, and the other way round.
      expect(e.outputs.includes('docs'), e.key).toBe(e.outputs.includes('json'));
      expect(e.help).not.toMatch(/\n/);
      expect(`${e.help} ${e.definition ?? ''}`).not.toMatch(/(^|[^\\])\|/);
      for (const col of [...(e.table ?? []), ...(e.html ?? [])]) {
        if (e.kind === 'distribution') expect(e.stats, `${e.key} ${col.title}`).toContain(col.stat);
        else expect(col.stat, `${e.key} ${col.title}`).toBeUndefined();
      }
      if (e.sort) {
        expect(['count', 'duration', 'ratio', 'distribution'], e.key).toContain(e.kind);
        if (e.kind === 'distribution') expect(e.stats, e.key).toContain(e.sort.stat);
      }
      if (e.prom) {
        expect(e.prom.name).toMatch(/^[a-z][a-z0-9_]*$/);
        if (e.prom.type === 'counter') expect(e.prom.name, e.key).toMatch(/_total$/);
        if (e.unit === 'ns') expect(e.prom.name, e.key).toMatch(/_seconds(_total)?$/);
        if (e.prom.countKey !== undefined) expect(keys).toContain(e.prom.countKey);
      }
    }
  });

  it('names every field the analysis gives a row, and emptyMetrics zeroes exactly those', () => {
    const catalogued = (scope: Scope): string[] => CATALOGUE.filter((e) => e.scopes.includes(scope)).flatMap(jsonKeys);
    expect(analysis.result.threads.length).toBeGreaterThan(10);
    for (const t of analysis.result.threads)
      expect(Object.keys(t).sort()).toEqual([...THREAD_ID, ...catalogued('thread')].sort());
    for (const p of analysis.result.processes)
      expect(Object.keys(p).sort()).toEqual([...PROCESS_ID, ...catalogued('process')].sort());
    const zero = emptyMetrics();
    expect(Object.keys(zero).sort()).toEqual(catalogued('process').sort());
    expect(zero.sleepNs).toEqual({ total: 0, mean: 0, p50: 0, p95: 0, max: 0 });
    expect(zero.preemptDelayNs).toEqual({ mean: 0, p95: 0, max: 0 });
    expect(zero.wakers).toEqual([]);
    expect(zero.uncertain).toBe(false);
  });

  it('gives --json every entry for json, in order, with the value its accessor reads', () => {
    const json = toJson(analysis);
    json.threads.forEach((row, i) => {
      const t = analysis.result.threads[i]!;
      const entries = entriesFor('json', 'thread');
      expect(Object.keys(row)).toEqual([...THREAD_ID, ...entries.flatMap(jsonKeys)]);
      for (const e of entries) expect(row[e.key], `${t.tid} ${e.key}`).toEqual(expectedJsonValue(e, t));
      expect(Number(row.sleepsS) + Number(row.sleepsD)).toBe(row.sleeps);
    });
    json.processes.forEach((row, i) => {
      const p = analysis.result.processes[i]!;
      const entries = entriesFor('json', 'process');
      expect(Object.keys(row)).toEqual(['tgid', 'comm', ...entries.flatMap(jsonKeys), 'threads']);
      for (const e of entries) expect(row[e.key], `${p.tgid} ${e.key}`).toEqual(expectedJsonValue(e, p));
    });
    // The fields the engine computed but --json left out before the catalogue carry real numbers here.
    expect(json.threads.some((t) => (t.preemptions as number) > 0)).toBe(true);
    expect(json.threads.every((t) => t.generation === 0 || (t.generation as number) > 0)).toBe(true);
  });

  it('gives the terminal table one column per table column of the catalogue, in order', () => {
    const titles = (scope: Scope, withReasons: boolean): string[] =>
      entriesFor('table', scope)
        .filter((e) => withReasons || e.kind !== 'reasons')
        .flatMap((e) => e.table!.map((c) => c.title));
    // no stacks in this capture: the sleep-reasons column is left out
    expect(tableHeader(formatTable(analysis, { by: 'thread' }))).toEqual(['COMM', 'TID', ...titles('thread', false)]);
    expect(tableHeader(formatTable(analysis, { by: 'process' }))).toEqual([
      'COMM',
      'PID',
      'THR',
      ...titles('process', false),
    ]);
    // one row with a sleep reason: the column is there, in the catalogue's order
    const reason = { reason: 'do_nanosleep', count: 1, ns: 5e6, sleepsS: 1, sleepsD: 0, sleepSNs: 5e6, sleepDNs: 0 };
    const withReason = structuredClone(analysis);
    withReason.result.threads[0]!.sleepReasons = [{ ...reason, stacks: [], wakers: [] }];
    const header = tableHeader(formatTable(withReason, { by: 'thread' }));
    expect(header).toEqual(['COMM', 'TID', ...titles('thread', true)]);
    expect(formatTable(withReason, { by: 'thread' })).toContain('do_nanosleep 100%');
  });

  it('gives the HTML tables one column per html column of the catalogue, in order, with its help', () => {
    const titles = (scope: Scope): string[] => entriesFor('html', scope).flatMap((e) => e.html!.map((c) => c.title));
    const threads = metricsTableHtml('threads', analysis.result.threads);
    expect(htmlHeader(threads)).toEqual(['thread', 'tid', 'pid', ...titles('thread')]);
    expect(htmlHeader(metricsTableHtml('processes', analysis.result.processes))).toEqual([
      'process',
      'pid',
      'threads',
      ...titles('process'),
    ]);
    expect(threads).toContain(`title="${SLICES_HELP}"`);
  });

  it('keeps the field table of docs/metrics.md as the catalogue writes it (npm run docs:metrics)', () => {
    const doc = readFileSync(path.join(root, 'docs/metrics.md'), 'utf8');
    expect(withFieldTable(doc)).toBe(doc);
    const table = fieldTable();
    for (const e of CATALOGUE.filter((x) => x.outputs.includes('docs')))
      for (const k of jsonKeys(e)) expect(table).toContain(`\`${k}\``);
    // The rows are the catalogue's docs entries, nothing else.
    expect(table.split('\n').length).toBe(2 + CATALOGUE.filter((x) => x.outputs.includes('docs')).length);
  });

  it('shows a new entry in the JSON, the terminal table, the HTML table and the docs with no other edit', () => {
    const json = toJson(analysis, EXTENDED);
    json.threads.forEach((row, i) => expect(row.syntheticRunAndSleepNs).toBe(runAndSleep(analysis.result.threads[i]!)));
    json.processes.forEach((row, i) =>
      expect(row.syntheticRunAndSleepNs).toBe(runAndSleep(analysis.result.processes[i]!)),
    );
    expect(Object.keys(json.processes[0]!).at(-1)).toBe('threads');

    const text = formatTable(analysis, { by: 'thread' }, EXTENDED);
    expect(tableHeader(text).at(-1)).toBe('RUN+SLEEP ms');
    const top = analysis.result.threads[0]!;
    const topLine = text.split('\n').find((l) => new RegExp(`^\\S+\\s+${top.tid}\\s`).test(l))!;
    expect(topLine.trimEnd().endsWith((runAndSleep(top) / 1e6).toFixed(2))).toBe(true);

    const html = metricsTableHtml('threads', analysis.result.threads, EXTENDED);
    expect(htmlHeader(html).at(-1)).toBe('run and sleep');
    expect(html).toContain(`title="${SYNTHETIC.help}"`);
    expect(html).toContain(`data-v="${runAndSleep(top)}"`);

    const docs = fieldTable(EXTENDED);
    expect(docs).toContain(
      '| `syntheticRunAndSleepNs` | ns | duration | json, table (`--sort runsleep`), html, prom (`run_and_sleep_seconds_total`) | time on a CPU plus time asleep (a test entry) |',
    );

    expect(Object.keys(emptyMetrics(EXTENDED))).toContain('syntheticRunAndSleepNs');

    // --sort knows it: rows come largest first by its value (not the run order).
    const sorted = formatTable(analysis, { by: 'thread', sort: 'runsleep' }, EXTENDED).split('\n');
    const first = sorted.findIndex((l) => l.startsWith('COMM')) + 2;
    const tids = sorted.slice(first, first + 10).map((l) => Number(l.split(/ {2,}/)[1]));
    const byValue = [...analysis.result.threads].sort(
      (a, b) => runAndSleep(b) - runAndSleep(a) || b.runNs - a.runNs || a.tgid - b.tgid,
    );
    expect(tids).toEqual(byValue.slice(0, 10).map((t) => t.tid));
    expect(tids).not.toEqual(analysis.result.threads.slice(0, 10).map((t) => t.tid));
    expect(() => formatTable(analysis, { sort: 'runsleep' })).toThrow('--sort takes one of');
  });
});

const SLICES_HELP = CATALOGUE.find((e) => e.key === 'slices')!.help;

describe('sourceLabel', () => {
  it('is the one label of a source in the terminal and in the report, names made safe', () => {
    expect(sourceLabel({ kind: 'task', tid: 7, tgid: 5, comm: 'a\x1bb' })).toBe('task a\\x1bb 7');
    expect(sourceLabel({ kind: 'task', tgid: 5, comm: 'p' })).toBe('process p 5');
    expect(sourceLabel({ kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' })).toBe(
      'hardirq local_timer/hrtimer_wakeup',
    );
    expect(sourceLabel({ kind: 'unknown', name: 'context unsure' })).toBe('unknown (context unsure)');
    expect(sourceLabel({ kind: 'nmi', name: 'nmi' })).toBe('nmi');
    const woken = analysis.result.threads.find((t) => t.wakers.length > 0)!;
    // the tables show a waker with its cause when it has one
    const label = wakerLabel(woken.wakers[0]!);
    expect(formatTable(analysis, { by: 'thread' })).toContain(`${label} ×${woken.wakers[0]!.count}`);
    expect(metricsTableHtml('threads', analysis.result.threads)).toContain(
      `${label.replace(/&/g, '&amp;').replace(/</g, '&lt;')} <b>×`,
    );
  });
});
