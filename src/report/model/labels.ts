import { sanitize } from '../../analyze/index.js';
import type { AnalysisResult } from '../../analyze/index.js';
import type { CaptureMeta } from '../../capture/index.js';

/*
 * Names come from the traced machine and are untrusted: control, bidi and line-separator
 * characters are shown as escapes (HTML and script escaping happen later, on output).
 */

/** A name as shown: control and bidi characters escaped. */
export function shownName(name: string): string {
  return sanitize(name);
}

/** The capture's own strings as the page shows them, escaped once like every name. */
export interface ShownCapture {
  host: string;
  kernel: string;
  /** The command's words (null for a whole-machine capture). */
  command: string[] | null;
}

export function shownCapture(meta: CaptureMeta): ShownCapture {
  return {
    host: sanitize(meta.hostname),
    kernel: sanitize(meta.kernel),
    command: meta.command ? meta.command.map(sanitize) : null,
  };
}

/** The lane label of a thread, "comm tid". */
export function threadLabel(comm: string | undefined, tid: number): string {
  return comm ? `${sanitize(comm)} ${tid}` : `tid ${tid}`;
}

/** The label of a process, "comm (pid N)". */
export function processLabel(comm: string | undefined, tgid: number): string {
  return comm ? `${sanitize(comm)} (pid ${tgid})` : `pid ${tgid}`;
}

/** Names and processes of the threads the analysis knows, by tid. */
export class ThreadDirectory {
  private readonly threads = new Map<number, { comm: string; tgid: number; runNs: number }>();
  private readonly processes = new Map<number, { comm: string; runNs: number }>();

  constructor(result: AnalysisResult) {
    for (const p of result.processes) this.processes.set(p.tgid, { comm: p.comm, runNs: p.runNs });
    for (const t of result.threads) this.threads.set(t.tid, { comm: t.comm, tgid: t.tgid, runNs: t.runNs });
  }

  /** Learn a name the detail mentions but the thread table lacks (e.g. a waker outside the filter). */
  learn(tid: number, comm: string | undefined, tgid: number | undefined): void {
    if (this.threads.has(tid) || comm === undefined) return;
    this.threads.set(tid, { comm, tgid: tgid ?? tid, runNs: 0 });
  }

  label(tid: number): string {
    return threadLabel(this.threads.get(tid)?.comm, tid);
  }

  tgid(tid: number): number {
    return this.threads.get(tid)?.tgid ?? tid;
  }

  runNs(tid: number): number {
    return this.threads.get(tid)?.runNs ?? 0;
  }

  processLabel(tgid: number): string {
    return processLabel(this.processes.get(tgid)?.comm ?? this.threads.get(tgid)?.comm, tgid);
  }

  processRunNs(tgid: number): number {
    return this.processes.get(tgid)?.runNs ?? 0;
  }
}
