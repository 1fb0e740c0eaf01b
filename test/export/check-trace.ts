/**
 * Checks a decoded Perfetto trace against the capture it came from, event by
 * event: what the export promises, stated on the capture's own rows.
 */
import { expect } from 'vitest';
import type { EventRow } from '../../src/capture/event-batch.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { CommReason, Ctx, Flag, Kind } from '../../src/format/index.js';
import type { DecodedTrace, TraceEvent } from './perfetto-reader.js';

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
      if (e.commonFlags & (HARDIRQ | SOFTIRQ)) flagged++;
      let waker: number | undefined;
      if (e.form === 'full') waker = e.pid;
      else {
        // trace_processor takes a compact waking's waker from the switches before it on this CPU
        compact++;
        while (timeline[at] !== e) {
          if (timeline[at]!.name === 'sched_switch') current = timeline[at]!.fields.next_pid as number;
          at++;
        }
        waker = current;
      }
      wakingWant.push([cpu, r.ts + offset, r.tid, r.a, expectedCommonFlags(r.flags), r.tid2]);
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
  const tgidOf = new Map<number, number>();
  for (const r of rows) {
    if (r.kind === Kind.COMM && r.a > 0) tgidOf.set(r.tid, r.a);
    if (r.kind === Kind.FORK) tgidOf.set(r.tid, r.a);
  }
  const treeThreads = new Map<number, { tgid?: number; name?: string }>();
  for (const th of t.threads) treeThreads.set(th.tid, th);
  const treeProcesses = new Set(t.processes.map((p) => p.pid));
  for (const [tid, tgid] of tgidOf) {
    if (tid === tgid) expect(treeProcesses.has(tid), `process ${tid}`).toBe(true);
    else {
      expect(treeThreads.get(tid)?.tgid, `thread ${tid}`).toBe(tgid);
      if (lastComm.has(tid)) expect(treeThreads.get(tid)?.name).toBe(lastComm.get(tid));
    }
  }
  for (const p of t.processes) if (p.cmdlineIsComm && lastComm.has(p.pid)) expect(p.cmdline.length).toBe(1);
  return { switches: nSwitches, wakings: nWakings, irqFlagged: flagged, compactWakings: compact };
}
