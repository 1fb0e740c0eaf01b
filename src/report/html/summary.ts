import type { AnalysisResult } from '../../analyze/index.js';
import type { CaptureMeta } from '../../capture/index.js';
import { diagnose } from '../../diagnostics.js';
import { factsOf } from '../../analyze/index.js';
import { sanitize } from '../../sanitize.js';
import type { ShownCapture } from '../model/labels.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatDuration, type WallTime } from './format.js';

export interface SummaryInput {
  meta: CaptureMeta;
  /** The capture's host, kernel and command as shown (escaped once: model/labels.ts). */
  shown: ShownCapture;
  result: AnalysisResult;
  start: WallTime;
}

/** The capture at a glance: machine, command, when, how long, how much, and what to distrust. */
export function summaryHtml({ meta, shown, result, start }: SummaryInput): string {
  const lost = Math.max(meta.lost, result.capture.lost);
  const wakeups = result.threads.reduce((n, t) => n + t.wakeups, 0);
  const command = shown.command ? shown.command.map(shellWord).join(' ') : 'whole machine (no command)';
  const facts: Array<[string, string, 'wide'?]> = [
    ['Host', e(shown.host)],
    ['Kernel', e(shown.kernel)],
    // the meta's fields are read from the file as they are stored: escaped whatever their type
    ['CPUs', e(String(meta.cpus))],
    ['Duration', e(formatDuration(result.capture.durationNs))],
    ['Start', `<time datetime="${e(start.iso)}" title="${e(start.other)}">${e(start.shown)}</time>`, 'wide'],
    ['Events', `${formatCount(result.capture.events)} <span class="muted">(${e(result.capture.format)})</span>`],
    ['Lost events', lost > 0 ? `<strong class="bad">${formatCount(lost)}</strong>` : '0'],
    [
      'Command',
      `<code>${e(command)}</code>${meta.exitCode !== null ? ` <span class="muted">exit ${e(String(meta.exitCode))}</span>` : ''}`,
      'wide',
    ],
    [
      'Wakeups re-attributed',
      `<strong>${formatCount(result.reattributed)}</strong> of ${formatCount(wakeups)} <span class="muted">credited to the interrupt that woke the thread, not the task that happened to be on the CPU</span>`,
      'wide',
    ],
  ];
  // what to distrust: the diagnostics catalogue (src/diagnostics.ts), warnings first; a line may
  // name what the capture says (a tracepoint), so it is sanitized as on a terminal
  const present = diagnose(factsOf({ result }, meta));
  const warnings = present.filter((d) => d.severity === 'warning').map((d) => e(sanitize(d.line)));
  const notes = present
    .filter((d) => d.severity === 'note')
    .map((d) => `<p class="muted">${e(sanitize(d.line))}</p>`)
    .join('');
  return (
    `<section id="summary" class="card"><h2>Summary</h2>` +
    warnings.map((w) => `<div class="warning" role="alert">${w}</div>`).join('') +
    `<dl class="facts">${facts.map(([k, v, wide]) => `<div${wide ? ' class="wide"' : ''}><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>${notes}</section>`
  );
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
