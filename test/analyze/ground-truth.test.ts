/**
 * Ground truth from real recordings: workloads whose scheduling is known in advance.
 * As root (always in CI) each scenario is recorded afresh; otherwise the fixtures are used.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/index.js';
import { analyze } from '../../src/analyze/index.js';
import type { AnalysisResult, ThreadMetrics, WakerCount } from '../../src/analyze/types.js';
import { Ctx } from '../../src/format/index.js';
import { rawSleeps, readRows, type RawSleepEnd } from '../helpers/capture-rows.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import { SCENARIO_SOURCES, scenarioCapture } from '../helpers/scenario.js';

async function analyzeFile(path: string): Promise<AnalysisResult> {
  const cap = await openCapture(path);
  try {
    return (await analyze(cap)).result;
  } finally {
    cap.close();
  }
}

function thread(r: AnalysisResult, tid: number): ThreadMetrics {
  const t = r.threads.find((x) => x.tid === tid);
  if (!t) throw new Error(`thread ${tid} not in the analysis`);
  return t;
}

const count = (ws: WakerCount[], pred: (w: WakerCount) => boolean) => ws.filter(pred).reduce((n, w) => n + w.count, 0);

describe.each(SCENARIO_SOURCES)('%s capture', (source) => {
  describe('a nanosleep loop under stress --cpu 2', () => {
    let r: AnalysisResult;
    let t: ThreadMetrics;
    let truth: { sleeper: number; sleeps: number; sleepMs: number };
    /** The sleeper's sleeps and preemptions, read from the raw records (not by the engine). */
    let raw: ReturnType<typeof rawSleeps>;
    /** Who ran when the sleeper was preempted (in the failure message). */
    let preemptors = '';
    let stressCuts = 0;
    beforeAll(async () => {
      const s = await scenarioCapture<typeof truth>('sleeper-stress', source);
      truth = s.truth;
      r = await analyzeFile(s.path);
      t = thread(r, truth.sleeper);
      const { rows, comm } = await readRows(s.path);
      raw = rawSleeps(rows, truth.sleeper);
      preemptors = [...new Set(raw.preempted.map((e) => `${comm.get(e.tid2) ?? '?'}[${e.tid2}]`))].join(' ');
      stressCuts = raw.preempted.filter((e) => comm.get(e.tid2) === 'stress').length;
    });

    it('finds N sleeps (±1 at the edges) of mean ≈ D', () => {
      // the design: one sleep (S) per clock_nanosleep, and the raw records agree; the D sleeps
      // are page-ins of the binary at its start (woken by the disk)
      const sleepsS = raw.ends.filter((e) => (e.state & 1) !== 0).length;
      expect(Math.abs(sleepsS - truth.sleeps)).toBeLessThanOrEqual(1);
      expect(t.sleepsS).toBe(sleepsS);
      expect(t.sleeps).toBe(raw.ends.length);
      expect(raw.ends.length - sleepsS).toBeLessThanOrEqual(3);
      // clock_nanosleep sleeps at least D, plus timer slack (50 µs) and wakeup latency; the mean
      // is within 10 % of D: the sleeper's few other sleeps (exec, first write) are ≤ 1 of N
      expect(Math.abs(t.sleepNs.mean - truth.sleepMs * 1e6)).toBeLessThan(truth.sleepMs * 1e6 * 0.1);
      expect(t.sleepNs.p50).toBeGreaterThanOrEqual(truth.sleepMs * 1e6);
    });

    it('answers each wakeup within one slice, but for the preemptions the raw records show', () => {
      // one burst per wakeup that ended a sleep, and the first run after the thread's creation; the
      // last may be cut by the capture's end
      expect(t.bursts).toBeGreaterThanOrEqual(raw.ends.length - 1);
      expect(t.bursts).toBeLessThanOrEqual(raw.ends.length + 1);
      // each extra slice is one preemption in the raw records (the one or two before the first
      // sleep, under taskset's move to CPU 1, are outside every burst)
      const extraSlices = Math.round(t.meanSlicesPerBurst * t.bursts) - t.bursts;
      expect(extraSlices).toBeLessThanOrEqual(raw.preempted.length);
      expect(raw.preempted.length - extraSlices).toBeLessThanOrEqual(2);
      // A burst lasts microseconds: stress, on the same CPU, nearly never cuts one. Other tasks of
      // the host can (kernel threads, the fair server on Linux >= 6.12, the test runner's own node
      // threads: one CI run saw 30 cuts in 52 bursts, by node and rcu_preempt), so only the cuts by
      // stress are bounded, and to "most bursts", not "all".
      expect(stressCuts, `preempted by ${preemptors}`).toBeLessThanOrEqual(t.bursts / 3);
    });

    it('is woken by hardirq local_timer/hrtimer_wakeup, never by stress', () => {
      const timer = count(
        t.wakers,
        (w) => w.source.kind === 'hardirq' && w.source.name === 'local_timer/hrtimer_wakeup',
      );
      // every sleep the raw records show ended in a hard interrupt is the timer's; one sleep at most
      // ends otherwise: taskset's move to CPU 1 at the start (migration/N, a task). A sleep whose
      // waking the kernel never emitted (raw.unwoken: seen on this guest while the sandbox's init
      // threads run, perf lacks them too) has no waker to name.
      const inIrq = raw.ends.filter((e) => e.ctx === Ctx.HARDIRQ).length;
      expect(inIrq).toBeGreaterThanOrEqual(truth.sleeps - 1 - raw.unwoken);
      expect(timer).toBe(inIrq);
      expect(count(t.wakers, (w) => w.source.kind === 'task' && w.source.comm === 'stress')).toBe(0);
    });

    it('counts as re-attributed the wakeups a naive tool would blame on the task on the CPU', () => {
      // the sleeper armed its own timer, the disk ended its page-ins: each wakeup in an interrupt
      // that cut a task (not the idle loop) is re-attributed from that task, as the raw records count
      const cutATask = raw.ends.filter((e) => e.ctx !== Ctx.TASK && e.current !== 0).length;
      expect(t.reattributed).toBe(cutATask);
      // all on CPU 1 with stress --cpu 2: the timer nearly always cuts stress
      expect(cutATask).toBeGreaterThanOrEqual(truth.sleeps * 0.9);
      expect(t.onCpuCause).toBe(0);
    });
  });

  describe('a pipe ping-pong between two processes', () => {
    let r: AnalysisResult;
    let truth: { ping: number; pong: number; rounds: number };
    let rows: EventRow[];
    beforeAll(async () => {
      const s = await scenarioCapture<typeof truth>('pingpong', source);
      truth = s.truth;
      r = await analyzeFile(s.path);
      rows = (await readRows(s.path)).rows;
    });

    // Wakeup preemption means not every round needs a wakeup on each side, but in every
    // round at least one side waits in read() for the other: rounds <= wakeups(ping) + wakeups(pong).
    for (const side of ['ping', 'pong'] as const) {
      it(`${side} is woken by its partner only (among tasks)`, () => {
        const me = thread(r, truth[side]);
        const partner = side === 'ping' ? truth.pong : truth.ping;
        const taskWakers = me.wakers.filter((w) => w.source.kind === 'task');
        // anything else is the start and the end (the shell's fork, taskset's move to CPU 0 by
        // migration/N, exit and wait); a loaded run once had one more, not from a task, at 92 of 95
        expect(count(taskWakers, (w) => w.source.tid !== partner)).toBeLessThanOrEqual(2);
        expect(count(taskWakers, (w) => w.source.tid === partner)).toBeGreaterThanOrEqual(me.wakeups - 3);
        // exactly the sleeps the raw records show ended by a waking with the partner current, and
        // for the child (pong) its creation by ping's fork
        const fromPartner = rawSleeps(rows, truth[side]).ends.filter(
          (e) => e.ctx === Ctx.TASK && e.current === partner,
        );
        const created = side === 'pong' ? 1 : 0;
        expect(count(taskWakers, (w) => w.source.tid === partner)).toBe(fromPartner.length + created);
        // the first wakeup of the child is its wakeup_new, which ends no sleep
        expect(Math.abs(me.sleeps - me.wakeups)).toBeLessThanOrEqual(1);
        expect(me.comm).toBe(side === 'ping' ? 'll-ping' : 'll-pong');
      });
    }

    it('needs at least one wakeup per round', () => {
      expect(thread(r, truth.ping).wakeups + thread(r, truth.pong).wakeups).toBeGreaterThanOrEqual(truth.rounds);
    });

    it('shows the two processes waking each other in the graph', () => {
      const edge = (from: number, to: number) =>
        r.edges
          .filter((e) => e.from.kind === 'task' && e.from.tid === from && e.to.tid === to)
          .reduce((n, e) => n + e.count, 0);
      expect(edge(truth.ping, truth.pong)).toBeGreaterThanOrEqual(thread(r, truth.pong).wakeups - 3);
      expect(edge(truth.pong, truth.ping)).toBeGreaterThanOrEqual(thread(r, truth.ping).wakeups - 3);
    });
  });

  describe('three threads of one process passing a token around a ring', () => {
    let r: AnalysisResult;
    let truth: { tids: number[]; rounds: number };
    const rawEnds = new Map<number, RawSleepEnd[]>();
    const rawPreempted = new Map<number, number>();
    beforeAll(async () => {
      const s = await scenarioCapture<typeof truth>('ring', source);
      truth = s.truth;
      r = await analyzeFile(s.path);
      const { rows } = await readRows(s.path);
      for (const tid of truth.tids) {
        const { ends, preempted } = rawSleeps(rows, tid);
        rawEnds.set(tid, ends);
        rawPreempted.set(tid, preempted.length);
      }
    });

    it('wakes each thread by its predecessor only', () => {
      const n = truth.tids.length;
      truth.tids.forEach((tid, i) => {
        const pred = truth.tids[(i + n - 1) % n]!;
        const me = thread(r, tid);
        const byPred = count(me.wakers, (w) => w.source.kind === 'task' && w.source.tid === pred);
        const others = count(me.wakers, (w) => w.source.kind === 'task' && w.source.tid !== pred);
        // the raw records: every sleep ended by a waking in task context with the predecessor current
        const fromPred = rawEnds.get(tid)!.filter((e) => e.ctx === Ctx.TASK && e.current === pred).length;
        expect(byPred, `ring-${i}`).toBe(fromPred);
        // a thread sleeps at most once per round; it finds the token already posted only when it
        // was preempted between its post and its wait (by the woken successor, on 2 CPUs)
        expect(fromPred, `ring-${i}`).toBeLessThanOrEqual(truth.rounds);
        expect(fromPred, `ring-${i}`).toBeGreaterThanOrEqual(truth.rounds - rawPreempted.get(tid)! - 1);
        // the thread's creation (wakeup_new by the main thread), the start barrier (glibc wakes its
        // waiters from whichever thread completes it) and, for ring-0, the first token from main
        expect(others, `ring-${i}`).toBeLessThanOrEqual(i === 0 ? 3 : 2);
      });
    });

    it('shows the process waking itself in the process view', () => {
      const tgid = thread(r, truth.tids[0]!).tgid;
      const proc = r.processes.find((p) => p.tgid === tgid);
      expect(proc).toBeDefined();
      expect(proc!.threads).toBeGreaterThanOrEqual(truth.tids.length);
      const self = count(proc!.wakers, (w) => w.source.kind === 'task' && w.source.tgid === tgid);
      const ringWakeups = truth.tids.reduce((n, tid) => n + thread(r, tid).wakeups, 0);
      expect(self).toBeGreaterThanOrEqual(ringWakeups - 1);
      expect(self).toBeGreaterThanOrEqual(truth.rounds);
    });
  });
});
