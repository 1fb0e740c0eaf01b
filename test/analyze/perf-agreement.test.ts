/**
 * Agreement with perf: one workload recorded by `perf sched record` and `lifeline record`
 * at the same time; per-thread sched-in counts and run times must agree with
 * `perf sched timehist -s` (counts within 1%, run time within 2%).
 *
 * The CPUs are kept busy by stress: on these VMs perf.data lacks every switch *from the
 * idle task* on CPU 1 (seen: 310 switches to idle, 0 from idle, where lifeline recorded
 * 112 and 112), so timehist charges a thread's sleep on an idle CPU 1 as run time. With
 * no idle time both tools see the same switches. The ring threads work 30 µs per token:
 * both tools stamp a switch inside the same tracepoint call, one after the other, so a
 * slice differs by the time the other tool's handler takes at its ends (a fraction of a
 * microsecond); on 5 µs slices that alone is 3%. A nanosleep loop is left out: even with
 * stress running, perf.data at times lacks its switch-ins on CPU 1 and timehist charges
 * its sleeps as run time (seen: 6.4 ms against lifeline's 3.1 ms). See docs/metrics.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCapture } from '../../src/capture/index.js';
import { analyze } from '../../src/analyze/index.js';
import type { AnalysisResult } from '../../src/analyze/types.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { rawSleeps, readRows } from '../helpers/capture-rows.js';
import { skipRecording, skipReason } from '../helpers/root.js';

interface PerfRow {
  comm: string;
  tid: number;
  count: number;
  runMs: number;
}

/** Rows of the "Runtime summary" of `perf sched timehist -s`. */
function parseTimehistSummary(text: string): Map<number, PerfRow> {
  const rows = new Map<number, PerfRow>();
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*(.+)\[(\d+)(?:\/\d+)?\]\s+(\d+)\s+(\d+)\s+([\d.]+)\s/);
    if (m) rows.set(Number(m[2]), { comm: m[1]!.trim(), tid: Number(m[2]), count: Number(m[4]), runMs: Number(m[5]) });
  }
  return rows;
}

/**
 * Threads whose switches perf.data holds in a consistent order (every switch-out after a
 * switch-in of the same thread). perf.data at times lacks a switch on this VM; timehist then
 * merges two slices and the gap between them, and its run time cannot be compared.
 */
function perfConsistent(perfData: string, tids: number[]): Set<number> {
  const out = spawnSync('perf', ['script', '-i', perfData, '-F', 'trace'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const onCpu = new Map<number, boolean>();
  const bad = new Set<number>();
  const want = new Set(tids);
  for (const line of out.stdout.split('\n')) {
    const m = line.match(/prev_pid=(\d+) .*next_pid=(\d+) /);
    if (!m) continue;
    const prev = Number(m[1]);
    const next = Number(m[2]);
    if (want.has(prev)) {
      if (onCpu.get(prev) === false) bad.add(prev);
      onCpu.set(prev, false);
    }
    if (want.has(next)) {
      if (onCpu.get(next) === true) bad.add(next);
      onCpu.set(next, true);
    }
  }
  return new Set(tids.filter((t) => !bad.has(t)));
}

describe.skipIf(skipRecording)(`agreement with perf sched timehist -s (${skipReason})`, () => {
  let perf: Map<number, PerfRow>;
  let ours: AnalysisResult;
  let tids: number[];
  let consistent: Set<number>;
  /** Threads whose switches in lifeline's capture pair up (none left out by the kernel). */
  let complete: Set<number>;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-perf-'));
    const perfData = path.join(dir, 'perf.data');
    const capture = path.join(dir, 'run.db');
    const ids = path.join(dir, 'ids');
    const wl = (n: string) => path.join(ROOT, 'build/workloads', n);
    const workload =
      `stress --cpu 2 --timeout 30 >/dev/null 2>&1 & S=$!; sleep 0.1; ` +
      `${wl('ll-pingpong')} 3000 > ${ids}.pp; ${wl('ll-ring')} 3 1000 30 > ${ids}.ring; ` +
      `kill $S; wait`;
    const r = spawnSync(
      'perf',
      [
        'sched',
        'record',
        '-q',
        '-o',
        perfData,
        '--',
        process.execPath,
        BIN,
        'record',
        '-o',
        capture,
        '--',
        'sh',
        '-c',
        workload,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    tids = [
      ...readFileSync(`${ids}.pp`, 'utf8').trim().split(' '),
      ...readFileSync(`${ids}.ring`, 'utf8').trim().split(' '),
    ].map(Number);
    const th = spawnSync('perf', ['sched', 'timehist', '-s', '-i', perfData], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(th.status, th.stderr).toBe(0);
    perf = parseTimehistSummary(th.stdout);
    consistent = perfConsistent(perfData, tids);
    const cap = await openCapture(capture);
    ours = (await analyze(cap)).result;
    cap.close();
    const { rows } = await readRows(capture);
    complete = new Set(tids.filter((tid) => rawSleeps(rows, tid).broken === 0));
  });

  it('counts the same sched-ins per thread (within 1%)', () => {
    for (const tid of tids) {
      const p = perf.get(tid);
      const t = ours.threads.find((x) => x.tid === tid);
      expect(p, `perf has thread ${tid}`).toBeDefined();
      expect(t, `lifeline has thread ${tid}`).toBeDefined();
      expect(
        Math.abs(t!.slices - p!.count) / p!.count,
        `${p!.comm}[${tid}]: ${t!.slices} vs perf ${p!.count}`,
      ).toBeLessThanOrEqual(0.01);
    }
  });

  it('measures the same run time per thread (within 2%)', () => {
    // Compared where both recordings hold every switch of the thread, as their raw records show
    // (switches pair up in and out): a switch the kernel never emitted (docs/metrics.md "Lost
    // events") leaves a slice that neither tool can measure. Where lifeline's records are complete
    // the engine must not call the thread uncertain.
    const certain = (tid: number) => ours.threads.find((x) => x.tid === tid)?.uncertain !== true;
    for (const tid of complete) expect(certain(tid), `thread ${tid}: complete records, yet uncertain`).toBe(true);
    const compared = tids.filter((tid) => consistent.has(tid) && complete.has(tid));
    if (compared.length < tids.length)
      console.warn(
        `perf.data lacks switches of ${tids.filter((t) => !consistent.has(t)).length} and lifeline's capture of ${tids.filter((t) => !complete.has(t)).length} of ${tids.length} threads; their run time is not compared`,
      );
    expect(compared.length).toBeGreaterThanOrEqual(3);
    for (const tid of compared) {
      const p = perf.get(tid)!;
      const t = ours.threads.find((x) => x.tid === tid)!;
      const runMs = t.runNs / 1e6;
      expect(
        Math.abs(runMs - p.runMs) / p.runMs,
        `${p.comm}[${tid}]: ${runMs} ms vs perf ${p.runMs} ms`,
      ).toBeLessThanOrEqual(0.02);
    }
  });
});
