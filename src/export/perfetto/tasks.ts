/**
 * What the export knows about each thread as the stream goes by: its name,
 * process and last priority, which threads of each process have not yet run
 * for the last time, and the ProcessTree entries not yet written.
 * Memory grows with the number of threads, never with the number of events.
 *
 * trace_processor gives a thread name from the ProcessTree a higher priority
 * than one from ftrace (ThreadNamePriority kProcessTree > kFtrace), so once the
 * tree names a thread, task_rename no longer renames it: every name change the
 * capture records is therefore written to the tree as well, main threads
 * included (as traced_probes ≥ v58 writes them), at the time of the change.
 */

export interface ProcessEntry {
  pid: number;
  ppid: number | null;
  /** The exec'd filename, or the process name when no exec was seen (cmdlineIsComm). */
  cmdline: string;
  cmdlineIsComm: boolean;
}

export interface ThreadEntry {
  tid: number;
  tgid: number;
  /** '' when the name is not known. */
  name: string;
}

export interface ProcessTreeDelta {
  /** Boottime ns of the facts in it (one time per delta). */
  ts: number;
  processes: ProcessEntry[];
  threads: ThreadEntry[];
}

const DEFAULT_PRIO = 120;

export class Tasks {
  private readonly comms = new Map<number, string>();
  private readonly tgids = new Map<number, number>();
  /** Last priority by tid (0 = not seen; priorities are stored + 1). Grown as tids come. */
  private prios = new Uint8Array(1 << 16);
  private readonly parents = new Map<number, number>();
  private readonly filenames = new Map<number, string>();
  /** What the ProcessTree already said about each process (its cmdline) and thread (tgid/name key). */
  private readonly writtenProcess = new Map<number, string>();
  private readonly writtenThread = new Map<number, string>();
  private pending: ProcessTreeDelta | null = null;
  /** Per process, its threads other than the leader that have not yet switched out for the last time. */
  private readonly groups = new Map<number, Set<number>>();
  /** Leaders that switched out for the last time while threads of theirs still lived. */
  private readonly waitingLeaders = new Set<number>();
  /**
   * Processes whose leader was freed: a child's entry no longer names one as its parent (the
   * kernel reparented the child; trace_processor would make a new process of the dead pid).
   */
  private readonly gone = new Set<number>();

  comm(tid: number, cpu: number): string {
    if (tid === 0) return `swapper/${cpu}`;
    return this.comms.get(tid) ?? '';
  }

  prio(tid: number): number {
    const p = tid < this.prios.length ? this.prios[tid]! : 0;
    return p === 0 ? DEFAULT_PRIO : p - 1;
  }

  setPrio(tid: number, prio: number): void {
    if (tid < 0 || prio < 0 || prio > 254) return;
    if (tid >= this.prios.length) {
      let n = this.prios.length;
      while (n <= tid) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.prios);
      this.prios = grown;
    }
    this.prios[tid] = prio + 1;
  }

  private setTgid(tid: number, tgid: number): void {
    const old = this.tgids.get(tid);
    if (old === tgid) return;
    if (old !== undefined) this.groups.get(old)?.delete(tid);
    this.tgids.set(tid, tgid);
    if (tid === tgid) return;
    let g = this.groups.get(tgid);
    if (g === undefined) this.groups.set(tgid, (g = new Set()));
    g.add(tid);
  }

  /** A thread is named (first seen, forked, exec'd or renamed); returns its previous name. */
  named(ts: number, tid: number, tgid: number, comm: string): string {
    const old = this.comms.get(tid) ?? '';
    this.comms.set(tid, comm);
    if (tgid > 0) this.setTgid(tid, tgid);
    this.note(ts, tid);
    return old;
  }

  forked(ts: number, child: number, childTgid: number, parent: number, parentTgid: number): void {
    const parentComm = this.comms.get(parent);
    if (parentComm !== undefined && !this.comms.has(child)) this.comms.set(child, parentComm);
    this.setTgid(child, childTgid);
    if (child === childTgid) {
      this.gone.delete(child);
      if (parentTgid > 0) this.parents.set(childTgid, parentTgid);
    }
    this.filenames.delete(childTgid);
    this.note(ts, child);
  }

  execed(ts: number, tid: number, tgid: number, filename: string): void {
    if (tgid > 0) {
      this.setTgid(tid, tgid);
      this.filenames.set(tgid, filename);
    }
    this.note(ts, tid);
  }

  /** sched_process_exit: the thread's process, as the exit states it. */
  exited(tid: number, tgid: number): void {
    if (tgid > 0) this.setTgid(tid, tgid);
  }

  /**
   * The thread switched out for the last time (dead, after its exit). Returns the
   * threads whose sched_process_free is now due: the thread itself, except a leader
   * whose threads still live (the kernel frees a group leader after its last thread,
   * delay_group_leader(), and trace_processor ends the process with its main thread);
   * and a leader that was waiting when its last thread dies.
   */
  died(tid: number): number[] {
    const due = this.due(tid);
    // a tid the kernel hands out again is a new thread: its tree entries are written anew
    for (const t of due) {
      this.writtenThread.delete(t);
      if (t === this.tgids.get(t)) {
        this.writtenProcess.delete(t);
        this.gone.add(t);
      }
    }
    return due;
  }

  private due(tid: number): number[] {
    const tgid = this.tgids.get(tid);
    if (tgid === undefined) return [tid];
    const g = this.groups.get(tgid);
    if (tid === tgid) {
      if (g !== undefined && g.size > 0) {
        this.waitingLeaders.add(tgid);
        return [];
      }
      this.groups.delete(tgid);
      return [tid];
    }
    g?.delete(tid);
    this.tgids.delete(tid);
    if (g !== undefined && g.size === 0) {
      this.groups.delete(tgid);
      if (this.waitingLeaders.delete(tgid)) return [tid, tgid];
    }
    return [tid];
  }

  /** Queues the ProcessTree entries that changed for this thread and its process. */
  private note(ts: number, tid: number): void {
    const tgid = this.tgids.get(tid);
    if (tgid === undefined || tid <= 0) return;
    const filename = this.filenames.get(tgid);
    const leaderComm = this.comms.get(tgid);
    const cmdline = filename ?? leaderComm;
    if (cmdline !== undefined) {
      // a process without a known cmdline is made by its threads' entries (trace_processor skips a Process without one)
      // the parent as at the fork, while it lives; an entry written again only when the cmdline changes
      const parent = this.parents.get(tgid);
      const ppid = parent === undefined || this.gone.has(parent) ? null : parent;
      const key = `${filename === undefined ? 'c' : 'f'}\0${cmdline}`;
      if (this.writtenProcess.get(tgid) !== key) {
        this.writtenProcess.set(tgid, key);
        this.delta(ts).processes.push({ pid: tgid, ppid, cmdline, cmdlineIsComm: filename === undefined });
      }
    }
    const name = this.comms.get(tid) ?? '';
    const key = `${tgid}\0${name}`;
    if (this.writtenThread.get(tid) !== key) {
      this.writtenThread.set(tid, key);
      this.delta(ts).threads.push({ tid, tgid, name });
    }
  }

  private delta(ts: number): ProcessTreeDelta {
    if (this.pending !== null && this.pending.ts !== ts) throw new Error('a ProcessTree delta spans two times');
    this.pending ??= { ts, processes: [], threads: [] };
    return this.pending;
  }

  /** The entries queued since the last call, or null. */
  takeDelta(): ProcessTreeDelta | null {
    const d = this.pending;
    this.pending = null;
    return d;
  }
}
