/**
 * Sleep reasons: where in the kernel each sleep began (the sleeper's stack at its switch-out)
 * and where it was woken from (the waker's stack, or the interrupt's), docs/metrics.md
 * "Sleep reasons". Per thread, the complete sleeps are counted by (sleeper stack, waker stack,
 * source); the reasons — the first frame below the scheduler's own functions — are read from
 * them when the result is built. The replay counts the sleeps in the wakeup table (wake-rows.ts),
 * with the wakeup that ended them: this module has no hook of its own.
 */
import type { Metric } from '../engine/metric.js';
import type { Names } from '../engine/sources.js';
import { STACK_PAIR, W_D, W_D_NS, W_PAIR, W_S, W_S_NS, W_SOURCE, type WakeRows } from './wake-rows.js';
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

/** The sleeps behind one (thread or process, sleeper stack, waker stack, source), as the folded output reads them. */
export interface StackSleeps {
  sleepStack: number;
  wakerStack: number;
  source: number;
  count: number;
  ns: number;
}

/** The sleeps of one (thread, sleeper stack, waker stack, source). */
interface SleepGroup {
  /** Sleeper stack · STACK_PAIR + waker stack. */
  pair: number;
  source: number;
  s: number;
  d: number;
  sNs: number;
  dNs: number;
}

export class SleepReasons implements Metric {
  private readonly frames = new Map<number, string[]>();
  private readonly reasonOf = new Map<number, string>();
  /** Stack id → the first stack id seen with the same frames (two ids can name the same frames). */
  private readonly sameFrames = new Map<number, number>();
  private readonly byFramesText = new Map<string, number>();
  /** Source key → a number per distinct sourceKeyText (sources that print alike merge). */
  private readonly sameSource = new Map<number, number>();
  private readonly bySourceText = new Map<string, number>();

  constructor(
    private readonly threads: ThreadTable,
    private readonly names: Names,
    /** Where the replay counted the sleeps (fed with the wakeups). */
    private readonly rows: WakeRows,
    /**
     * Only the totals per reason, no stacks or wakers: live (serve), at every scrape, and a result
     * that does not print them (ResultParts.reasonStacks).
     */
    private readonly totalsOnly = false,
  ) {}

  /**
   * The sleep groups of one thread: its rows in the wakeup table with sleeps, merged by (stack
   * pair, source) (a row also has a cause), by stack pair in the order the pairs first slept, and
   * within a pair by source in the order first seen (the order of a map of pairs to maps of sources).
   */
  private groupsOf(th: number): SleepGroup[] {
    const list: SleepGroup[] = this.rows
      .merge(this.rows.sleepRowsOf(th), W_PAIR, W_SOURCE, [W_S, W_D, W_S_NS, W_D_NS])
      .map(({ a, b, sums: [s, d, sNs, dNs] }) => ({ pair: a, source: b, s: s!, d: d!, sNs: sNs!, dNs: dNs! }));
    // pairs ranked in the order first seen; the sort is stable, so first-seen order stays within a pair
    const rank = new Map<number, number>();
    for (const g of list) if (!rank.has(g.pair)) rank.set(g.pair, rank.size);
    if (rank.size === list.length || rank.size === 1) return list;
    return list.sort((x, y) => rank.get(x.pair)! - rank.get(y.pair)!);
  }

  /** Every sleep group of these threads (for the folded stacks). */
  sleepsOf(ths: readonly number[]): StackSleeps[] {
    const out: StackSleeps[] = [];
    for (const th of ths)
      for (const g of this.groupsOf(th)) {
        out.push({
          sleepStack: Math.floor(g.pair / STACK_PAIR),
          wakerStack: g.pair % STACK_PAIR,
          source: g.source,
          count: g.s + g.d,
          ns: g.sNs + g.dNs,
        });
      }
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

  /** The first stack id seen whose frames are those of stack `id`. */
  private framesId(id: number): number {
    let same = this.sameFrames.get(id);
    if (same === undefined) {
      const text = this.framesOf(id).join(';');
      same = this.byFramesText.get(text);
      if (same === undefined) this.byFramesText.set(text, (same = id));
      this.sameFrames.set(id, same);
    }
    return same;
  }

  /** A number per distinct sourceKeyText of the sources' descriptions. */
  private sourceId(key: number, source: WakeSource): number {
    let same = this.sameSource.get(key);
    if (same === undefined) {
      const text = sourceKeyText(source);
      same = this.bySourceText.get(text);
      if (same === undefined) this.bySourceText.set(text, (same = this.bySourceText.size));
      this.sameSource.set(key, same);
    }
    return same;
  }

  fillThread(th: number, out: ThreadMetrics): void {
    out.sleepReasons = this.reasons([th]);
  }

  fillProcess(ths: readonly number[], out: ProcessMetrics): void {
    out.sleepReasons = this.reasons(ths);
  }

  private reasons(ths: readonly number[]): SleepReason[] {
    interface Group {
      r: SleepReason;
      stackIdx: Map<number, SleepReason['stacks'][number]>;
      wakerIdx: Map<number, SleepReason['wakers'][number]>;
    }
    const groups = new Map<string, Group>();
    const sources = new Map<number, WakeSource>();
    for (const th of ths) {
      for (const { pair, source: sourceKey, s: aS, d: aD, sNs: aSNs, dNs: aDNs } of this.groupsOf(th)) {
        const sleepStack = Math.floor(pair / STACK_PAIR);
        const wakerStack = pair % STACK_PAIR;
        let reason = this.reasonOf.get(sleepStack);
        if (reason === undefined) this.reasonOf.set(sleepStack, (reason = sleepReasonOf(this.framesOf(sleepStack))));
        let group = groups.get(reason);
        if (group === undefined) {
          const r: SleepReason = {
            reason,
            count: 0,
            ns: 0,
            sleepsS: 0,
            sleepsD: 0,
            sleepSNs: 0,
            sleepDNs: 0,
            stacks: [],
            wakers: [],
          };
          group = { r, stackIdx: new Map(), wakerIdx: new Map() };
          groups.set(reason, group);
        }
        const g = group.r;
        const count = aS + aD;
        const ns = aSNs + aDNs;
        g.count += count;
        g.ns += ns;
        g.sleepsS += aS;
        g.sleepsD += aD;
        g.sleepSNs += aSNs;
        g.sleepDNs += aDNs;
        if (this.totalsOnly) continue;
        // stacks that name the same frames are one (two ids can: return addresses differ within a function)
        const stackId = this.framesId(sleepStack);
        let st = group.stackIdx.get(stackId);
        if (st === undefined) {
          st = { frames: this.framesOf(sleepStack), count: 0, ns: 0, sleepSNs: 0, sleepDNs: 0 };
          group.stackIdx.set(stackId, st);
          g.stacks.push(st);
        }
        st.count += count;
        st.ns += ns;
        st.sleepSNs += aSNs;
        st.sleepDNs += aDNs;
        let source = sources.get(sourceKey);
        if (source === undefined) sources.set(sourceKey, (source = this.names.describe(sourceKey, this.threads)));
        // wakers of sources that print alike, from stacks that name the same frames, are one
        const wkey = this.sourceId(sourceKey, source) * STACK_PAIR + this.framesId(wakerStack);
        let w = group.wakerIdx.get(wkey);
        if (w === undefined) {
          const wakerFrames = this.framesOf(wakerStack);
          w = { source, frame: wakeFrameOf(wakerFrames), frames: wakerFrames, count: 0, ns: 0 };
          group.wakerIdx.set(wkey, w);
          g.wakers.push(w);
        }
        w.count += count;
        w.ns += ns;
      }
    }
    const out: SleepReason[] = [];
    for (const { r } of groups.values()) {
      r.stacks.sort(byNs);
      r.wakers.sort(byNs);
      out.push(r);
    }
    return out.sort(byNs);
  }
}

function sourceKeyText(s: WakeSource): string {
  return `${s.kind}\u0000${s.tid ?? ''}\u0000${s.tgid ?? ''}\u0000${s.name ?? ''}`;
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
