/** The `lifeline path` text: the segments in time order, then the time by kind and by thread. */
import { ms, padEnd, padStart, sanitize } from '../output/text.js';
import { PATH_STATES, type CriticalPath, type PathSegment } from '../types.js';

function who(t: { tid: number; comm: string }): string {
  return `${sanitize(t.comm)} ${t.tid}`;
}

function pct(ns: number, total: number): string {
  return total > 0 ? `${((100 * ns) / total).toFixed(1)}%` : '-';
}

/** What the segment waited on, with the sleep reason when the capture has stacks. */
function waitedOn(s: PathSegment): string {
  if (s.state === 'sleeping' && s.sleptIn !== undefined) return `${s.label}; slept in ${sanitize(s.sleptIn)}`;
  return s.label;
}

function title(p: CriticalPath): string {
  const len = p.endNs - p.startNs;
  const what =
    p.chosen.kind === 'burst' ? `burst ${p.chosen.burst} of ${p.chosen.bursts} (with the wait before it)` : 'interval';
  return (
    `path of ${who(p.thread)}, ${what}: +${ms(p.startNs)} ms to +${ms(p.endNs)} ms (${ms(len)} ms), ` +
    `${p.segmentCount} segment${p.segmentCount === 1 ? '' : 's'}` +
    (p.truncated ? ' (cut off: depth or segment limit)' : '')
  );
}

/** One path as text; several are separated by a blank line. */
export function formatPath(p: CriticalPath): string {
  const lines = [title(p)];
  if (p.segments.length === 0 && p.segmentCount > 0) return [...lines, '', ...summaryLines(p)].join('\n');
  const rows = p.segments.map((s) => [
    `+${ms(s.start)}`,
    ms(s.end - s.start),
    `${'  '.repeat(Math.min(s.depth, 8))}${who(s.thread)}`,
    s.state,
    s.cpu !== undefined ? String(s.cpu) : '-',
    waitedOn(s),
  ]);
  const head = ['START(ms)', 'DUR(ms)', 'THREAD', 'STATE', 'CPU', 'WAITED ON / CAUSE'];
  const w = head.map((h, i) => rows.reduce((n, r) => Math.max(n, [...r[i]!].length), h.length));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i < 2 || i === 4 ? padStart(c, w[i]!) : i === r.length - 1 ? c : padEnd(c, w[i]!)))
      .join('  ')
      .trimEnd();
  // a row at a time: a path has up to PATH_MAX_SEGMENTS rows, too many to pass as arguments
  lines.push('', line(head));
  for (const r of rows) lines.push(line(r));
  lines.push('');
  for (const l of summaryLines(p)) lines.push(l);
  return lines.join('\n');
}

/** The time by kind and by thread. */
function summaryLines(p: CriticalPath): string[] {
  const total = p.endNs - p.startNs;
  const lines = ['time by kind:'];
  for (const s of p.summary) lines.push(`  ${padStart(ms(s.ns), 10)} ms  ${padStart(pct(s.ns, total), 6)}  ${s.label}`);
  lines.push('', 'time by thread:');
  for (const t of p.byThread) {
    const parts = PATH_STATES.filter((st) => t.byState[st] > 0).map((st) => `${st} ${ms(t.byState[st])}`);
    lines.push(
      `  ${padStart(ms(t.ns), 10)} ms  ${padStart(pct(t.ns, total), 6)}  ${who(t.thread)}  (${parts.join(', ')})`,
    );
  }
  return lines;
}

export function formatPaths(paths: readonly CriticalPath[]): string {
  return paths.map(formatPath).join('\n\n');
}
