/**
 * The terminal table of `lifeline analyze`, in the spirit of
 * `perf sched latency`: capture facts first (lost events prominent), then
 * one row per thread or process.
 */
import type { CaptureMeta } from '../../capture/index.js';
import { LifelineError } from '../../errors.js';
import { diagnose, terminalLine } from '../../diagnostics.js';
import { factsOf } from './facts.js';
import { msg } from '../../messages.js';
import { usableZone, wallTime } from '../../wall-time.js';
import {
  CATALOGUE,
  columnNumber,
  entriesFor,
  type Catalogue,
  type ColumnSpec,
  type MetricDef,
  type Unit,
} from '../catalogue/catalogue.js';
import { wakerLabel } from '../engine/sources.js';
import { reasonsText } from '../metrics/sleep-reasons.js';
import { ms, padEnd, padStart, sanitize } from './text.js';
import type { Analysis, ProcessMetrics, ThreadMetrics, WakerCount } from '../types.js';

/** `--sort` names: the catalogue's sortable fields (largest first), then comm. */
export const SORT_KEYS: readonly string[] = [...sortable(CATALOGUE).keys(), 'comm'];
export type SortKey = string;
export type GroupBy = 'thread' | 'process';

export interface TableOptions {
  by?: GroupBy;
  sort?: SortKey;
  /** At most this many rows (checked, like by and sort, at the API boundary: src/options). */
  top?: number;
  /** Capture facts for the header (host, kernel, cpus, time zone). */
  meta?: CaptureMeta;
}

type Row = ThreadMetrics | ProcessMetrics;

type Compare = (a: Row, b: Row) => number;

/** Largest first, by each sortable entry's value (a distribution's sort stat). */
function sortable(catalogue: Catalogue): Map<string, Compare> {
  const out = new Map<string, Compare>();
  for (const e of catalogue) {
    const sort = e.sort;
    if (sort === undefined) continue;
    const value = (r: Row): number => columnNumber(e, { title: sort.name, stat: sort.stat }, r) ?? 0;
    out.set(sort.name, (a, b) => value(b) - value(a));
  }
  return out;
}

const byRunNs: Compare = (a, b) => b.runNs - a.runNs;
const byComm: Compare = (a, b) => a.comm.localeCompare(b.comm);

interface Column {
  title: string;
  left?: boolean;
  cell: (r: Row) => string;
  /** Shown only when a row has something in it (sleep reasons: captures without stacks have none). */
  shownIf?: (r: Row) => boolean;
}

/** The identity columns, then one column per table column of the catalogue's entries. */
function columns(by: GroupBy, catalogue: Catalogue): Column[] {
  const id: Column =
    by === 'thread'
      ? { title: 'TID', cell: (r) => String('tid' in r ? r.tid : r.tgid) }
      : { title: 'PID', cell: (r) => String(r.tgid) };
  const cols: Column[] = [
    { title: 'COMM', left: true, cell: (r) => (r.uncertain === true ? '!' : '') + sanitize(r.comm) },
    id,
  ];
  if (by === 'process') cols.push({ title: 'THR', cell: (r) => String('threads' in r ? r.threads : 1) });
  for (const e of entriesFor('table', by, catalogue)) {
    for (const spec of e.table ?? []) cols.push(column(e, spec));
  }
  return cols;
}

function column(e: MetricDef, spec: ColumnSpec): Column {
  if (e.kind === 'sources') return { title: spec.title, left: true, cell: (r) => topWakers(e.read(r)) };
  if (e.kind === 'reasons')
    return {
      title: spec.title,
      left: true,
      cell: (r) => sanitize(reasonsText(e.read(r))),
      shownIf: (r) => e.read(r).length > 0,
    };
  if (e.kind === 'flag') return { title: spec.title, cell: (r) => (e.read(r) ? 'yes' : '') };
  const parts = e.split?.parts;
  return {
    title: spec.title,
    cell: (r) => {
      const text = number(e.unit, columnNumber(e, spec, r) ?? 0);
      return parts === undefined ? text : `${text} ${parts.map((p) => number(e.unit, p.read(r))).join('/')}`;
    },
  };
}

/** A number in the table's units: ms for durations, two decimals for ratios. */
function number(unit: Unit, v: number): string {
  if (unit === 'ns') return ms(v);
  if (unit === 'ratio') return v.toFixed(2);
  return String(v);
}

function topWakers(wakers: readonly WakerCount[]): string {
  return wakers
    .slice(0, 3)
    .map((w) => `${wakerLabel(w)} ×${w.count}`)
    .join(', ');
}

export function formatTable(analysis: Analysis, opts: TableOptions = {}, catalogue: Catalogue = CATALOGUE): string {
  const by = opts.by ?? 'thread';
  const sort = opts.sort ?? 'run';
  const { result } = analysis;
  const rows: Row[] = [...(by === 'thread' ? result.threads : result.processes)];
  const compare = sort === 'comm' ? byComm : sortable(catalogue).get(sort);
  if (compare === undefined)
    throw new LifelineError('OPTION_BAD_SORT', msg.badChoice('--sort', sort, [...sortable(catalogue).keys(), 'comm']));
  rows.sort((a, b) => compare(a, b) || byRunNs(a, b) || a.tgid - b.tgid);
  const shown = opts.top !== undefined ? rows.slice(0, opts.top) : rows;
  const lines = header(analysis, opts.meta);
  if (shown.length === 0) {
    lines.push(msg.tableNoThreads());
    return lines.join('\n');
  }
  const cols = columns(by, catalogue).filter((c) => c.shownIf === undefined || shown.some(c.shownIf));
  const cells = shown.map((r) => cols.map((c) => c.cell(r)));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...cells.map((row) => [...row[i]!].length)));
  const fmt = (row: readonly string[]): string =>
    row
      .map((v, i) =>
        cols[i]!.left === true ? padEnd(v, i === row.length - 1 ? 0 : widths[i]!) : padStart(v, widths[i]!),
      )
      .join('  ')
      .trimEnd();
  lines.push(fmt(cols.map((c) => c.title)));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) lines.push(fmt(row));
  if (shown.length < rows.length)
    lines.push(`… ${rows.length - shown.length} more ${by === 'thread' ? 'threads' : 'processes'}`);
  lines.push(msg.tableCauses(result.reattributed, result.onCpuCause ?? 0, result.unknownCause ?? 0));
  return lines.join('\n');
}

function header(analysis: Analysis, meta: CaptureMeta | undefined): string[] {
  const c = analysis.result.capture;
  const lines: string[] = [];
  if (meta !== undefined) {
    lines.push(
      `host ${sanitize(meta.hostname)}  kernel ${sanitize(meta.kernel)}  ${meta.cpus} cpus  ${c.format} capture`,
    );
    lines.push(`start ${localTime(meta.startNs / 1e6 + meta.clockOffsetMs, meta.timezone)}  (${c.startWall})`);
  } else {
    lines.push(`${c.format} capture  start ${c.startWall}`);
  }
  lines.push(`duration ${ms(c.durationNs)} ms  events ${c.events}`);
  for (const d of diagnose(factsOf(analysis, meta))) lines.push(sanitize(terminalLine(d)));
  lines.push('');
  return lines;
}

/** "2025-03-01 14:02:03.123 Europe/Paris" (falls back to UTC for an unknown zone). */
export function localTime(wallMs: number, timeZone: string): string {
  const zone = usableZone(timeZone);
  return `${wallTime(wallMs, zone).text} ${sanitize(zone)}`;
}
