/** The off-CPU section's tables: who woke a thread's sleeps from where, and the sleep reasons. */
import type { ReasonRow, WakerRow } from '../model/offcpu.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatDuration } from './format.js';

/** A cell with its sort value (data-v) and its text, escaped. */
const td = (v: string | number, text: string = String(v)): string =>
  `<td data-v="${e(String(v))}"${typeof v === 'string' ? ' class="t"' : ''}>${e(text)}</td>`;
const pct = (x: number): string => `${(x * 100).toFixed(x >= 0.1 || x === 0 ? 0 : 1)}%`;

function table(kind: string, head: Array<[string, string, 'num' | 'text']>, body: string[]): string {
  const th = head
    .map(
      ([title, hint, type], i) =>
        `<th scope="col" title="${e(hint)}" data-col="${i}" data-type="${type}"${type === 'text' ? ' class="t"' : ''} tabindex="0">${e(title)}</th>`,
    )
    .join('');
  return `<div class="table-wrap"><table class="metrics sortable" data-table="${e(kind)}"><thead><tr>${th}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

/** Who woke one thread's sleeps and from where: reason, source, the waker's frame, sleeps, time. */
export function wakersTableHtml(rows: readonly WakerRow[], total: number): string {
  const body = rows.map(
    (w) =>
      `<tr>${td(w.reason)}<td data-v="${e(w.source)}" class="t"><span class="waker k-${e(w.kind)}">${e(w.source)}</span></td>${td(w.frame)}${td(w.count, formatCount(w.count))}${td(w.ns, formatDuration(w.ns))}</tr>`,
  );
  const more =
    total > rows.length
      ? `<p class="muted">${formatCount(rows.length)} of ${formatCount(total)} waker sources shown, most time first.</p>`
      : '';
  return (
    table(
      'wakers',
      [
        ['slept in', 'the sleep reason: the first frame below the scheduler’s own', 'text'],
        ['woken by', 'the task or interrupt that woke these sleeps', 'text'],
        ['from', 'the waker’s first frame outside the wakeup machinery', 'text'],
        ['sleeps', 'sleeps ended by this waker from this frame', 'num'],
        ['time asleep', 'time asleep over those sleeps', 'num'],
      ],
      body,
    ) + more
  );
}

/** The sleep-reason table: per thread, each reason with its sleeps, time, share, S / D split and top waker. */
export function reasonTableHtml(rows: readonly ReasonRow[]): string {
  const body = rows.map(
    (r) =>
      `<tr>${td(r.thread)}${td(r.tid)}${td(r.reason)}${td(r.count, formatCount(r.count))}${td(r.ns, formatDuration(r.ns))}` +
      `${td(r.share, pct(r.share))}` +
      `${td(r.sleepsS, `${formatCount(r.sleepsS)} / ${formatCount(r.sleepsD)}`)}` +
      `${td(r.sleepSNs, `${formatDuration(r.sleepSNs)} / ${formatDuration(r.sleepDNs)}`)}${td(r.topWaker)}</tr>`,
  );
  return table(
    'reasons',
    [
      ['thread', 'comm', 'text'],
      ['tid', 'thread id', 'num'],
      ['reason', 'where the sleeps began: the first frame below the scheduler’s own', 'text'],
      ['sleeps', 'sleeps with this reason', 'num'],
      ['time asleep', 'time asleep over those sleeps', 'num'],
      ['share', 'of the thread’s time asleep', 'num'],
      ['sleeps S / D', 'interruptible / uninterruptible sleeps', 'num'],
      ['time S / D', 'time asleep interruptible / uninterruptible', 'num'],
      ['top waker', 'the source that woke most of the time asleep, and the frame it woke them from', 'text'],
    ],
    body,
  );
}
