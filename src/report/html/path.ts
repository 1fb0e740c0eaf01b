/** The critical-path section's table: the time of a path by kind, most first. */
import type { PathChart } from '../model/path-rows.js';
import { escapeHtml as e } from './escape.js';
import { formatDuration } from './format.js';

const td = (v: string | number, text: string = String(v)): string =>
  `<td data-v="${e(String(v))}"${typeof v === 'string' ? ' class="t"' : ''}>${e(text)}</td>`;

export function pathSummaryHtml(c: PathChart): string {
  const body = c.summary.map(
    (l) => `<tr>${td(l.label)}${td(l.ns, formatDuration(l.ns))}${td(l.share, `${(l.share * 100).toFixed(1)}%`)}</tr>`,
  );
  const head = [
    ['where the time went', 'a thread and its state, what it waited behind or for, or an interrupt', 'text'],
    ['time', 'time of the interval spent so', 'num'],
    ['share', 'of the interval', 'num'],
  ]
    .map(
      ([title, hint, type], i) =>
        `<th scope="col" title="${e(hint!)}" data-col="${i}" data-type="${type}"${type === 'text' ? ' class="t"' : ''} tabindex="0">${e(title!)}</th>`,
    )
    .join('');
  return `<div class="table-wrap"><table class="metrics sortable" data-table="path"><thead><tr>${head}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}
