// Pairs the wakeups two recorders saw of the same event: same target thread, nearly the same time.
// Both stamp the same sched_waking call on CLOCK_MONOTONIC, one handler after the other, so their
// stamps differ by a few microseconds (and perf prints microseconds). That offset is estimated
// first (the median distance to the nearest wakeup of the same thread on the other side, from the
// side with fewer wakeups); then
// each side's wakeups of one thread are paired in time order, nearest first, within a tolerance
// around the offset.

/** Index of the first element of a sorted list not below x. */
function lowerBound(list, x, ts) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts(list[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Wakeups by thread, each thread's in time order. */
function groupByTid(xs, tid, ts) {
  const byTid = new Map();
  for (const x of xs) {
    const list = byTid.get(tid(x));
    if (list) list.push(x);
    else byTid.set(tid(x), [x]);
  }
  for (const list of byTid.values()) list.sort((x, y) => ts(x) - ts(y));
  return byTid;
}

/**
 * @template A, B
 * @param {A[]} as
 * @param {B[]} bs
 * @param {{ tidA: (x: A) => number, tsA: (x: A) => number, tidB: (x: B) => number, tsB: (x: B) => number, toleranceNs: number }} how
 * @returns {{ pairs: [A, B][], onlyA: A[], onlyB: B[], offsetNs: number }}
 */
export function matchWakeups(as, bs, how) {
  const { tidA, tsA, tidB, tsB, toleranceNs } = how;
  const byTid = groupByTid(bs, tidB, tsB);
  const sortedA = [...as].sort((x, y) => tsA(x) - tsA(y));

  // 1. the offset between the two clocks' stamps of one event, from the side that saw fewer: each of
  //    its wakeups has its own event on the other side, while most of the larger side's may have
  //    nothing there (perf lacks the softirq wakings of an idle CPU), so their nearest is noise
  const byTidA = groupByTid(sortedA, tidA, tsA);
  const nearestOf = (xs, tidX, tsX, lists, tsY) => {
    const out = [];
    for (const x of xs) {
      const list = lists.get(tidX(x)) ?? [];
      const i = lowerBound(list, tsX(x), tsY);
      const d = [i - 1, i].filter((j) => j >= 0 && j < list.length).map((j) => tsX(x) - tsY(list[j]));
      if (d.length) out.push(d.reduce((p, q) => (Math.abs(q) < Math.abs(p) ? q : p)));
    }
    return out;
  };
  const nearest =
    bs.length < as.length
      ? nearestOf(bs, tidB, tsB, byTidA, tsA).map((d) => -d)
      : nearestOf(sortedA, tidA, tsA, byTid, tsB);
  nearest.sort((x, y) => x - y);
  const offsetNs = nearest.length ? nearest[Math.floor(nearest.length / 2)] : 0;

  // 2. pairs in time order, nearest first, within the tolerance around the offset
  const used = new Set();
  const pairs = [];
  const onlyA = [];
  for (const a of sortedA) {
    const list = byTid.get(tidA(a)) ?? [];
    const t = tsA(a) - offsetNs;
    let best = -1;
    for (let j = lowerBound(list, t - toleranceNs, tsB); j < list.length && tsB(list[j]) <= t + toleranceNs; j++) {
      if (used.has(list[j])) continue;
      if (best < 0 || Math.abs(tsB(list[j]) - t) < Math.abs(tsB(list[best]) - t)) best = j;
    }
    if (best < 0) onlyA.push(a);
    else {
      used.add(list[best]);
      pairs.push([a, list[best]]);
    }
  }
  return { pairs, onlyA, onlyB: bs.filter((b) => !used.has(b)), offsetNs };
}
