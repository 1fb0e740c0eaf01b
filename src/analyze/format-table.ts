/**
 * The terminal table of `lifeline analyze`, in the spirit of
 * `perf sched latency`: capture facts first (lost events prominent), then
 * one row per thread or process.
 */
import type { CaptureMeta } from '../capture/meta.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { usableZone, wallTime } from '../wall-time.js';
import { sourceLabel } from './sources.js';
import { ms, padEnd, padStart, sanitize } from './text.js';
import type { Analysis, ProcessMetrics, ThreadMetrics, WakerCount } from './types.js';

export const SORT_KEYS = ['run', 'sleeps', 'wakeups', 'runq', 'slices', 'reattributed', 'comm'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type GroupBy = 'thread' | 'process';

export interface TableOptions {
  by?: GroupBy | string;
  sort?: SortKey | string;
  /** At most this many rows. */
  top?: number;
  /** Capture facts for the header (host, kernel, cpus, time zone). */
  meta?: CaptureMeta;
}

export function parseSortKey(key: string): SortKey {
  const k = SORT_KEYS.find((s) => s === key);
  if (k === undefined) throw new LifelineError('OPTION_BAD_SORT', msg.badSortKey(key, SORT_KEYS));
  return k;
}

function parseGroupBy(by: string): GroupBy {
  if (by !== 'thread' && by !== 'process') throw new LifelineError('OPTION_BAD_GROUP', msg.badGroupBy(by));
  return by;
}

type Row = ThreadMetrics | ProcessMetrics;

const COMPARE: Record<SortKey, (a: Row, b: Row) => number> = {
  run: (a, b) => b.runNs - a.runNs,
  sleeps: (a, b) => b.sleeps - a.sleeps,
  wakeups: (a, b) => b.wakeups - a.wakeups,
  runq: (a, b) => b.runqDelayNs.mean - a.runqDelayNs.mean,
  slices: (a, b) => b.slices - a.slices,
  reattributed: (a, b) => b.reattributed - a.reattributed,
  comm: (a, b) => a.comm.localeCompare(b.comm),
};

interface Column {
  title: string;
  left?: boolean;
  cell: (r: Row) => string;
}

function columns(by: GroupBy): Column[] {
  const id: Column =
    by === 'thread'
      ? { title: 'TID', cell: (r) => String('tid' in r ? r.tid : r.tgid) }
      : { title: 'PID', cell: (r) => String(r.tgid) };
  const cols: Column[] = [{ title: 'COMM', left: true, cell: (r) => (r.uncertain === true ? '!' : '') + sanitize(r.comm) }, id];
  if (by === 'process') cols.push({ title: 'THR', cell: (r) => String('threads' in r ? r.threads : 1) });
  cols.push(
    { title: 'RUN ms', cell: (r) => ms(r.runNs) },
    { title: 'SLICES', cell: (r) => String(r.slices) },
    { title: 'SLICE ms', cell: (r) => ms(r.meanSliceNs) },
    { title: 'SLEEPS S/D', cell: (r) => `${r.sleeps} ${r.sleepsS}/${r.sleepsD}` },
    { title: 'SLEEP ms', cell: (r) => ms(r.sleepNs.mean) },
    { title: 'P95 ms', cell: (r) => ms(r.sleepNs.p95) },
    { title: 'WAKEUPS', cell: (r) => String(r.wakeups) },
    { title: 'RUNQ ms', cell: (r) => ms(r.runqDelayNs.mean) },
    { title: 'P95 ms', cell: (r) => ms(r.runqDelayNs.p95) },
    { title: 'MAX ms', cell: (r) => ms(r.runqDelayNs.max) },
    { title: 'BURSTS', cell: (r) => String(r.bursts) },
    { title: 'RUN/BURST ms', cell: (r) => ms(r.meanBurstRunNs) },
    { title: 'SLICES/BURST', cell: (r) => r.meanSlicesPerBurst.toFixed(2) },
    { title: 'REATTR', cell: (r) => String(r.reattributed) },
    { title: 'TOP WAKERS', left: true, cell: (r) => topWakers(r.wakers) },
  );
  return cols;
}

function topWakers(wakers: readonly WakerCount[]): string {
  return wakers
    .slice(0, 3)
    .map((w) => `${sanitize(sourceLabel(w.source))} ×${w.count}`)
    .join(', ');
}

export function formatTable(analysis: Analysis, opts: TableOptions = {}): string {
  const by = parseGroupBy(opts.by ?? 'thread');
  const sort = parseSortKey(opts.sort ?? 'run');
  if (opts.top !== undefined && (!Number.isInteger(opts.top) || opts.top <= 0)) {
    throw new LifelineError('OPTION_BAD_NUMBER', msg.badTop(opts.top));
  }
  const { result } = analysis;
  const rows: Row[] = [...(by === 'thread' ? result.threads : result.processes)];
  rows.sort((a, b) => COMPARE[sort](a, b) || COMPARE.run(a, b) || a.tgid - b.tgid);
  const shown = opts.top !== undefined ? rows.slice(0, opts.top) : rows;
  const lines = header(analysis, opts.meta);
  if (shown.length === 0) {
    lines.push(msg.tableNoThreads());
    return lines.join('\n');
  }
  const cols = columns(by);
  const cells = shown.map((r) => cols.map((c) => c.cell(r)));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...cells.map((row) => [...row[i]!].length)));
  const fmt = (row: readonly string[]): string =>
    row
      .map((v, i) => (cols[i]!.left === true ? padEnd(v, i === row.length - 1 ? 0 : widths[i]!) : padStart(v, widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(fmt(cols.map((c) => c.title)));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) lines.push(fmt(row));
  if (shown.length < rows.length) lines.push(`… ${rows.length - shown.length} more ${by === 'thread' ? 'threads' : 'processes'}`);
  lines.push(`reattributed wakeups (interrupts a naive tool blames on the task on the CPU): ${result.reattributed}`);
  return lines.join('\n');
}

function header(analysis: Analysis, meta: CaptureMeta | undefined): string[] {
  const c = analysis.result.capture;
  const lines: string[] = [];
  if (meta !== undefined) {
    lines.push(`host ${sanitize(meta.hostname)}  kernel ${sanitize(meta.kernel)}  ${meta.cpus} cpus  ${c.format} capture`);
    lines.push(`start ${localTime(meta.startNs / 1e6 + meta.clockOffsetMs, meta.timezone)}  (${c.startWall})`);
  } else {
    lines.push(`${c.format} capture  start ${c.startWall}`);
  }
  lines.push(`duration ${ms(c.durationNs)} ms  events ${c.events}`);
  if (c.lost > 0) lines.push(`*** ${msg.tableLost(c.lost)} ***`);
  lines.push('');
  return lines;
}

/** "2025-03-01 14:02:03.123 Europe/Paris" (falls back to UTC for an unknown zone). */
export function localTime(wallMs: number, timeZone: string): string {
  const zone = usableZone(timeZone);
  return `${wallTime(wallMs, zone).text} ${sanitize(zone)}`;
}
