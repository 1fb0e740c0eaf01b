/**
 * Sleep reasons: where in the kernel each sleep began (the sleeper's stack at its switch-out)
 * and where it was woken from (the waker's stack, or the interrupt's), docs/metrics.md
 * "Sleep reasons". Per thread, the complete sleeps are counted by (sleeper stack, waker stack,
 * source); the reasons — the first frame below the scheduler's own functions — are read from
 * them when the result is built, so the replay pays two map lookups per sleep, and nothing for
 * a capture without stacks.
 */
import { Sleep } from '../engine/codes.js';
import type { Metric, WakeFact } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import type { ThreadTable } from '../engine/thread-table.js';
import type { OffCpuStack, ProcessMetrics, SleepReason, ThreadMetrics, WakeSource } from '../types.js';

/** The reason of a sleep whose stack was not recorded. */
export const NO_STACK = '(no stack)';

/** The scheduler's own frames, above the function that decided to sleep. */
const SCHEDULER_FRAME =
  /^(__traceiter_|__schedule$|schedule$|schedule_|__schedule_|preempt_schedule|io_schedule|__cond_resched|bit_wait)/;
/** The wakeup machinery's frames, above the function that decided to wake. */
const WAKEUP_FRAME =
  /^(__traceiter_|try_to_wake_up$|ttwu|wake_up_|__wake_up|\w*_wake_function$|wake_bit_function$|wake_page_function$|swake_up|complete$|complete_all$|pollwake$|wake_q)/;

/** A stack's frames, innermost first, without the tracepoint's own frames. */
export function stackFrames(names: Names, id: number): string[] {
  const text = id > 0 ? names.stack.get(id) : undefined;
  if (text === undefined) return [];
  const frames = text.split(';');
  let i = 0;
  while (i < frames.length && frames[i]!.startsWith('__traceiter_')) i++;
  return i === 0 ? frames : frames.slice(i);
}

/** The first frame not matching `skip` (the last frame when all match), or NO_STACK. */
function firstFrame(frames: readonly string[], skip: RegExp): string {
  if (frames.length === 0) return NO_STACK;
  for (const f of frames) if (!skip.test(f)) return f;
  return frames[frames.length - 1]!;
}

export function sleepReasonOf(frames: readonly string[]): string {
  return firstFrame(frames, SCHEDULER_FRAME);
}

export function wakeFrameOf(frames: readonly string[]): string {
  return firstFrame(frames, WAKEUP_FRAME);
}

/** Sleeps of one (sleeper stack, waker stack, source). */
interface Acc {
  sleepStack: number;
  wakerStack: number;
  source: number;
  s: number;
  d: number;
  sNs: number;
  dNs: number;
}

/** The sleeps behind one (thread or process, sleeper stack, waker stack, source), as the folded output reads them. */
export interface StackSleeps {
  sleepStack: number;
  wakerStack: number;
  source: number;
  count: number;
  ns: number;
}

export class SleepReasons implements Metric {
  /** Per thread: stack pair (sleeper · 65536 + waker) → source key → sleeps. */
  private readonly perThread: Array<Map<number, Map<number, Acc>> | undefined> = [];
  private readonly frames = new Map<number, string[]>();
  private readonly reasonOf = new Map<number, string>();

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    /** Live (serve): only the totals per reason, at every scrape; no stacks or wakers. */
    private readonly totalsOnly = false,
  ) {}

  wakeup(f: WakeFact): void {
    // STACK rows come before the events that use them: none yet, no stacks in this capture so far
    if (f.sleptNs < 0 || this.names.stack.size === 0) return;
    let pairs = this.perThread[f.target];
    if (pairs === undefined) pairs = this.perThread[f.target] = new Map();
    const pair = f.sleepStack * 65536 + f.wakerStack;
    let bySource = pairs.get(pair);
    if (bySource === undefined) pairs.set(pair, (bySource = new Map()));
    let acc = bySource.get(f.source);
    if (acc === undefined) {
      acc = { sleepStack: f.sleepStack, wakerStack: f.wakerStack, source: f.source, s: 0, d: 0, sNs: 0, dNs: 0 };
      bySource.set(f.source, acc);
    }
    if (f.sleepKind === Sleep.D) {
      acc.d++;
      acc.dNs += f.sleptNs;
    } else {
      acc.s++;
      acc.sNs += f.sleptNs;
    }
  }

  /** Every sleep group of these threads (for the folded stacks). */
  sleepsOf(ths: readonly number[]): StackSleeps[] {
    const out: StackSleeps[] = [];
    for (const th of ths)
      for (const bySource of this.perThread[th]?.values() ?? [])
        for (const a of bySource.values())
          out.push({
            sleepStack: a.sleepStack,
            wakerStack: a.wakerStack,
            source: a.source,
            count: a.s + a.d,
            ns: a.sNs + a.dNs,
          });
    return out;
  }

  /** The off-CPU stacks of these threads, with names and frames resolved. */
  offCpu(ths: readonly number[]): OffCpuStack[] {
    const out: OffCpuStack[] = [];
    for (const th of ths) {
      const rec = this.threads.recs[th]!;
      for (const s of this.sleepsOf([th]))
        out.push({
          tid: rec.tid,
          tgid: this.threads.tgidOf(th),
          comm: this.threads.commOf(th),
          frames: this.framesOf(s.sleepStack),
          source: this.names.describe(s.source, this.threads),
          wakerFrames: this.framesOf(s.wakerStack),
          count: s.count,
          ns: s.ns,
        });
    }
    return out;
  }

  /** Frames of a stack id, cached. */
  framesOf(id: number): string[] {
    let f = this.frames.get(id);
    if (f === undefined) this.frames.set(id, (f = stackFrames(this.names, id)));
    return f;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.sleepReasons = this.reasons([th]);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    out.sleepReasons = this.reasons(ths);
  }

  private reasons(ths: readonly number[]): SleepReason[] {
    type Group = SleepReason & {
      stackIdx: Map<number, SleepReason['stacks'][number]>;
      wakerIdx: Map<number, SleepReason['wakers'][number]>;
    };
    const groups = new Map<string, Group>();
    const sources = new Map<number, WakeSource>();
    for (const th of ths) {
      for (const bySource of this.perThread[th]?.values() ?? []) {
        for (const a of bySource.values()) {
          let reason = this.reasonOf.get(a.sleepStack);
          if (reason === undefined)
            this.reasonOf.set(a.sleepStack, (reason = sleepReasonOf(this.framesOf(a.sleepStack))));
          let g = groups.get(reason);
          if (g === undefined) {
            g = {
              reason,
              count: 0,
              ns: 0,
              sleepsS: 0,
              sleepsD: 0,
              sleepSNs: 0,
              sleepDNs: 0,
              stacks: [],
              wakers: [],
              stackIdx: new Map(),
              wakerIdx: new Map(),
            };
            groups.set(reason, g);
          }
          const count = a.s + a.d;
          const ns = a.sNs + a.dNs;
          g.count += count;
          g.ns += ns;
          g.sleepsS += a.s;
          g.sleepsD += a.d;
          g.sleepSNs += a.sNs;
          g.sleepDNs += a.dNs;
          if (this.totalsOnly) continue;
          let st = g.stackIdx.get(a.sleepStack);
          if (st === undefined) {
            st = { frames: this.framesOf(a.sleepStack), count: 0, ns: 0, sleepSNs: 0, sleepDNs: 0 };
            g.stackIdx.set(a.sleepStack, st);
            g.stacks.push(st);
          }
          st.count += count;
          st.ns += ns;
          st.sleepSNs += a.sNs;
          st.sleepDNs += a.dNs;
          let source = sources.get(a.source);
          if (source === undefined) sources.set(a.source, (source = this.names.describe(a.source, this.threads)));
          // source keys stay below 2^37, stack ids below 2^16: one exact number
          const wkey = a.source * 65536 + a.wakerStack;
          let w = g.wakerIdx.get(wkey);
          if (w === undefined) {
            const wakerFrames = this.framesOf(a.wakerStack);
            w = { source, frame: wakeFrameOf(wakerFrames), frames: wakerFrames, count: 0, ns: 0 };
            g.wakerIdx.set(wkey, w);
            g.wakers.push(w);
          }
          w.count += count;
          w.ns += ns;
        }
      }
    }
    return [...groups.values()]
      .map(({ stackIdx: _s, wakerIdx: _w, ...r }) => ({
        ...r,
        stacks: mergeSame(r.stacks).sort(byNs),
        wakers: mergeSameWakers(r.wakers).sort(byNs),
      }))
      .sort(byNs);
  }
}

/** Wakers of one source whose stacks name the same frames, as one. */
function mergeSameWakers(wakers: SleepReason['wakers']): SleepReason['wakers'] {
  const by = new Map<string, SleepReason['wakers'][number]>();
  for (const w of wakers) {
    const key = `${sourceKeyText(w.source)}\u0000${w.frames.join(';')}`;
    const had = by.get(key);
    if (had === undefined) by.set(key, { ...w });
    else {
      had.count += w.count;
      had.ns += w.ns;
    }
  }
  return [...by.values()];
}

function sourceKeyText(s: WakeSource): string {
  return `${s.kind}\u0000${s.tid ?? ''}\u0000${s.tgid ?? ''}\u0000${s.name ?? ''}`;
}

/** Two stack ids can name the same frames (return addresses differ within a function). */
function mergeSame(stacks: SleepReason['stacks']): SleepReason['stacks'] {
  const by = new Map<string, SleepReason['stacks'][number]>();
  for (const s of stacks) {
    const key = s.frames.join(';');
    const had = by.get(key);
    if (had === undefined) by.set(key, { ...s });
    else {
      had.count += s.count;
      had.ns += s.ns;
      had.sleepSNs += s.sleepSNs;
      had.sleepDNs += s.sleepDNs;
    }
  }
  return [...by.values()];
}

/** The top reasons with their share of the sleep time: "do_nanosleep 98%, pipe_read 2%". */
export function reasonShares(reasons: readonly SleepReason[], top = 2): Array<{ reason: string; share: number }> {
  const total = reasons.reduce((sum, r) => sum + r.ns, 0);
  return reasons.slice(0, top).map((r) => ({ reason: r.reason, share: total > 0 ? r.ns / total : 0 }));
}

export function reasonsText(reasons: readonly SleepReason[], top = 2): string {
  return reasonShares(reasons, top)
    .map((r) => `${r.reason} ${Math.round(r.share * 100)}%`)
    .join(', ');
}

const byNs = (x: { ns: number; count: number }, y: { ns: number; count: number }) => y.ns - x.ns || y.count - x.count;
