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
import { G_D, G_D_NS, G_PAIR, G_S, G_S_NS, G_SOURCE, SleepGroups, STACK_PAIR } from './sleep-groups.js';
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

export class SleepReasons implements Metric {
  /** The sleeps per (thread, sleeper stack, waker stack, source). */
  private readonly groups = new SleepGroups();
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
    /**
     * Only the totals per reason, no stacks or wakers: live (serve), at every scrape, and a result
     * that does not print them (ResultParts.reasonStacks).
     */
    private readonly totalsOnly = false,
  ) {}

  wakeup(f: WakeFact): void {
    // STACK rows come before the events that use them: none yet, no stacks in this capture so far
    if (f.sleptNs < 0 || this.names.stack.size === 0) return;
    const at = this.groups.find(f.target, f.sleepStack * STACK_PAIR + f.wakerStack, f.source);
    const data = this.groups.data;
    if (f.sleepKind === Sleep.D) {
      data[at + G_D]!++;
      data[at + G_D_NS]! += f.sleptNs;
    } else {
      data[at + G_S]!++;
      data[at + G_S_NS]! += f.sleptNs;
    }
  }

  /** Every sleep group of these threads (for the folded stacks). */
  sleepsOf(ths: readonly number[]): StackSleeps[] {
    const out: StackSleeps[] = [];
    const data = this.groups.data;
    for (const th of ths)
      for (const at of this.groups.groupsOf(th)) {
        const pair = data[at + G_PAIR]!;
        out.push({
          sleepStack: Math.floor(pair / STACK_PAIR),
          wakerStack: pair % STACK_PAIR,
          source: data[at + G_SOURCE]!,
          count: data[at + G_S]! + data[at + G_D]!,
          ns: data[at + G_S_NS]! + data[at + G_D_NS]!,
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
    const data = this.groups.data;
    for (const th of ths) {
      for (const at of this.groups.groupsOf(th)) {
        const pair = data[at + G_PAIR]!;
        const sleepStack = Math.floor(pair / STACK_PAIR);
        const wakerStack = pair % STACK_PAIR;
        const sourceKey = data[at + G_SOURCE]!;
        const aS = data[at + G_S]!;
        const aD = data[at + G_D]!;
        const aSNs = data[at + G_S_NS]!;
        const aDNs = data[at + G_D_NS]!;
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
