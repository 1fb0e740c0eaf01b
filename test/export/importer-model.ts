/**
 * trace_processor's thread and process model, replayed on a decoded trace, for the tests: which
 * threads (utids) and processes (upids) the importer makes of the packets, and their names.
 *
 * Modelled on google/perfetto (read at ec5d16b, Aug 2026):
 * - sorter/trace_sorter.h: packets are read by timestamp, ties in the order they were pushed;
 *   ftrace/ftrace_tokenizer.cc TokenizeFtraceBundle pushes a bundle's CompactSched switches, then its
 *   compact wakings, then its whole events.
 * - common/process_tracker.cc: StartNewThread, EndThread (a main thread ends its process),
 *   GetThreadOrNull / IsThreadAlive (a thread of an ended or replaced process is dead),
 *   GetOrCreateThread, UpdateThread, GetOrCreateProcess (creates the main thread),
 *   StartNewProcess (forgets every thread of the pid), AssociateThreads (pending associations
 *   resolved when one side gets a process), UpdateThreadName (a name of lower priority does not
 *   replace one of higher: kFtrace 1 < kProcessTree 2), UpdateThreadNameAndMaybeProcessName,
 *   UpdateProcessName.
 * - ftrace/ftrace_parser.cc: every whole event but sched_switch first goes to the raw table with
 *   GetOrCreateThread(FtraceEvent.pid) (ParseTypedFtraceToRaw); then sched_waking
 *   (ParseSchedWaking), sched_process_free (EndThread), task_newtask (ParseTaskNewTask: a fork
 *   starts a process, CLONE_THREAD a thread associated with its creator), task_rename
 *   (ParseTaskRename). sched_process_exit and sched_process_exec only reach the raw table.
 * - ftrace/ftrace_sched_event_tracker.cc: PushSchedSwitch (whole: next then prev by pid, named at
 *   kFtrace), PushSchedSwitchCompact (next by pid; prev is the CPU's last next utid),
 *   PushSchedWakingCompact (skipped before the CPU's first switch).
 * - proto/system_probes_parser.cc ParseProcessTree: a Process without cmdline is skipped; else
 *   GetOrCreateProcess(ppid) and (pid), SetProcessMetadata (name argv0: a single cmdline element
 *   is cut at its first space), cmdline_is_comm names the main thread at kProcessTree; each Thread
 *   is UpdateThread(tid, tgid), its name at kProcessTree.
 * Left out: machines, namespaces, the live_tid_ cache (modelled as its definition, the last live
 * utid of the tid), process parents' pending association, the raw table itself.
 */
import type { DecodedTrace, TraceEvent } from './perfetto-reader.js';

const K_FTRACE = 1;
const K_PROCESS_TREE = 2;
const K_SYSTEM = 1; // ProcessNamePriority::kSystem (every name here has it)
const CLONE_THREAD = 0x00010000;

export interface ModelThread {
  utid: number;
  tid: number;
  upid?: number;
  name?: string;
  namePrio: number;
  startTs?: number;
  endTs?: number;
}

export interface ModelProcess {
  upid: number;
  pid: number;
  name?: string;
  namePrio: number;
  parentUpid?: number;
  endTs?: number;
}

/**
 * A thread_state row of a switch-out that is not runnable (thread_state_tracker.cc: IsBlocked
 * is neither "R" nor "Running"), with what sched_blocked_reason gave it.
 */
export interface ModelBlockedRow {
  utid: number;
  ts: number;
  prevState: number;
  /** The caller's interned kernel symbol (InternedStringId of kernel_symbols), when one names it. */
  blockedFunction?: string;
  ioWait?: number;
}

/** What one item read in time order does to the model. */
type Item =
  { ts: number; kind: 'tree'; t: DecodedTrace['trees'][number] } | { ts: number; kind: 'event'; e: TraceEvent };

export class ImporterModel {
  readonly threads: ModelThread[] = [];
  readonly processes: ModelProcess[] = [];
  private readonly tids = new Map<number, number[]>();
  private readonly pids = new Map<number, number>();
  private readonly pending: Array<[number, number]> = [];
  /** Per CPU, the utid the last switch put on it. */
  private readonly lastUtid = new Map<number, number>();
  /** Each switch's next thread as read: [ts, cpu, utid]. */
  readonly switchIns: Array<[number, number, number]> = [];
  /** Switch-outs into a blocked state, in the order read. */
  readonly blockedRows: ModelBlockedRow[] = [];
  /** Per utid, its last blocked row (ThreadStateTracker's last_blocked_row), until it runs again. */
  private readonly lastBlocked = new Map<number, ModelBlockedRow>();
  errors = 0;

  constructor(private readonly kernelSymbols: ReadonlyMap<number, string> = new Map()) {
    // the swapper: utid 0, upid 0 (ProcessTracker's constructor)
    this.processes.push({ upid: 0, pid: 0, namePrio: 0 });
    this.threads.push({ utid: 0, tid: 0, upid: 0, namePrio: 0 });
    this.pids.set(0, 0);
    this.tids.set(0, [0]);
  }

  // ---- process_tracker.cc

  private isAlive(utid: number): boolean {
    const t = this.threads[utid]!;
    if (t.endTs !== undefined) return false;
    if (t.upid === undefined) return true;
    const p = this.processes[t.upid]!;
    if (p.endTs !== undefined) return false;
    const cur = this.pids.get(p.pid);
    return cur === undefined || cur === t.upid;
  }

  threadOrNull(tid: number, pid?: number): number | undefined {
    const v = this.tids.get(tid) ?? [];
    for (let i = v.length - 1; i >= 0; i--) {
      const u = v[i]!;
      if (!this.isAlive(u)) continue;
      const t = this.threads[u]!;
      if (t.upid === undefined) return u;
      if (pid === undefined || this.processes[t.upid]!.pid === pid) return u;
    }
    return undefined;
  }

  private startNewThread(ts: number | undefined, tid: number): number {
    const utid = this.threads.length;
    this.threads.push({ utid, tid, namePrio: 0, startTs: ts });
    const v = this.tids.get(tid) ?? [];
    v.push(utid);
    this.tids.set(tid, v);
    return utid;
  }

  private endThread(ts: number, tid: number): void {
    const utid = this.threadOrNull(tid);
    if (utid === undefined) return;
    const t = this.threads[utid]!;
    t.endTs = ts;
    this.tids.set(
      tid,
      (this.tids.get(tid) ?? []).filter((u) => u !== utid),
    );
    if (t.upid === undefined) return;
    const p = this.processes[t.upid]!;
    if (p.pid !== tid) return;
    p.endTs = ts;
    this.pids.delete(tid);
  }

  getOrCreateThread(tid: number): number {
    return this.threadOrNull(tid) ?? this.startNewThread(undefined, tid);
  }

  private updateThreadName(utid: number, name: string, prio: number): void {
    if (name === '') return; // an empty string interns as no name
    const t = this.threads[utid]!;
    if (prio >= t.namePrio) {
      t.name = name;
      t.namePrio = prio;
    }
  }

  private updateProcessName(upid: number, name: string): void {
    if (name === '') return;
    const p = this.processes[upid]!;
    if (K_SYSTEM >= p.namePrio) {
      p.name = name;
      p.namePrio = K_SYSTEM;
    }
  }

  private associate(utid: number, upid: number): void {
    this.threads[utid]!.upid = upid;
    // ResolvePendingAssociations: threads waiting on this one join the same process
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const [a, b] = this.pending[i]!;
      const other = a === utid ? b : b === utid ? a : undefined;
      if (other === undefined) continue;
      this.pending.splice(i, 1);
      if (this.threads[other]!.upid === undefined) this.associate(other, upid);
    }
  }

  private getOrCreateProcess(pid: number): number {
    const have = this.pids.get(pid);
    if (have !== undefined) return have;
    const upid = this.processes.length;
    this.processes.push({ upid, pid, namePrio: 0 });
    this.pids.set(pid, upid);
    this.updateThread(pid, pid);
    return upid;
  }

  private updateThread(tid: number, pid: number): number {
    const upid = this.getOrCreateProcess(pid);
    const found = this.threadOrNull(tid, this.processes[upid]!.pid);
    const utid = found ?? this.startNewThread(undefined, tid);
    if (found !== undefined) {
      const v = this.tids.get(tid)!;
      v.splice(v.indexOf(utid), 1);
      v.push(utid);
    }
    if (this.threads[utid]!.upid === undefined) this.associate(utid, upid);
    return utid;
  }

  private startNewProcess(ts: number, pid: number, name: string): number {
    this.pids.delete(pid);
    this.tids.delete(pid);
    const utid = this.startNewThread(ts, pid);
    this.updateThreadName(utid, name, K_FTRACE);
    const upid = this.processes.length;
    this.processes.push({ upid, pid, namePrio: 0 });
    this.pids.set(pid, upid);
    this.updateThread(pid, pid);
    this.updateProcessName(upid, name);
    return upid;
  }

  private associateThreads(a: number, b: number): void {
    const ua = this.threads[a]!.upid;
    const ub = this.threads[b]!.upid;
    if (ua !== undefined && ub === undefined) this.associate(b, ua);
    else if (ub !== undefined && ua === undefined) this.associate(a, ub);
    else if (ua !== undefined && ua !== ub) this.errors++;
    else if (ua === undefined) this.pending.push([a, b]);
  }

  // ---- the parsers

  private tree(t: DecodedTrace['trees'][number]): void {
    for (const p of t.processes) {
      if (p.cmdline.length === 0) continue;
      let argv0 = p.cmdline[0]!;
      if (p.cmdline.length === 1 && argv0.includes(' ')) argv0 = argv0.slice(0, argv0.indexOf(' '));
      const joined = p.cmdline.join(' ');
      const pupid = this.getOrCreateProcess(p.ppid ?? 0);
      const upid = this.getOrCreateProcess(p.pid);
      this.processes[upid]!.parentUpid ??= pupid;
      this.updateProcessName(upid, argv0);
      if (p.cmdlineIsComm) this.updateThreadName(this.getOrCreateThread(p.pid), joined, K_PROCESS_TREE);
    }
    for (const th of t.threads) {
      this.updateThread(th.tid, th.tgid ?? 0);
      if (th.name !== undefined) this.updateThreadName(this.getOrCreateThread(th.tid), th.name, K_PROCESS_TREE);
    }
  }

  private event(e: TraceEvent): void {
    const f = e.fields;
    if (e.name === 'sched_switch') {
      const next = this.getOrCreateThread(f.next_pid as number);
      this.updateThreadName(next, f.next_comm as string, K_FTRACE);
      let prev = this.lastUtid.get(e.cpu);
      if (e.form === 'full') {
        prev = this.getOrCreateThread(f.prev_pid as number);
        this.updateThreadName(prev, f.prev_comm as string, K_FTRACE);
      }
      // thread_state: prev's new row (blocked unless runnable, prev_state 0 "R"), next's Running row
      if (prev !== undefined && prev !== 0) {
        const prevState = f.prev_state as number;
        if (prevState !== 0) {
          const row: ModelBlockedRow = { utid: prev, ts: e.ts, prevState };
          this.blockedRows.push(row);
          this.lastBlocked.set(prev, row);
        }
      }
      this.lastBlocked.delete(next);
      this.lastUtid.set(e.cpu, next);
      this.switchIns.push([e.ts, e.cpu, next]);
      return;
    }
    if (e.form === 'compact') {
      // a compact waking: dropped before the CPU's first switch
      if (this.lastUtid.has(e.cpu)) this.getOrCreateThread(f.pid as number);
      return;
    }
    this.getOrCreateThread(e.pid!); // the raw table's row
    switch (e.name) {
      case 'sched_waking': {
        this.updateThreadName(this.getOrCreateThread(f.pid as number), f.comm as string, K_FTRACE);
        this.getOrCreateThread(e.pid!);
        break;
      }
      case 'sched_process_free':
        this.endThread(e.ts, f.pid as number);
        break;
      case 'sched_blocked_reason': {
        // ParseSchedBlockedReason -> PushBlockedReason: the sleeper's last blocked row, if any
        const row = this.lastBlocked.get(this.getOrCreateThread(f.pid as number));
        if (row === undefined) break;
        row.ioWait = f.io_wait as number;
        const name = this.kernelSymbols.get(f.caller as number);
        if (name !== undefined) row.blockedFunction = name;
        break;
      }
      case 'task_newtask': {
        const child = f.pid as number;
        if (child === 0) break;
        if (((f.clone_flags as number) & CLONE_THREAD) === 0) {
          this.startNewProcess(e.ts, child, f.comm as string);
          this.getOrCreateThread(e.pid!);
          this.getOrCreateThread(child);
        } else {
          const src = this.getOrCreateThread(e.pid!);
          const nu = this.startNewThread(e.ts, child);
          this.updateThreadName(nu, f.comm as string, K_FTRACE);
          this.associateThreads(src, nu);
        }
        break;
      }
      case 'task_rename': {
        const utid = this.getOrCreateThread(f.pid as number);
        this.updateThreadName(utid, f.newcomm as string, K_FTRACE);
        const t = this.threads[utid]!;
        if (t.upid !== undefined && this.processes[t.upid]!.pid === t.tid)
          this.updateProcessName(t.upid, f.newcomm as string);
        break;
      }
      default:
    }
  }

  /** Replays the trace in trace_processor's order. */
  static of(trace: DecodedTrace): ImporterModel {
    const items: Array<Item & { seq: number }> = [];
    let seq = 0;
    for (const p of trace.order) {
      if (p.kind === 'tree') items.push({ ts: p.tree.ts, kind: 'tree', t: p.tree, seq: seq++ });
      else {
        const evs = p.bundle.events;
        const ordered = [
          ...evs.filter((e) => e.form === 'compact' && e.name === 'sched_switch'),
          ...evs.filter((e) => e.form === 'compact' && e.name === 'sched_waking'),
          ...evs.filter((e) => e.form === 'full'),
        ];
        for (const e of ordered) items.push({ ts: e.ts, kind: 'event', e, seq: seq++ });
      }
    }
    items.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const m = new ImporterModel(trace.kernelSymbols);
    for (const it of items) {
      if (it.kind === 'tree') m.tree(it.t);
      else m.event(it.e);
    }
    return m;
  }

  /** The utids of each tid (tid 0, the swapper, left out). */
  threadsByTid(): Map<number, ModelThread[]> {
    const m = new Map<number, ModelThread[]>();
    for (const t of this.threads) {
      if (t.tid === 0) continue;
      const l = m.get(t.tid) ?? [];
      l.push(t);
      m.set(t.tid, l);
    }
    return m;
  }
}
