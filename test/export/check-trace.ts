/**
 * Checks a decoded Perfetto trace against the capture it came from, event by
 * event: what the export promises, stated on the capture's own rows.
 */
import { expect } from 'vitest';
import type { EventRow } from '../../src/capture/event-batch.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { CommReason, Ctx, Flag, Kind } from '../../src/format/index.js';
import type { DecodedTrace, TraceEvent } from './perfetto-reader.js';
import { ImporterModel } from './importer-model.js';

const HARDIRQ = 0x08;
const SOFTIRQ = 0x10;
const NMI = 0x40;

/** The kernel trace flags a waking of this context must carry. */
export function expectedCommonFlags(flags: number): number {
  const ctx = flags & Flag.CTX_MASK;
  return ctx === Ctx.HARDIRQ ? HARDIRQ : ctx === Ctx.SOFTIRQ ? SOFTIRQ : ctx === Ctx.NMI ? NMI | HARDIRQ : 0;
}

/** Events of one name per CPU, in the order trace_processor reads them (by ts, ties in file order). */
function perCpu(events: readonly TraceEvent[], names: string[]): Map<number, TraceEvent[]> {
  const m = new Map<number, TraceEvent[]>();
  events.forEach((e) => {
    if (!names.includes(e.name)) return;
    const l = m.get(e.cpu) ?? [];
    l.push(e);
    m.set(e.cpu, l);
  });
  for (const l of m.values()) l.sort((x, y) => x.ts - y.ts);
  return m;
}

function rowsPerCpu(rows: readonly EventRow[], kind: number): Map<number, EventRow[]> {
  const m = new Map<number, EventRow[]>();
  for (const r of rows) {
    if (r.kind !== kind) continue;
    const l = m.get(r.cpu) ?? [];
    l.push(r);
    m.set(r.cpu, l);
  }
  return m;
}

export interface TraceCheck {
  switches: number;
  wakings: number;
  irqFlagged: number;
  compactWakings: number;
}

/** Every switch and waking exactly once, per-CPU order, timestamps, flags, wakers, process tree and renames. */
export function checkTrace(meta: CaptureMeta, rows: readonly EventRow[], t: DecodedTrace): TraceCheck {
  const offset = meta.bootOffsetNs ?? 0;

  // Header packets and one sequence.
  expect(t.packetKinds.slice(0, 2)).toEqual(['system_info', 'clock_snapshot']);
  expect(t.systemInfo).toMatchObject({ sysname: 'Linux', release: meta.kernel, numCpus: meta.cpus });
  expect(t.clocks.get(6)).toBe(BigInt(Math.round(meta.startNs + offset)));
  expect(t.clocks.get(3)).toBe(BigInt(Math.round(meta.startNs)));
  const wallNs = Number(t.clocks.get(1)!);
  expect(Math.abs(wallNs - (meta.startNs + meta.clockOffsetMs * 1e6))).toBeLessThan(1e4);
  expect([...t.sequenceIds]).toEqual([1]);

  // Per CPU, bundles follow each other in time.
  const lastTs = new Map<number, number>();
  for (const b of t.bundles) {
    if (b.events.length === 0) continue;
    const min = Math.min(...b.events.map((e) => e.ts));
    expect(min).toBeGreaterThanOrEqual(lastTs.get(b.cpu) ?? 0);
    lastTs.set(b.cpu, Math.max(...b.events.map((e) => e.ts)));
  }

  // Switches: each once, in per-CPU order; a compact one's prev is the CPU's previous next.
  const switchRows = rowsPerCpu(rows, Kind.SWITCH);
  const switches = perCpu(t.events, ['sched_switch']);
  let nSwitches = 0;
  const switchWant: unknown[] = [];
  const switchGot: unknown[] = [];
  for (const [cpu, want] of switchRows) {
    const got = switches.get(cpu) ?? [];
    expect(got.length, `switches on cpu ${cpu}`).toBe(want.length);
    let current = -1;
    want.forEach((r, i) => {
      const e = got[i]!;
      const preempted = (r.flags & Flag.PREEMPT) !== 0;
      const state = preempted ? 'R+' : r.a === 0 ? 'R' : 'sleep';
      const gotState = e.fields.prev_state === 0x100 ? 'R+' : e.fields.prev_state === 0 ? 'R' : 'sleep';
      switchWant.push([cpu, r.ts + offset, r.tid, r.b, r.tid2, r.c, state]);
      const prev = e.form === 'full' ? [e.fields.prev_pid, e.fields.prev_prio] : [current, r.b];
      switchGot.push([cpu, e.ts, prev[0], prev[1], e.fields.next_pid, e.fields.next_prio, gotState]);
      current = e.fields.next_pid as number;
      nSwitches++;
    });
  }
  expect(switchGot).toEqual(switchWant);
  expect([...switches.values()].flat().length).toBe(nSwitches);

  // Wakings: each once, in per-CPU order, target and flags as the capture says, waker = the thread on the CPU.
  const wakingRows = rowsPerCpu(rows, Kind.WAKING);
  const wakings = perCpu(t.events, ['sched_waking']);
  const allEvents = perCpu(t.events, ['sched_switch', 'sched_waking']);
  let nWakings = 0;
  let flagged = 0;
  let compact = 0;
  const wakingWant: unknown[] = [];
  const wakingGot: unknown[] = [];
  for (const [cpu, want] of wakingRows) {
    const got = wakings.get(cpu) ?? [];
    expect(got.length, `wakings on cpu ${cpu}`).toBe(want.length);
    const timeline = allEvents.get(cpu)!;
    let at = 0;
    let current = -1;
    want.forEach((r, i) => {
      const e = got[i]!;
      const irq = (e.commonFlags & (HARDIRQ | SOFTIRQ)) !== 0;
      if (irq) flagged++;
      // trace_processor takes a compact waking's waker from the switches before it on this CPU
      while (timeline[at] !== e) {
        if (timeline[at]!.name === 'sched_switch') current = timeline[at]!.fields.next_pid as number;
        at++;
      }
      let waker: number | undefined;
      let wantWaker = r.tid2;
      if (e.form === 'full') {
        waker = e.pid;
        // it reads the irq context only from compact wakings: whole only before the CPU's first switch
        if (irq) expect(current, `interrupt waking at ${e.ts} written whole after a switch`).toBe(-1);
      } else {
        compact++;
        waker = current;
        // an interrupt waking is compact once the CPU has a thread, the interrupted one as trace_processor sees it
        if (irq && r.tid2 !== current) wantWaker = current;
      }
      wakingWant.push([cpu, r.ts + offset, r.tid, r.a, expectedCommonFlags(r.flags), wantWaker]);
      wakingGot.push([cpu, e.ts, e.fields.pid, e.fields.target_cpu, e.commonFlags, waker]);
      nWakings++;
    });
  }
  expect(wakingGot).toEqual(wakingWant);
  expect([...wakings.values()].flat().length).toBe(nWakings);

  // wakeup_new: each once, with its context flags.
  const news = rows.filter((r) => r.kind === Kind.WAKEUP_NEW);
  const gotNew = t.events.filter((e) => e.name === 'sched_wakeup_new');
  expect(gotNew.length).toBe(news.length);
  expect(gotNew.map((e) => e.commonFlags).sort()).toEqual(news.map((r) => expectedCommonFlags(r.flags)).sort());

  // Renames: one task_rename per COMM row of reason rename or exec, old -> new as the capture has them.
  const lastComm = new Map<number, string>();
  const renames: Array<[number, number, string, string]> = [];
  for (const r of rows) {
    if (r.kind !== Kind.COMM) continue;
    if (r.flags === CommReason.RENAME || r.flags === CommReason.EXEC)
      renames.push([r.ts + offset, r.tid, lastComm.get(r.tid) ?? '', r.name ?? '']);
    lastComm.set(r.tid, r.name ?? '');
  }
  const byTs = (x: [number, number, string, string], y: [number, number, string, string]) => x[0] - y[0] || x[1] - y[1];
  const gotRenames = t.events
    .filter((e) => e.name === 'task_rename')
    .map((e): [number, number, string, string] => [
      e.ts,
      e.fields.pid as number,
      e.fields.oldcomm as string,
      e.fields.newcomm as string,
    ]);
  expect(gotRenames.sort(byTs)).toEqual(renames.sort(byTs));

  // Process tree: every thread of the capture with its process; its last name is the capture's last comm.
  const tgidOf = new Map<number, number>(); // the last known tgid of each tid
  for (const r of rows) {
    if (r.kind === Kind.COMM && r.a > 0) tgidOf.set(r.tid, r.a);
    if (r.kind === Kind.FORK) tgidOf.set(r.tid, r.a);
  }
  // Every thread has an entry naming its process and, last in time, its last name (main threads too).
  const treeThreads = new Map<number, { tgid?: number; name?: string }>();
  for (const th of [...t.threads].sort((x, y) => x.ts - y.ts)) treeThreads.set(th.tid, th);
  for (const [tid, tgid] of tgidOf) {
    expect(treeThreads.get(tid)?.tgid, `thread ${tid}`).toBe(tgid);
    if (lastComm.has(tid)) expect(treeThreads.get(tid)?.name).toBe(lastComm.get(tid));
  }
  for (const p of t.processes) {
    expect(p.cmdline.length, `process ${p.pid} has a cmdline`).toBe(1);
    if (p.cmdlineIsComm && lastComm.has(p.pid)) expect(t.threads.some((th) => th.tid === p.pid)).toBe(true);
  }

  // Exits: one sched_process_exit per EXIT row; each sched_process_free after its thread's last switch.
  const exits = rows.filter((r) => r.kind === Kind.EXIT);
  const gotExits = t.events.filter((e) => e.name === 'sched_process_exit');
  expect(gotExits.map((e) => [e.ts, e.fields.pid, e.fields.tgid]).sort()).toEqual(
    exits.map((r) => [r.ts + offset, r.tid, r.a]).sort(),
  );
  checkFrees(rows, t, offset);

  checkThreadModel(rows, t);
  return { switches: nSwitches, wakings: nWakings, irqFlagged: flagged, compactWakings: compact };
}

/**
 * sched_process_free: only for a thread whose exit the capture has, after every switch that names
 * it (trace_processor forgets the tid at the free); a group leader's after each of its threads'.
 */
function checkFrees(rows: readonly EventRow[], t: DecodedTrace, offset: number): void {
  const exited = new Set(rows.filter((r) => r.kind === Kind.EXIT).map((r) => r.tid));
  const lastSwitch = new Map<number, number>();
  for (const r of rows)
    if (r.kind === Kind.SWITCH) {
      lastSwitch.set(r.tid, r.ts + offset);
      lastSwitch.set(r.tid2, r.ts + offset);
    }
  const tgid = new Map<number, number>();
  for (const r of rows)
    if ((r.kind === Kind.FORK || r.kind === Kind.EXIT || r.kind === Kind.COMM) && r.a > 0) tgid.set(r.tid, r.a);
  const frees = t.events.filter((e) => e.name === 'sched_process_free');
  const freedAt = new Map<number, number>();
  for (const e of frees) {
    const tid = e.fields.pid as number;
    expect(exited.has(tid), `free of ${tid} without an exit`).toBe(true);
    expect(e.ts, `free of ${tid} before its last switch`).toBeGreaterThanOrEqual(lastSwitch.get(tid) ?? Infinity);
    expect(freedAt.has(tid), `tid ${tid} freed twice`).toBe(false);
    freedAt.set(tid, e.ts);
  }
  for (const [tid, ts] of freedAt) {
    const leader = tgid.get(tid);
    if (leader !== undefined && leader !== tid && freedAt.has(leader))
      expect(freedAt.get(leader)!, `leader ${leader} freed before its thread ${tid}`).toBeGreaterThanOrEqual(ts);
  }
}

/**
 * The threads trace_processor makes of the trace (ImporterModel): a tid has one thread per life
 * the capture shows (one, and one more per fork of the tid after the first), each in the process
 * the capture says, named last by the capture's last name for it; every process appears.
 */
export function checkThreadModel(rows: readonly EventRow[], t: DecodedTrace): ImporterModel {
  const m = ImporterModel.of(t);
  const tgids = new Map<number, Set<number>>();
  const lastComm = new Map<number, string>();
  const lives = new Map<number, number>();
  const seen = new Set<number>();
  const see = (tid: number) => {
    if (tid > 0 && !seen.has(tid)) {
      seen.add(tid);
      lives.set(tid, 1);
    }
  };
  for (const r of rows) {
    if (r.kind === Kind.FORK) {
      lives.set(r.tid, seen.has(r.tid) ? (lives.get(r.tid) ?? 0) + 1 : 1);
      seen.add(r.tid);
      see(r.tid2);
    } else if (r.kind === Kind.SWITCH || r.kind === Kind.WAKING || r.kind === Kind.WAKEUP_NEW) {
      see(r.tid);
      see(r.tid2);
    } else if (r.kind === Kind.COMM || r.kind === Kind.EXEC || r.kind === Kind.EXIT) see(r.tid);
    if ((r.kind === Kind.FORK || r.kind === Kind.COMM || r.kind === Kind.EXEC || r.kind === Kind.EXIT) && r.a > 0) {
      const s = tgids.get(r.tid) ?? new Set();
      s.add(r.a);
      tgids.set(r.tid, s);
    }
    if (r.kind === Kind.COMM) lastComm.set(r.tid, r.name ?? '');
  }
  const byTid = m.threadsByTid();
  const extra: unknown[] = [];
  const homeless: unknown[] = [];
  const misnamed: unknown[] = [];
  for (const [tid, threads] of byTid) {
    if (threads.length > (lives.get(tid) ?? 1)) extra.push([tid, threads.length, lives.get(tid) ?? 1]);
    const want = tgids.get(tid);
    if (want !== undefined)
      for (const th of threads) {
        const pid = th.upid === undefined ? undefined : m.processes[th.upid]!.pid;
        if (pid === undefined || !want.has(pid)) homeless.push([tid, th.utid, pid, [...want]]);
      }
    const name = threads.at(-1)!.name ?? '';
    if (lastComm.has(tid) && name !== lastComm.get(tid)) misnamed.push([tid, name, lastComm.get(tid)]);
  }
  expect(extra, 'tids that trace_processor makes more threads of than the capture has lives').toEqual([]);
  expect(homeless, 'threads without their process').toEqual([]);
  expect(misnamed, 'threads whose name is not their last').toEqual([]);
  const pids = new Set(m.processes.map((p) => p.pid));
  const leaders = [...tgids.values()].flatMap((s) => [...s]);
  expect(
    leaders.filter((p) => !pids.has(p)),
    'processes missing',
  ).toEqual([]);
  expect(m.errors).toBe(0);
  return m;
}
