import type { ProcessMetrics, ThreadMetrics, WakerCount } from '../../analyze/index.js';
import { shownName } from '../model/labels.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatDuration } from './format.js';
import {
  CATALOGUE,
  columnNumber,
  emptyMetrics,
  entriesFor,
  wakerLabel,
  reasonShares,
  type Catalogue,
  type ColumnSpec,
  type MetricDef,
  type Scope,
  type Unit,
} from '../../analyze/index.js';

type Metrics = ThreadMetrics | ProcessMetrics;

interface Column {
  title: string;
  hint: string;
  /** The sort key; a number sorts numerically. */
  value: (m: Metrics) => number | string;
  /** Cell HTML (already escaped). */
  cell: (m: Metrics) => string;
}

/** One column per HTML column of the catalogue's entries for this kind of row. */
function metricColumns(scope: Scope, catalogue: Catalogue): Column[] {
  const out: Column[] = [];
  for (const e of entriesFor('html', scope, catalogue)) for (const spec of e.html ?? []) out.push(column(e, spec));
  return out;
}

function column(entry: MetricDef, spec: ColumnSpec): Column {
  const hint = spec.hint ?? entry.help;
  if (entry.kind === 'sources') {
    const read = entry.read;
    return {
      title: spec.title,
      hint,
      value: (m) => (read(m)[0] ? wakerLabel(read(m)[0]!) : ''),
      cell: (m) => wakersCell(read(m)),
    };
  }
  if (entry.kind === 'reasons') {
    const read = entry.read;
    return {
      title: spec.title,
      hint,
      value: (m) => read(m)[0]?.reason ?? '',
      cell: (m) =>
        reasonShares(read(m), 3)
          .map((r) => `<span class="reason">${e(r.reason)} <b>${Math.round(r.share * 100)}%</b></span>`)
          .join(' '),
    };
  }
  if (entry.kind === 'flag') {
    const read = entry.read;
    return { title: spec.title, hint, value: (m) => (read(m) ? 1 : 0), cell: (m) => (read(m) ? 'yes' : '') };
  }
  const value = (m: Metrics): number => columnNumber(entry, spec, m) ?? 0;
  const parts = entry.split?.parts;
  return {
    title: spec.title,
    hint,
    value,
    cell: (m) => {
      const text = e(show(entry.unit, value(m)));
      return parts === undefined
        ? text
        : `${text} <span class="muted">(${parts.map((p) => e(show(entry.unit, p.read(m)))).join(' / ')})</span>`;
    },
  };
}

/** A number as the page shows it: durations with their unit, counts grouped, ratios with two decimals. */
function show(unit: Unit, n: number): string {
  if (unit === 'ns') return formatDuration(n);
  if (unit === 'ratio') return n.toFixed(2);
  return formatCount(n);
}

function wakersCell(wakers: readonly WakerCount[]): string {
  const top = [...wakers].sort((a, b) => b.count - a.count);
  const shown = top
    .slice(0, 3)
    .map((w) => `<span class="waker k-${e(w.source.kind)}">${e(wakerLabel(w))} <b>×${formatCount(w.count)}</b></span>`);
  if (top.length > 3) shown.push(`<span class="muted">+${top.length - 3} more</span>`);
  return shown.join(' ');
}

const nameCell = (m: Metrics): string =>
  `${e(shownName(m.comm))}${m.uncertain ? ' <span class="uncertain" title="lost events or a capture edge left part of this thread\'s state uncertain">uncertain</span>' : ''}`;

function identityColumns(kind: 'threads' | 'processes'): Column[] {
  if (kind === 'threads') {
    return [
      { title: 'thread', hint: 'comm', value: (m) => shownName(m.comm), cell: nameCell },
      {
        title: 'tid',
        hint: 'thread id',
        value: (m) => ('tid' in m ? m.tid : 0),
        cell: (m) => String('tid' in m ? m.tid : ''),
      },
      { title: 'pid', hint: 'process id (tgid)', value: (m) => m.tgid, cell: (m) => String(m.tgid) },
    ];
  }
  return [
    { title: 'process', hint: 'comm of the main thread', value: (m) => shownName(m.comm), cell: nameCell },
    { title: 'pid', hint: 'process id (tgid)', value: (m) => m.tgid, cell: (m) => String(m.tgid) },
    {
      title: 'threads',
      hint: 'threads seen',
      value: (m) => ('threads' in m ? m.threads : 1),
      cell: (m) => String('threads' in m ? m.threads : 1),
    },
  ];
}

/** A metrics table sortable by clicking a header (the page script reads data-v): identity columns, then the catalogue's. */
export function metricsTableHtml(
  kind: 'threads' | 'processes',
  rows: Metrics[],
  catalogue: Catalogue = CATALOGUE,
): string {
  const columns = [...identityColumns(kind), ...metricColumns(kind === 'threads' ? 'thread' : 'process', catalogue)];
  const emptyRow: ThreadMetrics = { tid: 0, tgid: 0, comm: '', generation: 0, ...emptyMetrics(catalogue) };
  const head = columns
    .map(
      (c, i) =>
        `<th scope="col" title="${e(c.hint)}" data-col="${i}" data-type="${typeof c.value(rows[0] ?? emptyRow) === 'number' ? 'num' : 'text'}" tabindex="0">${e(c.title)}</th>`,
    )
    .join('');
  const body = rows
    .map((m) => `<tr>${columns.map((c) => `<td data-v="${e(String(c.value(m)))}">${c.cell(m)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table class="metrics sortable" data-table="${kind}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}
