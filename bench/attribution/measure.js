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
import { matchWakeups } from './match.js';
import { parseTimehistWakeups } from './perf-wakeups.js';
import { diskCompletion } from './workloads.js';

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

const top = (map, n = 3) =>
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
 * Measure workload `w` in directory `dir` (on the disk: the fsync workload writes there), its loops
 * scaled by `scale` (1 for the bench).
 */
export async function measureWorkload(w, dir, scale = 1) {
  const { ids, capture, timehist, attempts } = recordBoth(w, dir, scale, (await w.prepare?.()) ?? {});
  const truth = w.parse(readFileSync(ids, 'utf8'));
  const pids = w.pids?.(truth) ?? [];
  const tids = w.tids?.(truth) ?? [];
  const also = w.also?.(truth) ?? [];

  // lifeline: every wakeup of the processes involved, with its source, cause and on-CPU task
  const cap = await openCapture(capture);
  let analysis;
  try {
    analysis = await analyze(cap, {
      ...(pids.length + also.length > 0 ? { pid: [...pids, ...also] } : {}),
      ...(tids.length > 0 ? { tid: tids } : {}),
      detail: { maxWakeups: 2_000_000, maxIntervals: 1, maxCpuSpans: 1 },
    });
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

  const ours = analysis.detail.wakeups.filter((r) => judged(r.tid));
  const theirs = perfLines.filter((p) => judged(p.target.tid));
  const { pairs, onlyA, onlyB, offsetNs } = matchWakeups(ours, theirs, {
    tidA: (r) => r.tid,
    tsA: (r) => startNs + r.ts,
    tidB: (p) => p.target.tid,
    tsB: (p) => p.ts,
    toleranceNs: TOLERANCE_NS,
  });

  // a wakeup that ended a sleep (not a thread's creation, not a spurious waking)
  const counted = pairs.filter(([r]) => !r.flags.spurious && r.sleptNs !== null);
  const res = {
    wakeups: counted.length,
    lifeline: 0,
    perf: 0,
    naive: 0,
    unknown: 0,
    naiveLucky: 0,
    onlyLifeline: onlyA.length,
    onlyPerf: onlyB.length,
    offsetUs: offsetNs / 1000,
    attempts,
  };
  const wrong = { lifeline: new Map(), perf: new Map(), naive: new Map() };
  for (const [r, p] of counted) {
    const answers = {
      lifeline: r.cause ?? r.source,
      perf: { kind: 'task', tid: p.waker.tid, tgid: p.waker.tgid, comm: p.waker.comm },
      naive: r.onCpu
        ? { kind: 'task', tid: r.onCpu.tid, comm: r.onCpu.comm }
        : { kind: 'task', tid: 0, comm: 'swapper' },
    };
    // any thread blocked (D) on a page-in or a write is rightly woken by the disk's completion
    const right = (a) => w.right(a, r.tid, truth, tgidOf) || (r.sleepState === 'D' && diskCompletion(a));
    for (const [tool, a] of Object.entries(answers)) {
      if (right(a)) res[tool]++;
      else tally(wrong[tool], kindOf(a));
    }
    if (answers.lifeline.kind === 'unknown') res.unknown++;
    // the naive view right although an interrupt ran the wakeup: the on-CPU task was the cause
    if (r.source.kind !== 'task' && right(answers.naive)) res.naiveLucky++;
  }
  res.wrong = Object.fromEntries(Object.entries(wrong).map(([k, m]) => [k, top(m)]));
  return res;
}
