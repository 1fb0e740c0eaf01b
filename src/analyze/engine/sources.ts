/**
 * Wakeup sources: a numeric key per source for the hot loop, and the
 * WakeSource description built once at the end (IRQ and symbol names may
 * arrive after the events that use them).
 *
 * Key layout: a task source is -(thread index + 1 + work · TASK_KEYS), where
 * work is the symbol id of the workqueue item the task was running (0: none),
 * so a kworker running flush_to_ldisc is a source of its own. Other sources are
 * ((sym · 65536) + id) · 8 + code, with code = context (1 hardirq,
 * 2 softirq, 3 nmi) + 4 when id is an x86 system vector; code 0 holds the
 * special sources: UNKNOWN_KEY (context unsure) and IDLE_KEY (the idle task
 * in task context), and the unknown causes (causes.ts): RAISE_UNSEEN_KEY (no
 * raise of that softirq seen), TIMER_UNSEEN_KEY (the timer's arming or
 * expiry not seen) and WORK_UNSEEN_KEY (the work item's queueing not seen).
 */
import { Ctx, Flag, SOFTIRQ_NAMES, SYSVEC_NAMES } from '../../format/index.js';
import { Irq, type IrqKind } from './codes.js';
import { sanitize } from '../output/text.js';
import type { ThreadTable } from './thread-table.js';
import type { WakeSource } from '../types.js';

export const UNKNOWN_KEY = 0;
export const IDLE_KEY = 8;
export const RAISE_UNSEEN_KEY = 16;
export const TIMER_UNSEEN_KEY = 24;
export const WORK_UNSEEN_KEY = 32;
export const IDLE_COMM = 'swapper';
export const UNSURE_REASON = 'context unsure';
export const RAISE_UNSEEN_REASON = 'softirq raise not seen';
export const TIMER_UNSEEN_REASON = 'timer arming not seen';
export const WORK_UNSEEN_REASON = 'work queueing not seen';

/** Thread indices below this fit a task key beside a work item's symbol id (2^26 threads). */
const TASK_KEYS = 67108864;

/** The key of a task source: thread `th`, running the work item whose function is symbol `work` (0: none). */
export function taskKey(th: number, work = 0): number {
  return -(th + 1 + work * TASK_KEYS);
}

/** The thread of a task key, -1 for other keys. */
export function taskOfKey(key: number): number {
  return key < 0 ? (-key - 1) % TASK_KEYS : -1;
}

/** The work item (symbol id) a task key ran, 0 when none. */
export function workOfKey(key: number): number {
  return key < 0 ? Math.floor((-key - 1) / TASK_KEYS) : 0;
}

/** Source key of a WAKING / WAKEUP_NEW event (waker = thread of tid2, -1 for idle). */
export function sourceKey(flags: number, b: number, c: number, waker: number): number {
  if ((flags & Flag.UNSURE) !== 0) return UNKNOWN_KEY;
  const ctx = flags & Flag.CTX_MASK;
  if (ctx === Ctx.TASK) return waker >= 0 ? taskKey(waker) : IDLE_KEY;
  const code = ctx + ((flags & Flag.SYSVEC) !== 0 ? 4 : 0);
  return ((c > 0 ? c : 0) * 65536 + (b & 0xffff)) * 8 + code;
}

/** Names of IRQs and kernel symbols, from IRQ_NAME and SYM rows. */
export class Names {
  readonly irq = new Map<number, string>();
  readonly sym = new Map<number, string>();
  /** Kernel stacks by id (STACK rows): frames innermost first, ';'-separated. */
  readonly stack = new Map<number, string>();

  /** "local_timer", "irq 24 virtio0-input.0", "TIMER", "nmi", with "/callback" when known. */
  interruptName(kind: IrqKind, id: number, sysvec: boolean, sym: number): string {
    let base: string;
    if (kind === Irq.HARDIRQ) {
      if (sysvec) base = SYSVEC_NAMES[id] ?? `vector ${id}`;
      else {
        const irqName = this.irq.get(id);
        base = irqName === undefined ? `irq ${id}` : `irq ${id} ${irqName}`;
      }
    } else if (kind === Irq.SOFTIRQ) base = SOFTIRQ_NAMES[id] ?? `softirq ${id}`;
    else base = 'nmi';
    if (sym <= 0) return base;
    return `${base}/${this.sym.get(sym) ?? `sym#${sym}`}`;
  }

  /** The public description of a source key (thread names as of the end of the replay). */
  describe(key: number, threads: ThreadTable): WakeSource {
    if (key < 0) {
      const th = taskOfKey(key);
      const s: WakeSource = {
        kind: 'task',
        tid: threads.recs[th]!.tid,
        tgid: threads.tgidOf(th),
        comm: threads.commOf(th),
      };
      const work = workOfKey(key);
      if (work > 0) s.work = this.sym.get(work) ?? `sym#${work}`;
      return s;
    }
    if (key === IDLE_KEY) return { kind: 'task', tid: 0, tgid: 0, comm: IDLE_COMM };
    const code = key % 8;
    if (key === RAISE_UNSEEN_KEY) return { kind: 'unknown', name: RAISE_UNSEEN_REASON };
    if (key === TIMER_UNSEEN_KEY) return { kind: 'unknown', name: TIMER_UNSEEN_REASON };
    if (key === WORK_UNSEEN_KEY) return { kind: 'unknown', name: WORK_UNSEEN_REASON };
    if (code === 0) return { kind: 'unknown', name: UNSURE_REASON };
    const rest = (key - code) / 8;
    const id = rest % 65536;
    const sym = (rest - id) / 65536;
    const kind = (code & 3) as IrqKind;
    const name = this.interruptName(kind, id, (code & 4) !== 0, sym);
    return { kind: kind === Irq.HARDIRQ ? 'hardirq' : kind === Irq.SOFTIRQ ? 'softirq' : 'nmi', name };
  }
}

/**
 * The one label of a source, in every output (terminal, chain, HTML report): "task stress 4312",
 * "process stress 4300", "hardirq local_timer/hrtimer_wakeup", "unknown (context unsure)". Names
 * come from the traced machine and are sanitized here (control and bidi characters escaped), so
 * callers only add their own escaping (HTML).
 */
export function sourceLabel(s: WakeSource): string {
  if (s.kind === 'task') {
    const work = s.work !== undefined ? ` running ${sanitize(s.work)}` : '';
    if (s.tid !== undefined) return `task ${sanitize(s.comm ?? '?')} ${s.tid}${work}`;
    return `process ${sanitize(s.comm ?? '?')} ${s.tgid ?? '?'}${work}`;
  }
  if (s.kind === 'unknown') return `unknown (${sanitize(s.name ?? '?')})`;
  return s.name !== undefined && s.name !== s.kind ? `${s.kind} ${sanitize(s.name)}` : s.kind;
}

/**
 * A waker with its cause: "task python3 4312 via softirq NET_RX", "softirq BLOCK raised by hardirq
 * irq 24 virtio1-req.0", "hardirq local_timer/hrtimer_wakeup armed by task app 17", "task script
 * 4312 via task kworker/u8:1 57 running flush_to_ldisc", or the source alone when it is its own
 * cause. Sanitized.
 */
export function wakerLabel(w: { source: WakeSource; cause?: WakeSource }): string {
  const c = w.cause;
  if (c === undefined) return sourceLabel(w.source);
  if (c.kind === 'task') return `${sourceLabel(c)} via ${sourceLabel(w.source)}`;
  if (c.kind === 'unknown') return `${sourceLabel(w.source)}, cause ${sourceLabel(c)}`;
  const verb =
    w.source.work !== undefined ? 'queued by' : w.source.name?.includes('/') === true ? 'armed by' : 'raised by';
  return `${sourceLabel(w.source)} ${verb} ${sourceLabel(c)}`;
}
