import type { AnalysisResult } from '../../analyze/index.js';
import type { CaptureMeta } from '../../capture/index.js';
import { escapeHtml as e } from './escape.js';
import { formatCount, formatDuration, type WallTime } from './format.js';

export interface SummaryInput {
  meta: CaptureMeta;
  result: AnalysisResult;
  start: WallTime;
}

/** The capture at a glance: machine, command, when, how long, how much, and what to distrust. */
export function summaryHtml({ meta, result, start }: SummaryInput): string {
  const lost = Math.max(meta.lost, result.capture.lost);
  const wakeups = result.threads.reduce((n, t) => n + t.wakeups, 0);
  const command = meta.command ? meta.command.map(shellWord).join(' ') : 'whole machine (no command)';
  const facts: Array<[string, string, 'wide'?]> = [
    ['Host', e(meta.hostname)],
    ['Kernel', e(meta.kernel)],
    ['CPUs', String(meta.cpus)],
    ['Duration', e(formatDuration(result.capture.durationNs))],
    ['Start', `<time datetime="${e(start.iso)}" title="${e(start.other)}">${e(start.shown)}</time>`, 'wide'],
    ['Events', `${formatCount(result.capture.events)} <span class="muted">(${e(result.capture.format)})</span>`],
    ['Lost events', lost > 0 ? `<strong class="bad">${formatCount(lost)}</strong>` : '0'],
    [
      'Command',
      `<code>${e(command)}</code>${meta.exitCode !== null ? ` <span class="muted">exit ${meta.exitCode}</span>` : ''}`,
      'wide',
    ],
    [
      'Wakeups re-attributed',
      `<strong>${formatCount(result.reattributed)}</strong> of ${formatCount(wakeups)} <span class="muted">credited to the interrupt that woke the thread, not the task that happened to be on the CPU</span>`,
      'wide',
    ],
  ];
  const warnings: string[] = [];
  if (lost > 0) {
    const perCpu = meta.lostPerCpu
      .map((n, cpu) => (n > 0 ? `cpu ${cpu}: ${formatCount(n)}` : ''))
      .filter(Boolean)
      .join(', ');
    warnings.push(
      `<strong>${formatCount(lost)} events were lost</strong> in the kernel (ring buffer full${perCpu ? `; ${e(perCpu)}` : ''}). ` +
        'States, wakers and durations near the gaps may be wrong; threads affected are marked “uncertain” in the table. Record again with a bigger --buffer-mb.',
    );
  }
  if (!meta.complete) warnings.push('The recorder did not finish cleanly: the capture ends where it was cut off.');
  let notes =
    meta.skippedTracepoints.length > 0
      ? `<p class="muted">Tracepoints missing on this kernel (not recorded): ${e(meta.skippedTracepoints.join(', '))}</p>`
      : '';
  if (lost === 0 && result.capture.contradictions > 0)
    notes +=
      `<p class="muted">No event was lost, yet ${formatCount(result.capture.contradictions)} facts contradicted a thread’s state: ` +
      'the kernel did not emit some events. The threads concerned are marked “uncertain”; their numbers come from the consistent parts.</p>';
  return (
    `<section id="summary" class="card"><h2>Summary</h2>` +
    warnings.map((w) => `<div class="warning" role="alert">${w}</div>`).join('') +
    `<dl class="facts">${facts.map(([k, v, wide]) => `<div${wide ? ' class="wide"' : ''}><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>${notes}</section>`
  );
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
