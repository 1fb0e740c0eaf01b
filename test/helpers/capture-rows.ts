import { openCapture } from '../../src/capture/index.js';
import { rowAt, type EventRow } from '../../src/capture/event-batch.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { Flag, Kind } from '../../src/format/index.js';

export interface CaptureRows {
  meta: CaptureMeta;
  rows: EventRow[];
  /** tid -> latest comm seen in COMM rows. */
  comm: Map<number, string>;
  /** symbol id -> name, from SYM rows. */
  sym: Map<number, string>;
}

/** Every event of a capture as plain rows (small captures only: tests). */
export async function readRows(path: string): Promise<CaptureRows> {
  const cap = await openCapture(path);
  const rows: EventRow[] = [];
  try {
    for await (const b of cap.batches()) for (let i = 0; i < b.length; i++) rows.push(rowAt(b, i));
  } finally {
    cap.close();
  }
  const comm = new Map<number, string>();
  const sym = new Map<number, string>();
  for (const r of rows) {
    if (r.kind === Kind.COMM && r.name !== undefined) comm.set(r.tid, r.name);
    if (r.kind === Kind.SYM && r.name !== undefined) sym.set(r.c, r.name);
  }
  return { meta: cap.meta, rows, comm, sym };
}

/** A waking that ended a sleep, as the raw records show it. */
export interface RawSleepEnd {
  ts: number;
  cpu: number;
  tid: number;
  /** The task current on the waking CPU (0: idle). */
  current: number;
  /** The waking's context: Ctx.TASK, HARDIRQ, SOFTIRQ or NMI. */
  ctx: number;
  /** The kernel's state bits when the thread left the CPU (1: interruptible S, 2: D). */
  state: number;
}

/**
 * Sleeps of `tid` and how each ended, from the raw records alone (not the engine's reading): the
 * thread left the CPU not runnable (prev_state ≠ 0) and not preempted, and the next waking of it
 * ended the sleep. Also: its switch-outs that left it runnable (preemptions), and what the records
 * lack (a sleep ended with no waking recorded, two switches in or out in a row).
 */
export function rawSleeps(
  rows: readonly EventRow[],
  tid: number,
): { ends: RawSleepEnd[]; preempted: EventRow[]; unwoken: number; broken: number } {
  const ends: RawSleepEnd[] = [];
  const preempted: EventRow[] = [];
  let asleep = false;
  let state = 0;
  let on: boolean | null = null;
  /** Sleeps that ended in a switch-in with no waking recorded: the kernel left the waking out. */
  let unwoken = 0;
  /** Switches that contradict the previous one (in twice, out twice): a switch left out. */
  let broken = 0;
  for (const e of rows) {
    if (e.kind === Kind.SWITCH) {
      if (e.tid === tid) {
        if (on === false) broken++;
        on = false;
        asleep = e.a !== 0 && (e.flags & Flag.PREEMPT) === 0;
        state = e.a;
        if (!asleep) preempted.push(e);
      }
      if (e.tid2 === tid) {
        if (on === true) broken++;
        if (asleep) unwoken++;
        on = true;
        asleep = false;
      }
    } else if (e.kind === Kind.WAKING && e.tid === tid && asleep) {
      ends.push({ ts: e.ts, cpu: e.cpu, tid, current: e.tid2, ctx: e.flags & Flag.CTX_MASK, state });
      asleep = false;
    }
  }
  return { ends, preempted, unwoken, broken };
}

/** Events in a capture being written (0 while it cannot be read yet). */
export async function eventsIn(file: string): Promise<number> {
  try {
    const cap = await openCapture(file);
    let n = 0;
    try {
      for await (const b of cap.batches()) n += b.length;
    } finally {
      cap.close();
    }
    return n;
  } catch {
    return 0;
  }
}
