import { describe, expect, it } from 'vitest';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  existsSync,
  mkdirSync,
} from 'node:fs';
import os, { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { exportCapture } from '../../src/api.js';
import { summarizeCapture, openCapture } from '../../src/capture/index.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import type { CaptureMeta } from '../../src/capture/index.js';
import { analyze } from '../../src/analyze/index.js';
import { exportPerfetto } from '../../src/export/perfetto/export-perfetto.js';
import { EXPORTED_KINDS, NOT_EXPORTED_KINDS } from '../../src/export/index.js';
import * as schema from '../../src/export/perfetto/schema.js';
import { Ctx, Flag, Kind, CommReason, TASK_IDLE, TaskState } from '../../src/format/index.js';
import { readRows } from '../helpers/capture-rows.js';
import { cli, expectOneLineError } from '../helpers/cli.js';
import { skipRecording } from '../helpers/root.js';
import { record } from '../../src/record/recorder.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { decodeTrace } from './perfetto-reader.js';
import { checkThreadModel, checkTrace, expectedCommonFlags } from './check-trace.js';
import { REASON_IID_BASE } from '../../src/export/perfetto/translate.js';
import { sleepReasonOf } from '../../src/analyze/index.js';
import { msg } from '../../src/messages.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
const ROOT = path.resolve(__dirname, '../..');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'lifeline-export-'));

async function exportBytes(rows: EventRow[], meta: Parameters<typeof memoryCapture>[1]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await exportPerfetto(memoryCapture(rows, meta), { from: -Infinity, to: Infinity }, (b) => parts.push(b));
  return Buffer.concat(parts);
}

/** The note every output gives about tracepoints this kernel lacks (the diagnostics catalogue), naming them. */
function skippedNote(meta: CaptureMeta): unknown[] {
  return meta.skippedTracepoints.length > 0
    ? [expect.stringMatching(new RegExp(`^note: tracepoints missing .*: ${meta.skippedTracepoints.join(', ')}$`))]
    : [];
}

describe('lifeline export --to perfetto', () => {
  it("uses the field numbers of Perfetto's protos", () => {
    // Typed from google/perfetto protos/perfetto/trace/…, independently of schema.ts.
    expect(schema.TraceField).toEqual({ packet: 1 });
    expect(schema.PacketField).toEqual({
      ftraceEvents: 1,
      processTree: 2,
      clockSnapshot: 6,
      timestamp: 8,
      trustedPacketSequenceId: 10,
      internedData: 12,
      sequenceFlags: 13,
      systemInfo: 45,
      trackEvent: 11,
      trackDescriptor: 60,
    });
    // the critical paths' tracks (track_descriptor.proto, track_event.proto, debug_annotation.proto)
    expect(schema.TrackDescriptorField).toEqual({ uuid: 1, name: 2 });
    expect(schema.TrackEventField).toEqual({ debugAnnotations: 4, type: 9, trackUuid: 11, name: 23 });
    expect(schema.TrackEventType).toEqual({ SLICE_BEGIN: 1, SLICE_END: 2 });
    expect(schema.DebugAnnotationField).toEqual({ stringValue: 6, name: 10 });
    expect(schema.BundleField).toEqual({ cpu: 1, event: 2, lostEvents: 3, compactSched: 4 });
    expect(schema.CompactSchedField).toEqual({
      switchTimestamp: 1,
      switchPrevState: 2,
      switchNextPid: 3,
      switchNextPrio: 4,
      internTable: 5,
      switchNextCommIndex: 6,
      wakingTimestamp: 7,
      wakingPid: 8,
      wakingTargetCpu: 9,
      wakingPrio: 10,
      wakingCommIndex: 11,
      wakingCommonFlags: 12,
    });
    expect(schema.EventId).toEqual({
      schedSwitch: 4,
      workqueueExecuteEnd: 57,
      workqueueExecuteStart: 58,
      schedBlockedReason: 18,
      schedWaking: 20,
      softirqEntry: 24,
      softirqExit: 25,
      softirqRaise: 26,
      irqHandlerEntry: 36,
      irqHandlerExit: 37,
      schedWakeupNew: 114,
      taskNewtask: 235,
      taskRename: 236,
      schedProcessExec: 237,
      schedProcessExit: 238,
      schedProcessFree: 240,
      hrtimerExpireEntry: 553,
      hrtimerExpireExit: 554,
      localTimerEntry: 559,
      localTimerExit: 560,
    });
    expect(schema.SchedSwitchField).toEqual({
      prevComm: 1,
      prevPid: 2,
      prevPrio: 3,
      prevState: 4,
      nextComm: 5,
      nextPid: 6,
      nextPrio: 7,
    });
    expect(schema.ProcessField).toEqual({ pid: 1, ppid: 2, cmdline: 3, cmdlineIsComm: 9 });
    expect(schema.ThreadField).toEqual({ tid: 1, name: 2, tgid: 3 });
    expect(schema.SystemInfoField).toEqual({ utsname: 1, numCpus: 8, timezoneOffMins: 7 });
    expect(schema.BuiltinClock).toEqual({ REALTIME: 1, MONOTONIC: 3, BOOTTIME: 6 });
    expect(schema.HrtimerExpireEntryField).toEqual({ hrtimer: 1, now: 2, function: 3 });
    // ftrace/sched.proto SchedBlockedReasonFtraceEvent
    expect(schema.SchedBlockedReasonField).toEqual({ pid: 1, caller: 2, ioWait: 3 });
    expect(schema.HrtimerExpireExitField).toEqual({ hrtimer: 1 });
    expect(schema.InternedDataField).toEqual({ kernelSymbols: 26 });
    expect(schema.InternedStringField).toEqual({ iid: 1, str: 2 });
  });

  it('maps every kind of the contract or says why not', () => {
    for (const name of Object.keys(Kind)) {
      const mapped = name in EXPORTED_KINDS;
      const listed = name in NOT_EXPORTED_KINDS;
      expect(mapped !== listed, `${name}: mapped ${mapped}, listed as not exported ${listed}`).toBe(true);
    }
  });

  it('skips a kind it does not know, and counts it', async () => {
    const rows: EventRow[] = [
      { ts: 2_000_000, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 0, tid2: 10, a: 0, b: 120, c: 120 },
      { ts: 2_000_100, cpu: 0, kind: 200, flags: 0, tid: 10, tid2: 0, a: 1, b: 2, c: 3 },
      { ts: 2_000_200, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 10, tid2: 0, a: 1, b: 120, c: 120 },
    ];
    const parts: Uint8Array[] = [];
    const res = await exportPerfetto(memoryCapture(rows), { from: -Infinity, to: Infinity }, (b) => parts.push(b));
    expect(res.skipped).toEqual({ 'kind 200': 1 });
    const t = decodeTrace(Buffer.concat(parts));
    expect(t.events.map((e) => e.name)).toEqual(['sched_switch', 'sched_switch']);
  });

  for (const name of [
    'sleeper-stress.arrow',
    'sleeper-stress.db',
    'pingpong.db',
    'ring.db',
    'format1/sleeper-stress.arrow',
  ]) {
    it(`${name}: every switch and waking once, in per-CPU order, flags where the capture has interrupt context`, async () => {
      const dir = tmp();
      try {
        const capPath = path.join(fixtures, name);
        const out = path.join(dir, 'x.pftrace');
        const res = await exportCapture(capPath, { out });
        const old = name.startsWith('format1/');
        expect(res.bootOffsetAssumed).toBe(old);
        // a capture recorded before the clock offset and the hrtimer expiry spans: one line each
        const capMeta = (await readRows(capPath)).meta;
        expect(res.notes).toEqual([
          ...skippedNote(capMeta),
          ...(old ? [msg.exportNoBootOffset(), msg.exportNoExpirySpans()] : []),
        ]);
        const { meta, rows } = await readRows(capPath);
        const t = decodeTrace(readFileSync(out));
        const check = checkTrace(meta, rows, t);

        // The counts `info` prints, kind by kind.
        const cap = await openCapture(capPath);
        const summary = await summarizeCapture(cap);
        cap.close();
        const count = (n: string) => t.events.filter((e) => e.name === n).length;
        expect(check.switches).toBe(summary.kinds.switch);
        expect(check.wakings).toBe(summary.kinds.waking);
        expect(count('sched_wakeup_new')).toBe(summary.kinds.wakeup_new ?? 0);
        expect(count('task_newtask')).toBe(summary.kinds.fork ?? 0);
        expect(count('sched_process_exec')).toBe(summary.kinds.exec ?? 0);
        expect(count('sched_process_exit')).toBe(summary.kinds.exit ?? 0);
        expect(count('irq_handler_entry') + count('local_timer_entry')).toBe(summary.kinds.irq_entry ?? 0);
        expect(count('irq_handler_exit') + count('local_timer_exit')).toBe(summary.kinds.irq_exit ?? 0);
        expect(count('softirq_entry')).toBe(summary.kinds.softirq_entry ?? 0);
        expect(count('softirq_exit')).toBe(summary.kinds.softirq_exit ?? 0);
        expect(count('softirq_raise')).toBe(summary.kinds.softirq_raise ?? 0);
        // Most wakings are compact (the form whose flags trace_processor reads).
        expect(check.compactWakings).toBeGreaterThan(check.wakings * 0.9);

        // Interrupt-context wakings: exactly the capture's hardirq/softirq/NMI WAKING rows are flagged …
        const irqRows = rows.filter((r) => r.kind === Kind.WAKING && (r.flags & Flag.CTX_MASK) !== Ctx.TASK);
        expect(check.irqFlagged).toBe(irqRows.length);
        expect(summary.wakeups.hardirq + summary.wakeups.softirq + summary.wakeups.nmi).toBe(
          irqRows.length +
            rows.filter((r) => r.kind === Kind.WAKEUP_NEW && (r.flags & Flag.CTX_MASK) !== Ctx.TASK).length,
        );
        // … which are the engine's interrupt wakeups with a task on the CPU (WAKING and WAKEUP_NEW):
        // each is reattributed (caused by someone else), caused by that task (onCpuCause) or of
        // unknown cause; less the interrupt wakeups with no task on the CPU (idle, or context not
        // yet known) and the spurious ones (target still runnable, at most the ON_RQ rows).
        const { result } = await analyze(await openCapture(capPath));
        const sure = (r: EventRow) => r.tid2 !== 0 && (r.flags & Flag.UNSURE) === 0;
        const noTask = irqRows.filter((r) => !sure(r)).length;
        const onRq = irqRows.filter((r) => sure(r) && (r.flags & Flag.ON_RQ) !== 0).length;
        const irqNew = rows.filter(
          (r) => r.kind === Kind.WAKEUP_NEW && (r.flags & Flag.CTX_MASK) !== Ctx.TASK && sure(r),
        ).length;
        const expected = check.irqFlagged - noTask + irqNew;
        expect(result.reattributed + (result.onCpuCause ?? 0)).toBeLessThanOrEqual(expected);
        expect(result.reattributed + (result.onCpuCause ?? 0) + (result.unknownCause ?? 0)).toBeGreaterThanOrEqual(
          expected - onRq,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('adds the BOOTTIME − MONOTONIC offset of the capture to every timestamp', async () => {
    const off = 7_123_456_789;
    const rows: EventRow[] = [
      {
        ts: 2_000_000,
        cpu: 0,
        kind: Kind.COMM,
        flags: CommReason.SEEN,
        tid: 10,
        tid2: 0,
        a: 10,
        b: 0,
        c: 0,
        name: 'a',
      },
      { ts: 2_000_000, cpu: 1, kind: Kind.SWITCH, flags: 0, tid: 0, tid2: 11, a: 0, b: 120, c: 120 },
      { ts: 2_000_500, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 0, tid2: 10, a: 0, b: 120, c: 120 },
      {
        ts: 2_001_000,
        cpu: 0,
        kind: Kind.WAKING,
        flags: Ctx.HARDIRQ | Flag.SYSVEC,
        tid: 11,
        tid2: 10,
        a: 1,
        b: 1,
        c: 0,
      },
      { ts: 2_001_500, cpu: 1, kind: Kind.SWITCH, flags: 0, tid: 11, tid2: 0, a: 1, b: 120, c: 120 },
      { ts: 2_002_000, cpu: 1, kind: Kind.WAKING, flags: Ctx.SOFTIRQ, tid: 10, tid2: 0, a: 0, b: 1, c: 0 },
      { ts: 2_002_500, cpu: 0, kind: Kind.SWITCH, flags: Flag.PREEMPT, tid: 10, tid2: 11, a: 0, b: 120, c: 120 },
    ];
    const meta = { bootOffsetNs: off, startNs: 1_000_000 };
    const t = decodeTrace(await exportBytes(rows, meta));
    const check = checkTrace({ ...memoryCapture(rows, meta).meta }, rows, t);
    expect(check).toMatchObject({ switches: 4, wakings: 2, irqFlagged: 2 });
    expect(t.events.map((e) => e.ts).sort()).toEqual(
      rows
        .filter((r) => r.kind !== Kind.COMM)
        .map((r) => r.ts + off)
        .sort(),
    );
    expect(t.clocks.get(6)! - t.clocks.get(3)!).toBe(BigInt(off));
  });

  it('keeps a hostile comm (bytes that are not UTF-8, quotes, <script>) as a string field', async () => {
    const hostile = new TextDecoder().decode(new Uint8Array([0xff, 0xfe, 0x22, 0x27, ...Buffer.from('<script>')]));
    const rows: EventRow[] = [
      {
        ts: 2_000_000,
        cpu: 0,
        kind: Kind.COMM,
        flags: CommReason.SEEN,
        tid: 10,
        tid2: 0,
        a: 9,
        b: 0,
        c: 0,
        name: 'sh',
      },
      {
        ts: 2_000_010,
        cpu: 0,
        kind: Kind.COMM,
        flags: CommReason.RENAME,
        tid: 10,
        tid2: 0,
        a: 9,
        b: 0,
        c: 0,
        name: hostile,
      },
      { ts: 2_000_020, cpu: 0, kind: Kind.EXEC, flags: 0, tid: 9, tid2: 9, a: 9, b: 0, c: 0, name: `/tmp/${hostile}` },
      { ts: 2_000_100, cpu: 0, kind: Kind.SWITCH, flags: 0, tid: 0, tid2: 10, a: 0, b: 120, c: 120 },
      { ts: 2_000_200, cpu: 0, kind: Kind.WAKING, flags: 0, tid: 10, tid2: 10, a: 0, b: 0, c: 0 },
    ];
    const t = decodeTrace(await exportBytes(rows, {})); // the reader decodes UTF-8 strictly
    expect(t.events.find((e) => e.name === 'task_rename')?.fields).toEqual({
      pid: 10,
      oldcomm: 'sh',
      newcomm: hostile,
    });
    expect(t.events.find((e) => e.name === 'sched_switch')?.fields.next_comm).toBe(hostile);
    expect(t.events.find((e) => e.name === 'sched_waking')?.fields.comm).toBe(hostile);
    expect([...t.threads].reverse().find((th) => th.tid === 10)).toMatchObject({ tgid: 9, name: hostile });
    expect([...t.processes].reverse().find((p) => p.pid === 9)?.cmdline).toEqual([`/tmp/${hostile}`]);
  });

  it('marks the first bundle of a CPU that lost events, and honours the window', async () => {
    const rows: EventRow[] = [];
    for (let i = 0; i < 20; i++)
      rows.push({
        ts: 1_000_000 + i * 1e6,
        cpu: i % 2,
        kind: Kind.SWITCH,
        flags: 0,
        tid: i < 2 ? 0 : 8 + i,
        tid2: 10 + i,
        a: 0,
        b: 120,
        c: 120,
      });
    const parts: Uint8Array[] = [];
    await exportPerfetto(
      memoryCapture(rows, { lostPerCpu: [0, 3], lost: 3 }),
      { from: 6_000_000, to: 12_000_000 },
      (b) => parts.push(b),
    );
    const t = decodeTrace(Buffer.concat(parts));
    expect(t.bundles.map((b) => [b.cpu, b.lostEvents])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(t.events.map((e) => e.ts - 1_000_000).sort((a, b) => a - b)).toEqual([5e6, 6e6, 7e6, 8e6, 9e6, 10e6, 11e6]);
    // The first switch in the window on each CPU is whole (its prev is not known from an earlier one).
    expect(t.events.filter((e) => e.form === 'full').length).toBe(2);
  });

  it('writes the flags of every context as the kernel would', () => {
    expect([Ctx.TASK, Ctx.HARDIRQ, Ctx.SOFTIRQ, Ctx.NMI].map((c) => expectedCommonFlags(c))).toEqual([
      0, 0x08, 0x10, 0x48,
    ]);
  });
});

describe('lifeline export: bad input', () => {
  it('a foreign file, a truncated capture, an unwritable output: one line, nothing overwritten', () => {
    const dir = tmp();
    try {
      const out = path.join(dir, 'keep.pftrace');
      writeFileSync(out, 'precious');
      const foreign = path.join(dir, 'notes.txt');
      writeFileSync(foreign, 'hello, not a capture\n');
      // with --force, so that what is refused is the capture, not the existing output
      expect(expectOneLineError(cli(['export', foreign, '--to', 'perfetto', '-o', out, '--force']))).toMatch(
        /not a lifeline capture/,
      );
      const cut = path.join(dir, 'cut.db');
      copyFileSync(path.join(fixtures, 'sleeper-stress.db'), cut);
      truncateSync(cut, Math.floor(statSync(cut).size / 2));
      expect(expectOneLineError(cli(['export', cut, '-o', out, '--force']))).toMatch(/damaged|truncated/);
      expect(readFileSync(out, 'utf8')).toBe('precious');

      const fixture = path.join(fixtures, 'pingpong.db');
      expect(expectOneLineError(cli(['export', fixture, '-o', path.join(dir, 'missing', 'x.pftrace')]))).toMatch(
        /does not exist/,
      );
      mkdirSync(path.join(dir, 'adir.pftrace'));
      expect(expectOneLineError(cli(['export', fixture, '-o', path.join(dir, 'adir.pftrace')]))).toMatch(
        /is a directory/,
      );
      expect(expectOneLineError(cli(['export', fixture, '-o', '/proc/lifeline.pftrace']))).toMatch(/cannot write/);
      expect(expectOneLineError(cli(['export', fixture, '--to', 'chrome', '-o', out]))).toMatch(
        /--to takes an export format \(perfetto, parquet\) or the window's end in seconds, not "chrome"/,
      );
      expect(expectOneLineError(cli(['export', fixture, '--to', '1', '--until', '2', '-o', out]))).toMatch(
        /the window's end once, not --to 1 and --until 2/,
      );
      expect(expectOneLineError(cli(['export', fixture, '--from', 'soon', '-o', out]))).toMatch(/--from/);
      expect(readFileSync(out, 'utf8')).toBe('precious');

      // a capture recorded before the clock offset and the hrtimer expiry spans: a note for each
      const ok = cli(['export', path.join(fixtures, 'format1/sleeper-stress.arrow'), '-o', out, '--force']);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/trace written to .*keep\.pftrace/);
      expect(ok.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^lifeline: note: tracepoints missing/),
        expect.stringMatching(/^lifeline: note: .*offset 0/),
        expect.stringMatching(/^lifeline: note: .*no hrtimer_expire_entry\/exit events/),
      ]);
      expect(decodeTrace(readFileSync(out)).packetKinds[0]).toBe('system_info');
      expect(existsSync(path.join(dir, `.keep.pftrace.${process.pid}.tmp`))).toBe(false);

      // --to names the format and, as a number, the window's end (as the analyze filters): the
      // same trace as --until
      const a = path.join(dir, 'a.pftrace');
      const b = path.join(dir, 'b.pftrace');
      expect(cli(['export', fixture, '--to', 'perfetto', '--from', '0.1', '--to', '0.2', '-o', a]).status).toBe(0);
      expect(cli(['export', fixture, '--from', '0.1', '--until', '0.2', '-o', b]).status).toBe(0);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
      expect(readFileSync(a).length).toBeLessThan(readFileSync(out).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipRecording)('lifeline export of a real recording (BPF)', () => {
  it('a thread that names itself with bytes that are not UTF-8, quotes and <script> keeps that name; the recorder stored the clock offset', async () => {
    const dir = tmp();
    try {
      const capPath = path.join(dir, 'hostile.arrow');
      // 0xff 0xfe are not UTF-8; the kernel keeps the first 15 bytes of a comm.
      await record({
        output: capPath,
        format: 'arrow',
        command: [
          'sh',
          '-c',
          `printf '\\377\\376"<script>' > /proc/self/comm; sleep 0.05; for i in 1 2 3; do sleep 0.01; done`,
        ],
        stdio: 'ignore',
      });
      const { meta, rows } = await readRows(capPath);
      expect(typeof meta.bootOffsetNs).toBe('number');
      expect(meta.bootOffsetNs).toBeGreaterThanOrEqual(0);
      const renamed = rows.find(
        (r) => r.kind === Kind.COMM && r.flags === CommReason.RENAME && r.name?.includes('<script>'),
      );
      expect(renamed?.name).toBe('\ufffd\ufffd"<script>');
      const out = path.join(dir, 'hostile.pftrace');
      const res = await exportCapture(capPath, { out });
      expect(res.bootOffsetAssumed).toBe(false);
      expect(res.notes).toEqual(skippedNote(meta));
      const t = decodeTrace(readFileSync(out)); // strict UTF-8
      checkTrace(meta, rows, t);
      expect(
        t.events.some(
          (e) => e.name === 'task_rename' && e.fields.pid === renamed!.tid && e.fields.newcomm === renamed!.name,
        ),
      ).toBe(true);
      expect([...t.threads, ...t.processes].length).toBeGreaterThan(0);
      // softirq raises (issue 14's causation facts) come out once each, with the raiser's context.
      const raises = rows.filter((r) => r.kind === Kind.SOFTIRQ_RAISE);
      const gotRaises = t.events.filter((e) => e.name === 'softirq_raise');
      expect(gotRaises.map((e) => [e.ts, e.fields.vec, e.commonFlags]).sort()).toEqual(
        raises.map((r) => [r.ts + meta.bootOffsetNs!, r.a, expectedCommonFlags(r.flags)]).sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('every hrtimer callback is an hrtimer_expire_entry/exit pair named by an interned kernel symbol: the nanosleep loop’s hrtimer_wakeup', async () => {
    const dir = tmp();
    const SLEEPS = 30;
    try {
      const capPath = path.join(dir, 'sleeper.db');
      const ids = path.join(dir, 'ids');
      await record({
        output: capPath,
        command: ['sh', '-c', `${path.join(ROOT, 'build/workloads/ll-sleeper')} ${SLEEPS} 2 > ${ids}`],
        stdio: 'ignore',
      });
      const sleeper = Number(readFileSync(ids, 'utf8').trim());
      const { meta, rows } = await readRows(capPath);
      const out = path.join(dir, 'sleeper.pftrace');
      const res = await exportCapture(capPath, { out });
      expect(res.notes).toEqual(skippedNote(meta));
      const t = decodeTrace(readFileSync(out));
      checkTrace(meta, rows, t);

      // Each capture row once, in its CPU's order, at monotonic + offset, with the same timer id.
      const symName = new Map(rows.filter((r) => r.kind === Kind.SYM).map((r) => [r.c, r.name]));
      for (const [kind, name] of [
        [Kind.HRTIMER_EXPIRE_ENTRY, 'hrtimer_expire_entry'],
        [Kind.HRTIMER_EXPIRE_EXIT, 'hrtimer_expire_exit'],
      ] as const) {
        const want = rows.filter((r) => r.kind === kind);
        const got = t.events.filter((e) => e.name === name);
        expect(want.length).toBeGreaterThanOrEqual(SLEEPS);
        // file order is per CPU (bundles); within a CPU, the capture's order
        const byCpu = <T extends { cpu: number }>(xs: T[]) => [...xs].sort((x, y) => x.cpu - y.cpu);
        expect(byCpu(got).map((e) => [e.cpu, e.ts, e.pid, e.fields.hrtimer])).toEqual(
          byCpu(want).map((r) => [r.cpu, r.ts + meta.bootOffsetNs!, r.tid, r.a]),
        );
      }
      // The callback: the interned kernel symbol is the one the capture's SYM row gives.
      const entries = t.events.filter((e) => e.name === 'hrtimer_expire_entry');
      for (const e of entries)
        expect(t.kernelSymbols.get(e.fields.function as number)).toBe(symName.get(e.fields.function as number));
      // The sleeper's timer fired once per sleep, each run by hrtimer_wakeup inside a span that closes.
      const startsBySleeper = new Set(
        rows.filter((r) => r.kind === Kind.HRTIMER_START && r.tid === sleeper).map((r) => r.a),
      );
      const its = entries.filter(
        (e) =>
          startsBySleeper.has(e.fields.hrtimer as number) &&
          t.kernelSymbols.get(e.fields.function as number) === 'hrtimer_wakeup',
      );
      expect(its.length).toBeGreaterThanOrEqual(SLEEPS - 1);
      expect(its.length).toBeLessThanOrEqual(SLEEPS);
      // Spans per CPU: an exit closes the innermost open entry, of the same timer. They nest at
      // most once: a hard hrtimer may fire inside a soft one (HRTIMER_SOFTIRQ runs with
      // interrupts on). An end before a CPU's first entry closes a callback that began before the
      // capture (two at most: a hard one inside a soft one); allow one other unmatched end for an
      // event the kernel never emitted.
      let unmatched = 0;
      let deepest = 0;
      for (const cpu of new Set(entries.map((e) => e.cpu))) {
        const open: number[] = [];
        let entered = false;
        let before = 0;
        for (const e of t.events
          .filter((x) => x.cpu === cpu && x.name.startsWith('hrtimer_expire'))
          .sort((x, y) => x.ts - y.ts)) {
          if (e.name === 'hrtimer_expire_entry') {
            entered = true;
            open.push(e.fields.hrtimer as number);
            deepest = Math.max(deepest, open.length);
          } else if (open.at(-1) === e.fields.hrtimer) open.pop();
          else if (!entered) before++;
          else unmatched++;
        }
        expect(before).toBeLessThanOrEqual(2);
      }
      expect(unmatched).toBeLessThanOrEqual(1);
      expect(deepest).toBeLessThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('every workqueue item is a workqueue_execute_start/end pair on its worker, named by an interned kernel symbol: the pty’s flush_to_ldisc', async () => {
    const dir = tmp();
    const ROUNDS = 40;
    try {
      const capPath = path.join(dir, 'pty.db');
      await record({
        output: capPath,
        command: [path.join(ROOT, 'build/workloads/ll-pty'), String(ROUNDS)],
        stdio: 'ignore',
      });
      const { meta, rows } = await readRows(capPath);
      const out = path.join(dir, 'pty.pftrace');
      const res = await exportCapture(capPath, { out });
      expect(res.notes).toEqual(skippedNote(meta));
      const t = decodeTrace(readFileSync(out));
      checkTrace(meta, rows, t);
      const symName = new Map(rows.filter((r) => r.kind === Kind.SYM).map((r) => [r.c, r.name]));
      const byCpu = <T extends { cpu: number }>(xs: T[]) => [...xs].sort((x, y) => x.cpu - y.cpu);
      for (const [kind, name] of [
        [Kind.WORK_START, 'workqueue_execute_start'],
        [Kind.WORK_END, 'workqueue_execute_end'],
      ] as const) {
        const want = rows.filter((r) => r.kind === kind);
        const got = t.events.filter((e) => e.name === name);
        expect(want.length).toBeGreaterThanOrEqual(2 * ROUNDS);
        expect(byCpu(got).map((e) => [e.cpu, e.ts, e.pid, e.fields.work, e.commonFlags ?? 0])).toEqual(
          byCpu(want).map((r) => [r.cpu, r.ts + meta.bootOffsetNs!, r.tid, r.a, expectedCommonFlags(r.flags)]),
        );
      }
      // the function: the interned kernel symbol is the capture's SYM name; the pty's items are flush_to_ldisc
      const starts = t.events.filter((e) => e.name === 'workqueue_execute_start');
      for (const e of starts)
        expect(t.kernelSymbols.get(e.fields.function as number)).toBe(symName.get(e.fields.function as number));
      expect(
        starts.filter((e) => t.kernelSymbols.get(e.fields.function as number) === 'flush_to_ldisc').length,
      ).toBeGreaterThanOrEqual(2 * ROUNDS * 0.9);
      // the queueing is not exported (raw only in trace_processor), and says so
      expect(t.events.some((e) => e.name === 'workqueue_queue_work')).toBe(false);
      expect(NOT_EXPORTED_KINDS.WORK_QUEUE).toMatch(/raw table/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('each D sleep ended by a waking gets a sched_blocked_reason: the sleeper, at the waking, its reason frame as an interned kernel symbol that trace_processor makes the blocked_function: an fsync loop', async () => {
    const dir = tmp();
    const FSYNCS = 30;
    try {
      const capPath = path.join(dir, 'fsync.db');
      const ids = path.join(dir, 'ids');
      const res = await record({
        output: capPath,
        // on a disk (not /tmp's tmpfs, where fsync does not wait)
        command: [
          'sh',
          '-c',
          `${path.join(ROOT, 'build/workloads/ll-fsync')} /var/tmp/lifeline-export-fsync-${process.pid} ${FSYNCS} > ${ids}`,
        ],
        stdio: 'ignore',
      });
      expect(res.stacks).toBe('kernel');
      const writer = Number(readFileSync(ids, 'utf8').trim().split(/\s+/)[0]);
      const { meta, rows } = await readRows(capPath);
      const offset = meta.bootOffsetNs!;
      const out = path.join(dir, 'fsync.pftrace');
      await exportCapture(capPath, { out });
      const t = decodeTrace(readFileSync(out));
      checkTrace(meta, rows, t);
      const model = checkThreadModel(rows, t);
      // the recording machine's uname, as the meta recorded it
      expect(t.systemInfo).toMatchObject({ sysname: 'Linux', release: os.release(), machine: os.machine() });
      expect(t.systemInfo?.version).toBe(os.version());

      // From the capture's rows, in time order: a switch-out into D (as sched_switch reports it)
      // with the sleeper's stack, then the thread's next row is a waking of it.
      const stackText = new Map(rows.filter((r) => r.kind === Kind.STACK).map((r) => [r.tid, r.name ?? '']));
      const open = new Map<number, EventRow>();
      const want: Array<[number, number, number, string, number, number]> = [];
      const sorted = rows.map((r, i) => ({ r, i })).sort((x, y) => x.r.ts - y.r.ts || x.i - y.i);
      for (const { r } of sorted) {
        if (r.kind === Kind.SWITCH) {
          open.delete(r.tid);
          open.delete(r.tid2);
          const preempted = (r.flags & Flag.PREEMPT) !== 0;
          const d =
            !preempted &&
            (r.a & TaskState.UNINTERRUPTIBLE) !== 0 &&
            (r.a & TASK_IDLE) !== TASK_IDLE &&
            (r.a & TaskState.DEAD) === 0;
          if (d && (r.stack ?? 0) !== 0) open.set(r.tid, r);
        } else if (r.kind === Kind.WAKING && open.has(r.tid)) {
          const out = open.get(r.tid)!;
          open.delete(r.tid);
          const frames = stackText.get(out.stack!)!.split(';');
          const io = frames.some((f) => f.startsWith('io_schedule')) ? 1 : 0;
          want.push([r.tid, r.ts + offset, r.tid2, sleepReasonOf(frames), io, out.ts + offset]);
        }
      }
      const got = t.events
        .filter((e) => e.name === 'sched_blocked_reason')
        .map((e) => {
          const caller = e.fields.caller as number;
          expect(caller).toBeGreaterThanOrEqual(REASON_IID_BASE);
          return [e.fields.pid, e.ts, e.pid, t.kernelSymbols.get(caller), e.fields.io_wait];
        });
      const key = (x: readonly unknown[]) => `${x[1]} ${x[0]}`;
      expect(got.sort((x, y) => key(x).localeCompare(key(y)))).toEqual(
        want.map((w) => w.slice(0, 5)).sort((x, y) => key(x).localeCompare(key(y))),
      );
      // The fsync thread sleeps in D waiting for its writes, through io_schedule: io_wait 1.
      const mine = want.filter((w) => w[0] === writer);
      expect(mine.length).toBeGreaterThanOrEqual(FSYNCS / 2);
      expect(mine.filter((w) => w[4] === 1).length).toBeGreaterThanOrEqual(FSYNCS / 2);
      // trace_processor's thread_state: exactly those D rows get the blocked_function, by name.
      const named = model.blockedRows
        .filter((r) => r.blockedFunction !== undefined)
        .map((r) => [model.threads[r.utid]!.tid, r.ts, r.blockedFunction, r.ioWait, r.prevState & 0x2]);
      const wantNamed = want.map((w) => [w[0], w[5], w[3], w[4], 2]);
      const byTs = (x: readonly unknown[], y: readonly unknown[]) =>
        (x[1] as number) - (y[1] as number) || (x[0] as number) - (y[0] as number);
      expect(named.sort(byTs)).toEqual(wantNamed.sort(byTs));
      // The names are the analyzer's reasons of the thread's D sleeps.
      const cap = await openCapture(capPath);
      try {
        const a = await analyze(cap);
        const th = a.result.threads.find((x) => x.tid === writer)!;
        const dReasons = new Set(th.sleepReasons.filter((r) => r.sleepsD > 0).map((r) => r.reason));
        for (const w of mine) expect(dReasons).toContain(w[3]);
      } finally {
        cap.close();
      }

      // Without stacks (the same rows, no STACK rows, no stack column): the same trace but for them.
      const parts: Uint8Array[] = [];
      const bare = rows.filter((r) => r.kind !== Kind.STACK).map(({ stack: _, ...r }) => r);
      await exportPerfetto(memoryCapture(bare, meta, 4096), { from: -Infinity, to: Infinity }, (b) => parts.push(b));
      const withParts: Uint8Array[] = [];
      await exportPerfetto(memoryCapture(rows, meta, 4096), { from: -Infinity, to: Infinity }, (b) =>
        withParts.push(b),
      );
      const plain = decodeTrace(Buffer.concat(parts));
      expect(plain.events.filter((e) => e.name === 'sched_blocked_reason')).toEqual([]);
      // the same events (sched_blocked_reason events fill bundles: they may split elsewhere)
      const asText = (es: readonly object[]) => es.map((e) => JSON.stringify(e)).sort();
      expect(asText(plain.events)).toEqual(
        asText(decodeTrace(Buffer.concat(withParts)).events.filter((e) => e.name !== 'sched_blocked_reason')),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// protoc (Debian's protobuf-compiler, in scripts/setup.sh) parses the file without any schema:
// an independent check that every byte is well-formed protobuf, with packets as field 1.
const hasProtoc = spawnSync('protoc', ['--version']).status === 0;
describe.skipIf(!hasProtoc && process.env.CI !== 'true')('lifeline export: an independent protobuf reader', () => {
  it('protoc --decode_raw reads the whole trace, one field-1 packet after another', async () => {
    const dir = tmp();
    try {
      const out = path.join(dir, 'x.pftrace');
      await exportCapture(path.join(fixtures, 'sleeper-stress.arrow'), { out });
      const r = spawnSync('protoc', ['--decode_raw'], {
        input: readFileSync(out),
        maxBuffer: 1 << 30,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const topLevel = r.stdout.split('\n').filter((l) => /^\S/.test(l));
      expect(new Set(topLevel)).toEqual(new Set(['1 {', '}']));
      expect(topLevel.filter((l) => l === '1 {').length).toBe(decodeTrace(readFileSync(out)).packetKinds.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
