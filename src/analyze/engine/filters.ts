/**
 * Thread selection (--pid, --tid, --comm): a thread is kept when any given
 * filter matches it (no filter keeps all). --comm matches the thread's
 * latest name, so selection happens after the replay. The options were checked at
 * the API boundary (src/options).
 */
import type { ThreadTable } from './thread-table.js';
import type { AnalyzeOptions } from '../types.js';

export type ThreadFilter = (th: number) => boolean;

export function threadFilter(opts: AnalyzeOptions, threads: ThreadTable): ThreadFilter {
  const pids = opts.pid !== undefined && opts.pid.length > 0 ? new Set(opts.pid) : null;
  const tids = opts.tid !== undefined && opts.tid.length > 0 ? new Set(opts.tid) : null;
  // Without g/y a RegExp keeps no state between test() calls.
  const comm = opts.comm !== undefined ? new RegExp(opts.comm.source, opts.comm.flags.replace(/[gy]/g, '')) : null;
  if (pids === null && tids === null && comm === null) return () => true;
  return (th) => {
    const rec = threads.recs[th]!;
    return (
      (tids !== null && tids.has(rec.tid)) ||
      (pids !== null && pids.has(threads.tgidOf(th))) ||
      (comm !== null && comm.test(rec.comm))
    );
  };
}
