/**
 * Off-CPU stacks as folded text (`lifeline stacks`), the format flamegraph.pl, inferno and
 * speedscope read: one line per stack, `comm;outermost;…;innermost VALUE`, the value in
 * off-CPU nanoseconds. With the waker, offwaketime's layout: the sleeper's frames, `--`, the
 * waker's frames innermost first, then the waker's source, so that a flame graph draws the
 * waker upside down above the sleeper.
 */
import type { Analysis, OffCpuStack } from '../types.js';
import { sourceLabel } from '../engine/sources.js';
import { sanitize } from './text.js';
import { NO_STACK } from '../metrics/sleep-reasons.js';

export interface FoldedOptions {
  /** Append the waker's frames and source after a `--` frame. */
  waker?: boolean;
}

/** A frame of folded text: terminal-safe, and no `;` (the frame separator) or line break. */
function frame(s: string): string {
  return sanitize(s).replace(/;/g, '\\x3b');
}

/** The frames of a folded line (without its value). */
function stackKey(s: OffCpuStack, opts: FoldedOptions): string {
  const frames = s.frames.length > 0 ? [...s.frames].reverse() : [NO_STACK];
  const parts = [frame(s.comm), ...frames.map(frame)];
  if (opts.waker) {
    parts.push('--', ...(s.wakerFrames.length > 0 ? s.wakerFrames : [NO_STACK]).map(frame));
    parts.push(sourceLabel(s.source).replace(/;/g, '\\x3b')); // already terminal-safe
  }
  return parts.join(';');
}

/** The folded lines, identical stacks merged, heaviest first. */
export function formatFolded(analysis: Analysis, opts: FoldedOptions = {}): string {
  const sums = new Map<string, number>();
  for (const s of analysis.offCpu ?? []) {
    const key = stackKey(s, opts);
    sums.set(key, (sums.get(key) ?? 0) + s.ns);
  }
  return [...sums.entries()]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .map(([k, ns]) => `${k} ${ns}\n`)
    .join('');
}
