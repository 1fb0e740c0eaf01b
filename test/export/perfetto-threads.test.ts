/**
 * The Perfetto export's threads and processes as trace_processor's importer builds them
 * (ImporterModel, modelled on google/perfetto's ProcessTracker and ftrace parser): one thread per
 * life of a tid, in its process, named last by its last name; exits and frees where the importer
 * needs them; the sequence flags around interned data.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { EventRow } from '../../src/capture/event-batch.js';
import { exportCapture } from '../../src/api.js';
import { exportPerfetto } from '../../src/export/perfetto/export-perfetto.js';
import { CommReason, Ctx, Flag, Kind, TaskState } from '../../src/format/index.js';
import { readRows } from '../helpers/capture-rows.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { skipRecording } from '../helpers/root.js';
import { record } from '../../src/record/recorder.js';
import { decodeTrace, type DecodedTrace } from './perfetto-reader.js';
import { checkThreadModel, checkTrace } from './check-trace.js';
import { ImporterModel } from './importer-model.js';

const T0 = 2_000_000;

async function exportRows(rows: EventRow[]): Promise<DecodedTrace> {
  const parts: Uint8Array[] = [];
  await exportPerfetto(memoryCapture(rows), { from: -Infinity, to: Infinity }, (b) => parts.push(b));
  return decodeTrace(Buffer.concat(parts));
}

const sw = (ts: number, cpu: number, prev: number, next: number, state = 0, flags = 0): EventRow => ({
  ts: T0 + ts,
  cpu,
  kind: Kind.SWITCH,
  flags,
  tid: prev,
  tid2: next,
  a: state,
  b: 120,
  c: 120,
});
const comm = (ts: number, cpu: number, tid: number, tgid: number, name: string, reason: number): EventRow => ({
  ts: T0 + ts,
  cpu,
  kind: Kind.COMM,
  flags: reason,
  tid,
  tid2: 0,
  a: tgid,
  b: 0,
  c: 0,
  name,
});
const exit = (ts: number, cpu: number, tid: number, tgid: number): EventRow => ({
  ts: T0 + ts,
  cpu,
  kind: Kind.EXIT,
  flags: 0,
  tid,
  tid2: 0,
  a: tgid,
  b: 120,
  c: 0,
});

/**
 * Process 100 (sh, exec'd as /usr/bin/app, renamed app-main) starts thread 101 (renamed worker).
 * The main thread exits first; the worker exits, is preempted after its exit, runs again, and dies.
 * Thread 301 of process 300, whose name is never seen, runs once.
 */
const story: EventRow[] = [
  comm(0, 0, 100, 100, 'sh', CommReason.SEEN),
  sw(100, 0, 0, 100),
  comm(200, 0, 100, 100, 'app', CommReason.EXEC),
  { ts: T0 + 210, cpu: 0, kind: Kind.EXEC, flags: 0, tid: 100, tid2: 100, a: 100, b: 0, c: 0, name: '/usr/bin/app' },
  { ts: T0 + 300, cpu: 0, kind: Kind.FORK, flags: 0, tid: 101, tid2: 100, a: 100, b: 100, c: 0 },
  comm(300, 0, 101, 100, 'app', CommReason.FORK),
  { ts: T0 + 310, cpu: 0, kind: Kind.WAKEUP_NEW, flags: 0, tid: 101, tid2: 100, a: 1, b: 0, c: 0 },
  sw(400, 1, 0, 101),
  comm(450, 1, 101, 100, 'worker', CommReason.RENAME),
  comm(500, 0, 100, 100, 'app-main', CommReason.RENAME),
  exit(600, 0, 100, 100),
  sw(700, 0, 100, 0, TaskState.DEAD), // the main thread's last switch-out
  sw(800, 1, 101, 0, 1),
  { ts: T0 + 900, cpu: 1, kind: Kind.WAKING, flags: 0, tid: 101, tid2: 0, a: 1, b: 0, c: 0 },
  sw(1000, 1, 0, 101),
  exit(1100, 1, 101, 100),
  sw(1200, 1, 101, 0, 0, Flag.PREEMPT), // preempted in do_exit(), after the exit
  sw(1300, 1, 0, 101), // and switched in again
  sw(1400, 1, 101, 0, TaskState.DEAD), // the worker's last switch-out
  comm(1500, 0, 301, 300, 'lone', CommReason.SEEN),
  sw(1600, 0, 0, 301),
];

describe('Perfetto export: threads as trace_processor imports them', () => {
  it('a thread lives until its last switch-out, a main thread that exits first keeps its process, names follow exec and rename', async () => {
    const t = await exportRows(story);
    const m = checkThreadModel(story, t);
    const by = m.threadsByTid();
    // 300: the main thread trace_processor makes with process 300 (GetOrCreateProcess)
    expect([...by.keys()].sort()).toEqual([100, 101, 300, 301]);
    for (const [tid, threads] of by) expect(threads.length, `threads of ${tid}`).toBe(1);
    const [main, worker, lone] = [100, 101, 301].map((tid) => by.get(tid)![0]!);
    const pid = (th: typeof main) => m.processes[th!.upid!]!.pid;
    expect([pid(main), pid(worker), pid(lone)]).toEqual([100, 100, 300]);
    expect([main!.name, worker!.name, lone!.name]).toEqual(['app-main', 'worker', 'lone']);
    expect(m.processes[main!.upid!]!.name).toBe('app-main');
    // process 300 has no cmdline (its main thread was never named): its thread's entry makes it
    expect(t.processes.some((p) => p.pid === 300)).toBe(false);
    expect(m.processes.filter((p) => p.pid === 300).length).toBe(1);

    // exit where the kernel traces it; the frees after the last switch-out, the leader's last
    const exits = t.events.filter((e) => e.name === 'sched_process_exit');
    expect(exits.map((e) => [e.ts - T0, e.fields.pid, e.fields.tgid])).toEqual([
      [600, 100, 100],
      [1100, 101, 100],
    ]);
    const frees = t.events.filter((e) => e.name === 'sched_process_free');
    expect(frees.map((e) => [e.ts - T0, e.fields.pid])).toEqual([
      [1400, 101],
      [1400, 100],
    ]);
    expect([main!.endTs! - T0, worker!.endTs! - T0]).toEqual([1400, 1400]);
  });

  it('the model is not met by a trace that frees a thread at its exit (as the export did): new threads for the rest', async () => {
    const t = await exportRows(story);
    // move each free to its thread's sched_process_exit
    const exitTs = new Map(
      t.events.filter((e) => e.name === 'sched_process_exit').map((e) => [e.fields.pid as number, e.ts]),
    );
    for (const b of t.bundles)
      for (const e of b.events) if (e.name === 'sched_process_free') e.ts = exitTs.get(e.fields.pid as number)!;
    const m = ImporterModel.of(t);
    // the leader's free ends process 100 (its threads die with it); the worker's ends the worker
    // before it runs again: each later event on 101 makes a new thread, without a process
    const threads = m.threadsByTid().get(101)!;
    expect(threads.length).toBeGreaterThanOrEqual(2);
    expect(threads.slice(1).map((th) => th.upid)).toEqual(threads.slice(1).map(() => undefined));
    expect(() => checkThreadModel(story, t)).toThrow(/more threads/);
  });

  it('ProcessTree entries come at the time of their fact, after its task_newtask', async () => {
    const t = await exportRows(story);
    const newtask = t.events.find((e) => e.name === 'task_newtask' && e.fields.pid === 101)!;
    const entries = t.trees.filter((tr) => tr.threads.some((th) => th.tid === 101));
    expect(entries.map((tr) => tr.ts - T0)).toEqual([300, 450]);
    expect(entries[0]!.ts).toBe(newtask.ts);
    // in file order the entry follows the bundle with the task_newtask (ties are read in file order)
    const at = (pred: (o: DecodedTrace['order'][number]) => boolean) => t.order.findIndex(pred);
    expect(at((o) => o.kind === 'tree' && o.tree === entries[0])).toBeGreaterThan(
      at((o) => o.kind === 'bundle' && o.bundle.events.includes(newtask)),
    );
  });

  it('the first packet that interns clears the incremental state; later ones that carry or name interned data need it', async () => {
    const rows: EventRow[] = [
      { ts: T0, cpu: 0, kind: Kind.SYM, flags: 0, tid: 0, tid2: 0, a: 0, b: 0, c: 7, name: 'hrtimer_wakeup' },
    ];
    const expiry = (ts: number, cpu: number): EventRow[] => [
      { ts, cpu, kind: Kind.HRTIMER_EXPIRE_ENTRY, flags: 0, tid: 0, tid2: 0, a: 5, b: 0, c: 7 },
      { ts: ts + 1, cpu, kind: Kind.HRTIMER_EXPIRE_EXIT, flags: 0, tid: 0, tid2: 0, a: 5, b: 0, c: 0 },
    ];
    rows.push(...expiry(T0 + 10, 0), ...expiry(T0 + 20, 1));
    // a full bundle on CPU 0, then an expiry in its next bundle: named, no longer interned
    for (let i = 0; i < 5000; i++) rows.push(sw(100 + i * 10, 0, i % 2 === 0 ? 0 : 50, i % 2 === 0 ? 50 : 0));
    rows.push(...expiry(T0 + 60_000, 0));
    const t = await exportRows(rows);
    expect(t.packetKinds[0]).toBe('system_info');
    let bundle = 0;
    const seen: Array<[number, number, boolean]> = [];
    t.packetKinds.forEach((kind, i) => {
      const names =
        kind === 'ftrace_events' && t.bundles[bundle++]!.events.some((e) => e.name === 'hrtimer_expire_entry');
      seen.push([t.packetFlags[i]!, t.packetInterned[i]!, names]);
    });
    const first = seen.findIndex(([, interned]) => interned > 0);
    expect(first).toBeGreaterThan(0);
    seen.forEach(([flags, interned, names], i) => {
      if (i === first) expect(flags, `packet ${i}`).toBe(1);
      else if (interned > 0 || names) expect(flags, `packet ${i}`).toBe(2);
      else expect(flags, `packet ${i}`).toBe(0);
    });
    expect(seen.filter(([, interned, names]) => names && interned === 0).length).toBeGreaterThan(0);
    expect(seen.filter(([, interned]) => interned > 0).length).toBe(2); // CPU 0's first bundle and CPU 1's
  });
});

describe('Perfetto export: interrupt wakings', () => {
  it("carry their context in the FtraceEvent's common_flags; once the CPU has a current thread they are compact (trace_processor reads the context only there)", async () => {
    // before a CPU's first switch trace_processor has no current thread to take a compact waking's
    // waker from, so the export writes the waking whole, with the interrupted thread as its pid
    const rows: EventRow[] = [
      { ts: T0, cpu: 0, kind: Kind.WAKING, flags: Ctx.HARDIRQ | Flag.SYSVEC, tid: 11, tid2: 10, a: 1, b: 1, c: 0 },
      { ts: T0 + 10, cpu: 0, kind: Kind.WAKING, flags: Ctx.SOFTIRQ, tid: 12, tid2: 10, a: 1, b: 1, c: 0 },
      { ts: T0 + 20, cpu: 0, kind: Kind.WAKING, flags: Ctx.TASK, tid: 13, tid2: 10, a: 1, b: 0, c: 0 },
      sw(30, 0, 10, 11),
      { ts: T0 + 40, cpu: 0, kind: Kind.WAKING, flags: Ctx.HARDIRQ, tid: 12, tid2: 11, a: 1, b: 1, c: 0 },
      // the capture names another thread than the last switch put on the CPU: a task waking stays
      // whole (its waker is that thread); an interrupt waking is compact, or its context is lost
      { ts: T0 + 50, cpu: 0, kind: Kind.WAKING, flags: Ctx.TASK, tid: 13, tid2: 14, a: 1, b: 0, c: 0 },
      { ts: T0 + 60, cpu: 0, kind: Kind.WAKING, flags: Ctx.SOFTIRQ, tid: 13, tid2: 14, a: 1, b: 1, c: 0 },
    ];
    const t = await exportRows(rows);
    const wakings = t.events.filter((e) => e.name === 'sched_waking');
    expect(wakings.map((e) => [e.ts - T0, e.form, e.pid, e.fields.pid, e.commonFlags])).toEqual([
      [0, 'full', 10, 11, 0x08],
      [10, 'full', 10, 12, 0x10],
      [20, 'full', 10, 13, 0],
      [50, 'full', 14, 13, 0],
      [40, 'compact', undefined, 12, 0x08],
      [60, 'compact', undefined, 13, 0x10],
    ]);
  });
});

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', '1']).status === 0);
const hasPerf = spawnSync('perf', ['--version']).status === 0;

describe.skipIf(skipRecording)('Perfetto export of a real recording: threads as trace_processor imports them', () => {
  it.skipIf(python === undefined)(
    'a process whose main thread exits first, a thread that renames itself, forked and renamed processes (perf bench): one thread per tid, in its process, with its last name',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-threads-'));
      try {
        const capPath = path.join(dir, 'threads.arrow');
        // the main thread renames itself, starts a worker that renames itself, and leaves by
        // pthread_exit(): the worker runs on, as a thread of a process whose leader is a zombie
        const script = [
          'import threading, time, ctypes, os',
          "open('/proc/self/comm', 'w').write('ll-main-exits')",
          'def work():',
          "    open('/proc/self/task/%d/comm' % threading.get_native_id(), 'w').write('ll-worker')",
          '    time.sleep(0.1)',
          '    for i in range(5): time.sleep(0.01)',
          'threading.Thread(target=work).start()',
          'time.sleep(0.02)',
          'ctypes.CDLL(None).pthread_exit(None)',
        ].join('\n');
        const scriptPath = path.join(dir, 'main-exits.py');
        writeFileSync(scriptPath, script);
        const perf = hasPerf ? '; perf bench sched messaging -g 2 -l 20 > /dev/null' : '';
        await record({
          output: capPath,
          format: 'arrow',
          command: ['sh', '-c', `${python} ${scriptPath}${perf}`],
          stdio: 'ignore',
        });
        const { meta, rows } = await readRows(capPath);
        const out = path.join(dir, 'threads.pftrace');
        await exportCapture(capPath, { out });
        const t = decodeTrace(readFileSync(out));
        checkTrace(meta, rows, t); // the importer model over every thread of the capture

        const named = (n: string) => rows.find((r) => r.kind === Kind.COMM && r.name === n);
        const leader = named('ll-main-exits')!.tid;
        const worker = named('ll-worker')!.tid;
        expect(named('ll-worker')!.a).toBe(leader);
        // the capture has the case: the leader's exit before the worker's last switch-out
        const leaderExit = rows.find((r) => r.kind === Kind.EXIT && r.tid === leader)!;
        const workerLast = rows
          .filter((r) => r.kind === Kind.SWITCH && (r.tid === worker || r.tid2 === worker))
          .at(-1)!;
        expect(leaderExit.ts).toBeLessThan(workerLast.ts);

        const m = ImporterModel.of(t);
        const by = m.threadsByTid();
        const [w] = by.get(worker)!;
        expect(by.get(worker)!.length).toBe(1);
        expect(m.processes[w!.upid!]!.pid).toBe(leader);
        expect(w!.name).toBe('ll-worker');
        expect(by.get(leader)!.at(-1)!.name).toBe('ll-main-exits');
        const freeOf = (tid: number) => t.events.find((e) => e.name === 'sched_process_free' && e.fields.pid === tid);
        expect(freeOf(worker)!.ts).toBeGreaterThanOrEqual(workerLast.ts + (meta.bootOffsetNs ?? 0));
        expect(freeOf(leader)!.ts).toBeGreaterThanOrEqual(freeOf(worker)!.ts);
        if (hasPerf) {
          // perf bench forks 40 processes per group (2 groups): each is one thread of its own process
          const forked = rows.filter((r) => r.kind === Kind.FORK && r.tid === r.a);
          expect(forked.length).toBeGreaterThanOrEqual(80);
          for (const r of forked) {
            expect(by.get(r.tid)!.length, `threads of ${r.tid}`).toBe(1);
            expect(m.processes[by.get(r.tid)![0]!.upid!]!.pid).toBe(r.tid);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
