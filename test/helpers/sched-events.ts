/** Builders of scheduler event rows for hand-written sequences (times in µs after the capture start). */
import type { EventRow } from '../../src/capture/event-batch.js';
import { CommReason, Ctx, Flag, Kind } from '../../src/format/index.js';

/** Capture start used by testMeta(): event times below are relative to it. */
export const T0 = 1_000_000;
export const us = (t: number): number => T0 + t * 1000;

export const S = 1;
export const D = 2;
export const R = 0;
export const IDLE_I = 0x402;
export const DEAD = 0x80;

const row = (over: Partial<EventRow> & Pick<EventRow, 'ts' | 'kind'>): EventRow => ({
  cpu: 0,
  flags: 0,
  tid: 0,
  tid2: 0,
  a: 0,
  b: 0,
  c: 0,
  ...over,
});

export function comm(tid: number, tgid: number, name: string, t = 0, reason: number = CommReason.SEEN): EventRow {
  return row({ ts: us(t), kind: Kind.COMM, tid, a: tgid, flags: reason, name });
}

/** prev switches out in `state` on cpu, next switches in. */
export function sw(t: number, cpu: number, prev: number, next: number, state = S, preempt = false): EventRow {
  return row({ ts: us(t), cpu, kind: Kind.SWITCH, tid: prev, tid2: next, a: state, flags: preempt ? Flag.PREEMPT : 0 });
}

export interface WakeOpts {
  ctx?: number;
  sysvec?: boolean;
  /** Context id: system vector, irq number or softirq vector. */
  id?: number;
  sym?: number;
  extra?: number;
  targetCpu?: number;
}

/** `target` woken on `cpu` while `current` is on it. */
export function wake(t: number, cpu: number, target: number, current: number, o: WakeOpts = {}): EventRow {
  let flags = (o.ctx ?? Ctx.TASK) | (o.sysvec === true ? Flag.SYSVEC : 0) | (o.extra ?? 0);
  if (current === 0) flags |= Flag.IDLE;
  return row({
    ts: us(t),
    cpu,
    kind: Kind.WAKING,
    tid: target,
    tid2: current,
    a: o.targetCpu ?? cpu,
    b: o.id ?? 0,
    c: o.sym ?? 0,
    flags,
  });
}

/** An hrtimer wakeup (local_timer vector, callback symbol `sym`). */
export function hrtimerWake(t: number, cpu: number, target: number, current: number, sym = 1): EventRow {
  return wake(t, cpu, target, current, { ctx: Ctx.HARDIRQ, sysvec: true, id: 1, sym });
}

export function wakeNew(t: number, cpu: number, child: number, parent: number): EventRow {
  return { ...wake(t, cpu, child, parent), kind: Kind.WAKEUP_NEW };
}

export function sym(id: number, name: string): EventRow {
  return row({ ts: us(0), kind: Kind.SYM, c: id, name });
}

export function irqName(irq: number, name: string): EventRow {
  return row({ ts: us(0), kind: Kind.IRQ_NAME, a: irq, name });
}

export function fork(t: number, child: number, parent: number, childTgid: number, parentTgid: number): EventRow {
  return row({ ts: us(t), kind: Kind.FORK, tid: child, tid2: parent, a: childTgid, b: parentTgid });
}

export function exit(t: number, tid: number, tgid: number): EventRow {
  return row({ ts: us(t), kind: Kind.EXIT, tid, a: tgid });
}

export function irq(t0: number, t1: number, cpu: number, id: number, sysvec = false): EventRow[] {
  const flags = sysvec ? Flag.SYSVEC : 0;
  return [
    row({ ts: us(t0), cpu, kind: Kind.IRQ_ENTRY, a: id, flags }),
    row({ ts: us(t1), cpu, kind: Kind.IRQ_EXIT, a: id, flags }),
  ];
}

export function softirq(t0: number, t1: number, cpu: number, vec: number): EventRow[] {
  return [
    row({ ts: us(t0), cpu, kind: Kind.SOFTIRQ_ENTRY, a: vec }),
    row({ ts: us(t1), cpu, kind: Kind.SOFTIRQ_EXIT, a: vec }),
  ];
}

/** The context of a raise or an arming: a task (ctx TASK, tid = current) or an interrupt (ctx, id). */
export interface CauseCtx {
  ctx?: number;
  id?: number;
  sysvec?: boolean;
}

function causeFlags(o: CauseCtx): number {
  return (o.ctx ?? Ctx.TASK) | (o.sysvec === true ? Flag.SYSVEC : 0);
}

/** SOFTIRQ_RAISE of `vec` on cpu while `current` runs, in context `o`. */
export function raise(t: number, cpu: number, vec: number, current: number, o: CauseCtx = {}): EventRow {
  return row({ ts: us(t), cpu, kind: Kind.SOFTIRQ_RAISE, a: vec, tid: current, b: o.id ?? 0, flags: causeFlags(o) });
}

/** HRTIMER_START of timer `timer` (callback symbol `sym`, expiring after `afterUs`) by `current` in context `o`. */
export function armHrtimer(
  t: number,
  cpu: number,
  timer: number,
  current: number,
  sym: number,
  afterUs: number,
  o: CauseCtx = {},
): EventRow {
  return row({
    ts: us(t),
    cpu,
    kind: Kind.HRTIMER_START,
    a: timer,
    tid: current,
    tid2: afterUs,
    b: o.id ?? 0,
    c: sym,
    flags: causeFlags(o),
  });
}

/** TIMER_EXPIRE: timer `timer`'s callback `sym` about to wake someone on cpu (in the local_timer interrupt). */
export function expire(t: number, cpu: number, timer: number, sym: number, current = 0): EventRow {
  return row({
    ts: us(t),
    cpu,
    kind: Kind.TIMER_EXPIRE,
    a: timer,
    c: sym,
    tid: current,
    b: 1,
    flags: Ctx.HARDIRQ | Flag.SYSVEC,
  });
}

/** WORK_QUEUE of item `work` (function symbol `sym`) by `current` in context `o`, on `targetCpu` (-1 unbound). */
export function queueWork(
  t: number,
  cpu: number,
  work: number,
  current: number,
  sym: number,
  o: CauseCtx = {},
  targetCpu = -1,
): EventRow {
  return row({
    ts: us(t),
    cpu,
    kind: Kind.WORK_QUEUE,
    a: work,
    tid: current,
    tid2: targetCpu,
    b: o.id ?? 0,
    c: sym,
    flags: causeFlags(o),
  });
}

/** WORK_START / WORK_END of item `work` by worker `current` (task context), or in a softirq (`o`). */
export function runWork(
  t0: number,
  t1: number,
  cpu: number,
  work: number,
  current: number,
  sym: number,
  o: CauseCtx = {},
): EventRow[] {
  const flags = causeFlags(o);
  return [
    row({ ts: us(t0), cpu, kind: Kind.WORK_START, a: work, tid: current, b: o.id ?? 0, c: sym, flags }),
    row({ ts: us(t1), cpu, kind: Kind.WORK_END, a: work, tid: current, b: o.id ?? 0, flags }),
  ];
}

/** TIMER_START of a timer_list timer (callback symbol `sym`) by `current` in context `o`. */
export function armTimer(
  t: number,
  cpu: number,
  timer: number,
  current: number,
  sym: number,
  o: CauseCtx = {},
): EventRow {
  return { ...armHrtimer(t, cpu, timer, current, sym, 4000, o), kind: Kind.TIMER_START };
}

/** TIMER_EXPIRE of a timer_list timer's callback in the TIMER softirq on cpu. */
export function expireInSoftirq(t: number, cpu: number, timer: number, sym: number, current = 0): EventRow {
  return row({ ts: us(t), cpu, kind: Kind.TIMER_EXPIRE, a: timer, c: sym, tid: current, b: 1, flags: Ctx.SOFTIRQ });
}
