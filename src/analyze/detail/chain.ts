/**
 * Wakeup chains: for one wakeup, what woke its waker before, and so on,
 * until an interrupt source, a thread that was already running (no earlier
 * wakeup of it seen) or a depth limit; and the `lifeline chain` text.
 */
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { atMs } from './detail-budget.js';
import { wakerLabel } from '../engine/sources.js';
import { ms, sanitize } from '../output/text.js';
import type { AnalysisDetail, WakeSource, WakeupRecord } from '../types.js';

export const DEFAULT_CHAIN_DEPTH = 8;

/** The wakeup `wakeupId` followed by its waker's wakeups back in time, at most `depth` links. */
export function chainFor(detail: AnalysisDetail, wakeupId: number, depth = DEFAULT_CHAIN_DEPTH): WakeupRecord[] {
  const first = detail.wakeups[wakeupId];
  if (first === undefined || !Number.isInteger(wakeupId))
    throw new LifelineError('OPTION_NO_MATCH', msg.noWakeupId(wakeupId));
  const chain = [first];
  let w = first;
  while (chain.length <= depth && causeOf(w).kind === 'task' && w.wakerWakeup !== null) {
    const next = detail.wakeups[w.wakerWakeup];
    if (next === undefined) break;
    chain.push(next);
    w = next;
  }
  return chain;
}

export interface ChainTextOptions {
  /** A whole number ≥ 0 (checked at the API boundary, src/options). */
  depth?: number;
  /** At most this many wakeups of the thread (the latest are dropped beyond it). */
  limit?: number;
}

/** One line per wakeup of `tid`, each followed by its chain, indented, back in time. */
export function formatChain(detail: AnalysisDetail | undefined, tid: number, opts: ChainTextOptions = {}): string {
  if (detail === undefined) throw new LifelineError('OPTION_NEEDS_DETAIL', msg.chainNoDetail());
  const depth = opts.depth ?? DEFAULT_CHAIN_DEPTH;
  const own = detail.wakeups.filter((w) => w.tid === tid);
  if (own.length === 0) throw new LifelineError('OPTION_NO_MATCH', msg.chainNoWakeups(tid));
  const shown = opts.limit !== undefined ? own.slice(0, opts.limit) : own;
  const lines: string[] = [];
  for (const w of shown) {
    lines.push(describeWakeup(w));
    const chain = chainFor(detail, w.id, depth);
    for (let i = 1; i < chain.length; i++) {
      const prev = chain[i - 1]!;
      lines.push(`${indent(i)}← ${atMs(chain[i]!.ts)}  ${threadName(prev)}  ${describeWakeup(chain[i]!, false)}`);
    }
    const last = chain[chain.length - 1]!;
    const lastCause = causeOf(last);
    if (lastCause.kind === 'task' && lastCause.tid !== 0) {
      const at = indent(chain.length);
      if (last.wakerWakeup === null)
        lines.push(`${at}← ${threadName(last)} was already running (no earlier wakeup seen)`);
      else lines.push(`${at}← … (depth limit ${depth})`);
    }
  }
  if (shown.length < own.length) lines.push(`… ${own.length - shown.length} more wakeups`);
  return lines.join('\n');
}

/** "+12.345 ms  slept 5.01 ms (S)  woken by … (on cpu: …)  waited 0.08 ms  ran 0.21 ms in 1 slice" */
export function describeWakeup(w: WakeupRecord, withTs = true): string {
  const parts: string[] = [];
  if (withTs) parts.push(atMs(w.ts));
  if (w.flags.spurious) parts.push('already runnable (spurious)');
  else if (w.sleptNs !== null)
    parts.push(
      `slept ${ms(w.sleptNs)} ms (${w.sleepState ?? '?'})${w.sleptIn !== undefined ? ` in ${sanitize(w.sleptIn)}` : ''}`,
    );
  else parts.push('slept ? (start not seen)');
  parts.push(wokenBy(w));
  if (!w.flags.spurious) {
    parts.push(w.waitNs !== null ? `waited ${ms(w.waitNs)} ms` : 'waited ?');
    if (w.runNs !== null && w.slices !== null)
      parts.push(`ran ${ms(w.runNs)} ms in ${w.slices} slice${w.slices === 1 ? '' : 's'}`);
    else parts.push('ran ? (burst not complete)');
  }
  return parts.join('  ');
}

/** What caused a wakeup: its cause when known apart from its source, else its source. */
export function causeOf(w: WakeupRecord): WakeSource {
  return w.cause ?? w.source;
}

/**
 * "woken by task python3 4312 via softirq NET_RX", "woken by softirq BLOCK raised by hardirq
 * irq 24 nvme0q1", "woken by hardirq local_timer/hrtimer_wakeup armed by task sleeper 17",
 * with the task on the CPU when an interrupt ran the wakeup.
 */
export function wokenBy(w: WakeupRecord): string {
  const label = wakerLabel(w);
  let by = `woken by ${label}`;
  // where the waker woke it, unless the label names it already (a timer callback)
  if (w.wokeFrom !== undefined && !label.endsWith(`/${w.wokeFrom}`)) by += ` from ${sanitize(w.wokeFrom)}`;
  if (w.severalRaisers === true) by += ' (the last of several raisers)';
  if (w.source.kind !== 'task')
    by += w.onCpu !== null ? ` (on cpu: ${sanitize(w.onCpu.comm)} ${w.onCpu.tid})` : ' (on cpu: idle)';
  return by;
}

/** Name of the thread that caused `w`'s wakeup, i.e. the thread of the next link. */
function threadName(w: WakeupRecord): string {
  const c = causeOf(w);
  return `${sanitize(c.comm ?? '?')} ${c.tid ?? '?'}`;
}

function indent(level: number): string {
  return '    '.repeat(level);
}
