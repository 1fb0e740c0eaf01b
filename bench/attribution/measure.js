// One workload of bench:attribution, measured: recorded by `perf sched record` and `lifeline record`
// at the same time (perf runs lifeline, which runs the workload; both record the whole machine on
// CLOCK_MONOTONIC), the wakeups of its threads matched across the two recordings by (thread, time),
// and each tool's waker judged against the known answer (workloads.js). lifeline's answer is read
// from its public API: a wakeup's cause, or its source when it has none. The naive view is the task
// lifeline saw on the waking CPU.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, openCapture } from '../../dist/api.js';
import { Flag, Kind } from '../../dist/format/index.js';
import { matchWakeups } from './match.js';
import { diskCompletion, diskOf } from './workloads.js';
import { parseTimehistWakeups } from './perf-wakeups.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/lifeline.js');
/** Around the median offset between the two tools' stamps of one waking (match.js). */
export const TOLERANCE_NS = 8000;

function run(argv, what) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
  return r.stdout;
}

function label(a) {
  if (a.kind === 'missing') return 'no wakeup seen';
  if (a.kind === 'task') return a.tid === 0 ? 'idle (swapper)' : `${a.comm}[${a.tid}]`;
  if (a.kind === 'unknown') return `unknown (${a.name ?? '?'})`;
  return `${a.kind} ${a.name ?? ''}`.trim();
}

/** Thread ids are per run: wrong answers are summed by name ("stress", "softirq NET_RX"). */
function kindOf(a) {
  return a.kind === 'task' ? (a.tid === 0 ? 'idle (swapper)' : a.comm) : label(a);
}

function tally(map, key) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const top = (map, n = Number(process.env.BENCH_TOP ?? 3)) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');

/**
 * perf sched record runs lifeline record, which runs the workload. perf 6.1 at times cannot read
 * back its own recording ("failed to process type: 17 [Bad address]": a KSYMBOL event, emitted
 * when any BPF program is loaded or unloaded on the machine, with an id it cannot place); then
 * the run is recorded again, at most ATTEMPTS times.
 */
const ATTEMPTS = 3;
function recordBoth(w, dir, scale, extra) {
  const ids = path.join(dir, 'ids');
  const perfData = path.join(dir, 'perf.data');
  const capture = path.join(dir, 'run.db');
  const shell = `IDS=${ids}; ${w.shell(ids, dir, scale, extra)}`;
  for (let attempt = 1; ; attempt++) {
    for (const f of [ids, perfData, capture]) rmSync(f, { force: true });
    run(
      [
        'perf',
        'sched',
        'record',
        '-k',
        'CLOCK_MONOTONIC',
        '-q',
        '-o',
        perfData,
        '--',
        process.execPath,
        bin,
        'record',
        '-o',
        capture,
        '--',
        'sh',
        '-c',
        shell,
      ],
      `recording ${w.name}`,
    );
    const th = spawnSync('perf', ['sched', 'timehist', '-w', '-i', perfData], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (th.status === 0) return { ids, capture, timehist: th.stdout, attempts: attempt };
    if (attempt >= ATTEMPTS)
      throw new Error(`perf sched timehist -w failed ${ATTEMPTS} times: ${th.stderr.trim().split('\n').pop()}`);
    process.stderr.write(
      `${w.name}: perf cannot read its recording (${th.stderr.trim().split('\n').pop()}), recording again\n`,
    );
  }
}

/**
 * Wakings that ended a sleep of a judged thread, from the raw facts alone: the thread's last switch
 * took it off the CPU in a sleeping state (not runnable, not preempted) and no switch has put it back
 * since. Returns { tid, ts, state } with ts absolute (the capture's clock) and the kernel's state
 * bits when it left the CPU, in time order.
 */
async function sleepEndings(cap, judged) {
  const asleep = new Map();
  const stateOf = new Map();
  const out = [];
  for await (const b of cap.batches()) {
    for (let i = 0; i < b.length; i++) {
      const kind = b.kind[i];
      if (kind === Kind.SWITCH) {
        const prev = b.tid[i];
        const next = b.tid2[i];
        if (judged(prev)) {
          asleep.set(prev, b.a[i] !== 0 && (b.flags[i] & Flag.PREEMPT) === 0);
          stateOf.set(prev, b.a[i]);
        }
        if (judged(next)) asleep.set(next, false);
      } else if (kind === Kind.WAKING) {
        const tid = b.tid[i];
        if (asleep.get(tid)) {
          out.push({ tid, ts: b.ts[i], state: stateOf.get(tid) ?? 0 });
          asleep.set(tid, false);
        }
      }
    }
  }
  return out;
}

/**
 * Measure workload `w` in directory `dir` (on the disk: the fsync workload writes there), its loops
 * scaled by `scale` (1 for the bench).
 */
export async function measureWorkload(w, dir, scale = 1) {
  const extra = (await w.prepare?.(dir)) ?? {};
  const { ids, capture, timehist, attempts } = recordBoth(w, dir, scale, extra);
  // the disk under the project: its page-ins and the fsync workload's writes complete there
  const truth = { ...diskOf(dir), ...extra, ...w.parse(readFileSync(ids, 'utf8')) };
  const pids = w.pids?.(truth) ?? [];
  const tids = w.tids?.(truth) ?? [];
  const also = w.also?.(truth) ?? [];

  // lifeline: every wakeup of the processes involved, with its source, cause and on-CPU task
  const cap = await openCapture(capture);
  let analysis;
  let endings;
  try {
    analysis = await analyze(cap, {
      ...(pids.length + also.length > 0 ? { pid: [...pids, ...also] } : {}),
      ...(tids.length > 0 ? { tid: tids } : {}),
      detail: { maxWakeups: 2_000_000, maxIntervals: 1, maxCpuSpans: 1 },
    });
    const tgidOfRaw = new Map(analysis.result.threads.map((t) => [t.tid, t.tgid]));
    endings = await sleepEndings(cap, (tid) => tids.includes(tid) || pids.includes(tgidOfRaw.get(tid) ?? tid));
  } finally {
    cap.close();
  }
  const startNs = cap.meta.startNs;
  const tgid = new Map(analysis.result.threads.map((t) => [t.tid, t.tgid]));

  // perf: its wakeup lines (the waker is the task current at sched_waking)
  const perfLines = parseTimehistWakeups(timehist);
  for (const p of perfLines) {
    if (!tgid.has(p.waker.tid)) tgid.set(p.waker.tid, p.waker.tgid);
    if (!tgid.has(p.target.tid)) tgid.set(p.target.tid, p.target.tgid);
  }
  const tgidOf = (tid) => tgid.get(tid) ?? tid;
  const judged = (tid) => tids.includes(tid) || pids.includes(tgidOf(tid));

  // What is graded: every waking that ended a sleep of a judged thread, found from the raw switch
  // facts (not from the engine's conclusions). Each tool's answer for it: lifeline's wakeup record
  // at that instant (none: wrong), perf's timehist line paired with it (none: wrong).
  const ourByKey = new Map(analysis.detail.wakeups.map((r) => [`${r.tid}@${startNs + r.ts}`, r]));
  const theirs = perfLines.filter((p) => judged(p.target.tid));
  const { pairs, onlyA, onlyB, offsetNs } = matchWakeups(endings, theirs, {
    tidA: (e) => e.tid,
    tsA: (e) => e.ts,
    tidB: (p) => p.target.tid,
    tsB: (p) => p.ts,
    toleranceNs: TOLERANCE_NS,
  });
  const perfOf = new Map(pairs);
  // the denominator: the sleeps found, never fewer than the design makes (a missed sleep is wrong)
  const designed = w.sleeps?.(truth, scale) ?? { min: 0, max: null };
  const res = {
    designed,
    sleeps: endings.length,
    /** Of them, the D sleeps (state bit 2): outside every design here, page-ins. */
    sleepsD: endings.filter((e) => (e.state & 2) !== 0).length,
    wakeups: Math.max(designed.min, endings.length),
    lifeline: 0,
    perf: 0,
    naive: 0,
    unknown: 0,
    missedLifeline: 0,
    missedPerf: onlyA.length,
    naiveLucky: 0,
    onlyPerf: onlyB.length,
    offsetUs: offsetNs / 1000,
    attempts,
  };
  const wrong = { lifeline: new Map(), perf: new Map(), naive: new Map() };
  for (const e of endings) {
    const r = ourByKey.get(`${e.tid}@${e.ts}`);
    const p = perfOf.get(e);
    if (!r) res.missedLifeline++;
    const answers = {
      lifeline: r ? (r.cause ?? r.source) : { kind: 'missing' },
      perf: p ? { kind: 'task', tid: p.waker.tid, tgid: p.waker.tgid, comm: p.waker.comm } : { kind: 'missing' },
      naive: r?.onCpu
        ? { kind: 'task', tid: r.onCpu.tid, comm: r.onCpu.comm }
        : r
          ? { kind: 'task', tid: 0, comm: 'swapper' }
          : { kind: 'missing' },
    };
    // a sleep in D outside the design (a page-in of the binary on a loaded machine) is rightly
    // ended by the disk; the raw state says which sleeps were D
    const right = (a) =>
      a.kind !== 'missing' &&
      (w.right(a, e.tid, truth, tgidOf, e) || ((e.state & 2) !== 0 && diskCompletion(a, truth.disk)));
    for (const [tool, a] of Object.entries(answers)) {
      if (right(a)) res[tool]++;
      else tally(wrong[tool], kindOf(a));
    }
    if (answers.lifeline.kind === 'unknown') res.unknown++;
    // the naive view right although an interrupt ran the wakeup: the on-CPU task was the cause
    if (r && r.source.kind !== 'task' && right(answers.naive)) res.naiveLucky++;
  }
  res.wrong = Object.fromEntries(Object.entries(wrong).map(([k, m]) => [k, top(m)]));
  return res;
}
