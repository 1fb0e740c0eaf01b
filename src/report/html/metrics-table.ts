import type { ProcessMetrics, ThreadMetrics, WakerCount } from '../../analyze/types.js';
import { shownName, sourceLabel } from '../model/labels.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatDuration } from './format.js';
import { emptyMetrics } from '../../analyze/index.js';

type Metrics = ThreadMetrics | ProcessMetrics;

interface Column {
  title: string;
  hint: string;
  /** The sort key; a number sorts numerically. */
  value: (m: Metrics) => number | string;
  /** Cell HTML (already escaped). */
  cell: (m: Metrics) => string;
}

const num = (title: string, hint: string, value: (m: Metrics) => number, show: (n: number) => string): Column => ({
  title,
  hint,
  value,
  cell: (m) => e(show(value(m))),
});
const dur = (title: string, hint: string, value: (m: Metrics) => number): Column => num(title, hint, value, formatDuration);
const count = (title: string, hint: string, value: (m: Metrics) => number): Column => num(title, hint, value, formatCount);

const METRIC_COLUMNS: Column[] = [
  dur('run', 'total time on a CPU', (m) => m.runNs),
  count('slices', 'continuous stays on a CPU', (m) => m.slices),
  dur('mean slice', 'mean slice length', (m) => m.meanSliceNs),
  {
    title: 'sleeps (S / D)',
    hint: 'sleeps, and of those interruptible (S) / uninterruptible (D)',
    value: (m) => m.sleeps,
    cell: (m) => `${formatCount(m.sleeps)} <span class="muted">(${formatCount(m.sleepsS)} / ${formatCount(m.sleepsD)})</span>`,
  },
  dur('sleep mean', 'mean sleep', (m) => m.sleepNs.mean),
  dur('sleep p95', '95th percentile sleep', (m) => m.sleepNs.p95),
  count('wakeups', 'times woken', (m) => m.wakeups),
  dur('run-queue mean', 'mean wait from wakeup or preemption to running', (m) => m.runqDelayNs.mean),
  dur('run-queue p95', '95th percentile run-queue wait', (m) => m.runqDelayNs.p95),
  dur('run-queue max', 'longest run-queue wait', (m) => m.runqDelayNs.max),
  count('bursts', 'runs from a wakeup to the next sleep', (m) => m.bursts),
  dur('run / burst', 'mean run time per burst', (m) => m.meanBurstRunNs),
  num('slices / burst', 'mean slices per burst (1 = done within one slice)', (m) => m.meanSlicesPerBurst, (n) => n.toFixed(2)),
  count('re-attributed', 'wakeups credited to an interrupt instead of the task on the CPU', (m) => m.reattributed),
];

const WAKERS_COLUMN: Column = {
  title: 'woken by',
  hint: 'who woke it, most frequent first',
  value: (m) => (m.wakers[0] ? sourceLabel(m.wakers[0].source) : ''),
  cell: (m) => wakersCell(m.wakers),
};

function wakersCell(wakers: WakerCount[]): string {
  const top = [...wakers].sort((a, b) => b.count - a.count);
  const shown = top.slice(0, 3).map((w) => `<span class="waker k-${w.source.kind}">${e(sourceLabel(w.source))} <b>×${formatCount(w.count)}</b></span>`);
  if (top.length > 3) shown.push(`<span class="muted">+${top.length - 3} more</span>`);
  return shown.join(' ');
}

const nameCell = (m: Metrics): string => `${e(shownName(m.comm))}${m.uncertain ? ' <span class="uncertain" title="lost events or a capture edge left part of this thread\'s state uncertain">uncertain</span>' : ''}`;

const THREAD_COLUMNS: Column[] = [
  { title: 'thread', hint: 'comm', value: (m) => m.comm, cell: nameCell },
  { title: 'tid', hint: 'thread id', value: (m) => ('tid' in m ? m.tid : 0), cell: (m) => String('tid' in m ? m.tid : '') },
  { title: 'pid', hint: 'process id (tgid)', value: (m) => m.tgid, cell: (m) => String(m.tgid) },
  ...METRIC_COLUMNS,
  WAKERS_COLUMN,
];

const PROCESS_COLUMNS: Column[] = [
  { title: 'process', hint: 'comm of the main thread', value: (m) => m.comm, cell: nameCell },
  { title: 'pid', hint: 'process id (tgid)', value: (m) => m.tgid, cell: (m) => String(m.tgid) },
  { title: 'threads', hint: 'threads seen', value: (m) => ('threads' in m ? m.threads : 1), cell: (m) => String('threads' in m ? m.threads : 1) },
  ...METRIC_COLUMNS,
  WAKERS_COLUMN,
];

/** A metrics table sortable by clicking a header (the page script reads data-v). */
export function metricsTableHtml(kind: 'threads' | 'processes', rows: Metrics[]): string {
  const columns = kind === 'threads' ? THREAD_COLUMNS : PROCESS_COLUMNS;
  const head = columns
    .map((c, i) => `<th scope="col" title="${e(c.hint)}" data-col="${i}" data-type="${typeof c.value(rows[0] ?? emptyRow) === 'number' ? 'num' : 'text'}" tabindex="0">${e(c.title)}</th>`)
    .join('');
  const body = rows
    .map((m) => `<tr>${columns.map((c) => `<td data-v="${e(String(c.value(m)))}">${c.cell(m)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-wrap"><table class="metrics sortable" data-table="${kind}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

const emptyRow: ThreadMetrics = { tid: 0, tgid: 0, comm: '', ...emptyMetrics() };
