// Wakeups as `perf sched timehist -w` prints them: "TIME [CPU]  WAKER[tid/pid]  awakened: TARGET[tid/pid]".
// The waker perf names is the task that was current when sched_waking (or sched_wakeup_new) fired.
// Comms are whatever the traced machine named its tasks: they may hold spaces and brackets, so a
// line is split at the last "[tid]" or "[tid/pid]" before " awakened: " and at the last one of the line.

// The idle task is printed as a bare name ("swapper"), without "[tid]": its tid is 0.
const LINE = /^\s*(\d+)\.(\d+)\s+\[(\d+)\]\s+(.*?)(?:\[(\d+)(?:\/(\d+))?\])?\s+awakened: (.*)\[(\d+)(?:\/(\d+))?\]\s*$/;

/** Seconds with a decimal fraction ("969.116222") to integer nanoseconds, without float rounding. */
function nanos(sec, frac) {
  return Number(sec) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

/**
 * @param {string} text the output of `perf sched timehist -w`
 * @returns {{ ts: number, cpu: number, waker: { tid: number, tgid: number, comm: string }, target: { tid: number, tgid: number, comm: string } }[]}
 */
export function parseTimehistWakeups(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.includes(' awakened: ')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const wakerTid = m[5] === undefined ? 0 : Number(m[5]);
    const targetTid = Number(m[8]);
    out.push({
      ts: nanos(m[1], m[2]),
      cpu: Number(m[3]),
      waker: { tid: wakerTid, tgid: m[6] === undefined ? wakerTid : Number(m[6]), comm: m[4].trim() },
      target: { tid: targetTid, tgid: m[9] === undefined ? targetTid : Number(m[9]), comm: m[7].trim() },
    });
  }
  return out;
}
