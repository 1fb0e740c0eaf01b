/**
 * What the export knows about each thread as the stream goes by: its name,
 * process and last priority, and the ProcessTree entries not yet written.
 * Memory grows with the number of threads, never with the number of events.
 */

export interface ProcessEntry {
  pid: number;
  ppid: number | null;
  /** The exec'd filename, or the process name when no exec was seen (cmdlineIsComm). */
  cmdline: string | null;
  cmdlineIsComm: boolean;
}

export interface ThreadEntry {
  tid: number;
  tgid: number;
  name: string;
}

export interface ProcessTreeDelta {
  /** Boottime ns of the earliest fact in it. */
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

  /** A thread is named (first seen, forked, exec'd or renamed); returns its previous name. */
  named(ts: number, tid: number, tgid: number, comm: string): string {
    const old = this.comms.get(tid) ?? '';
    this.comms.set(tid, comm);
    if (tgid > 0) this.tgids.set(tid, tgid);
    this.note(ts, tid);
    return old;
  }

  forked(ts: number, child: number, childTgid: number, parent: number, parentTgid: number): void {
    const parentComm = this.comms.get(parent);
    if (parentComm !== undefined && !this.comms.has(child)) this.comms.set(child, parentComm);
    this.tgids.set(child, childTgid);
    if (child === childTgid && parentTgid > 0) this.parents.set(childTgid, parentTgid);
    this.filenames.delete(childTgid);
    this.note(ts, child);
  }

  execed(ts: number, tid: number, tgid: number, filename: string): void {
    if (tgid > 0) {
      this.tgids.set(tid, tgid);
      this.filenames.set(tgid, filename);
    }
    this.note(ts, tid);
  }

  /** Queues the ProcessTree entries that changed for this thread and its process. */
  private note(ts: number, tid: number): void {
    const tgid = this.tgids.get(tid);
    if (tgid === undefined || tid <= 0) return;
    const name = this.comms.get(tid) ?? '';
    if (tid !== tgid) {
      const key = `${tgid}\0${name}`;
      if (this.writtenThread.get(tid) !== key) {
        this.writtenThread.set(tid, key);
        this.delta(ts).threads.push({ tid, tgid, name });
      }
    }
    const filename = this.filenames.get(tgid);
    const leaderComm = this.comms.get(tgid);
    const cmdline = filename ?? leaderComm ?? null;
    const ppid = this.parents.get(tgid) ?? null;
    const key = `${ppid}\0${filename === undefined ? 'c' : 'f'}\0${cmdline}`;
    if (this.writtenProcess.get(tgid) !== key) {
      this.writtenProcess.set(tgid, key);
      this.delta(ts).processes.push({ pid: tgid, ppid, cmdline, cmdlineIsComm: filename === undefined });
    }
  }

  private delta(ts: number): ProcessTreeDelta {
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
