/**
 * Sleep seconds by reason in `lifeline serve`: the bounded family
 * lifeline_process_sleep_reason_seconds_total{comm, reason} (top reasons
 * of each process name, the rest in reason="other", monotonic across the live
 * rotation, untrusted reasons inert), then on real workloads: serve with
 * stacks on names the nanosleep of ll-sleeper and the pipe_read of
 * ll-pingpong, and a flight-recorder segment analyzed alone still has the
 * sleep reasons (its prelude repeats the stacks seen in earlier segments).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, emptyMetrics, type LiveAnalysis, type ProcessMetrics } from '../../src/analyze/index.js';
import type { SleepReason } from '../../src/analyze/types.js';
import { openCapture } from '../../src/capture/index.js';
import { Exporter, OTHER } from '../../src/serve/exporter.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';
import { hasCommand, sample, scrape, startGroup, startServe, waitFor, WORKLOADS, type Served } from './helpers.js';

const FAMILY = 'lifeline_process_sleep_reason_seconds_total';
const TOP = 5;

function reason(name: string, sNs: number, dNs = 0): SleepReason {
  return {
    reason: name,
    count: 1,
    ns: sNs + dNs,
    sleepsS: sNs > 0 ? 1 : 0,
    sleepsD: dNs > 0 ? 1 : 0,
    sleepSNs: sNs,
    sleepDNs: dNs,
    stacks: [],
    wakers: [],
  };
}

/** A stand-in for the live analysis: processes with given sleep reasons, in a given epoch. */
function fakeLive(epochs: number, procs: { tgid: number; comm: string; reasons: SleepReason[] }[]): LiveAnalysis {
  return {
    epochs,
    processes: () =>
      procs.map((p) => {
        const metrics: ProcessMetrics = { tgid: p.tgid, comm: p.comm, threads: 1, ...emptyMetrics() };
        metrics.runNs = 1e6;
        metrics.sleeps = p.reasons.length;
        metrics.sleepReasons = p.reasons;
        return { tgid: p.tgid, metrics };
      }),
    threadMetrics: () => [],
  } as unknown as LiveAnalysis;
}

/** The family's samples: labels → value, read from the text exposition. */
async function series(e: Exporter): Promise<{ comm: string; reason: string; value: number }[]> {
  const text = await e.exposition.text();
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${FAMILY}{`)) continue;
    const m = /^\S+\{comm="((?:[^"\\]|\\.)*)",reason="((?:[^"\\]|\\.)*)"\} (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    out.push({ comm: m![1]!, reason: m![2]!, value: Number(m![3]) });
  }
  return out;
}

const total = (xs: { value: number }[]) => xs.reduce((n, x) => n + x.value, 0);

describe('sleep seconds by reason: the bounded family', () => {
  it('gives the top reasons of a process name their own series and sums the rest as reason="other"', async () => {
    const e = new Exporter({ top: 40, watch: [], version: 'test' });
    // 12 reasons, r00 the longest: 12 s, 11 s, … 1 s (S), and a short one in D
    const reasons = Array.from({ length: 12 }, (_, i) => reason(`r${String(i).padStart(2, '0')}`, (12 - i) * 1e9));
    reasons.push(reason('io_schedule_d', 0, 0.5e9));
    e.collect(fakeLive(1, [{ tgid: 10, comm: 'app', reasons }]), 0);
    const s1 = await series(e);
    const own = new Set(s1.filter((x) => x.reason !== OTHER).map((x) => x.reason));
    expect([...own].sort()).toEqual(['r00', 'r01', 'r02', 'r03', 'r04']);
    expect(own.size).toBe(TOP);
    // nothing lost: the family sums to the time asleep
    expect(total(s1)).toBeCloseTo(78 + 0.5, 6);
    const other = s1.filter((x) => x.reason === OTHER);
    expect(other).toHaveLength(1);
    expect(total(other)).toBeCloseTo(7 + 6 + 5 + 4 + 3 + 2 + 1 + 0.5, 6);

    // later: a new reason, the busiest now, finds no free place; the admitted ones keep theirs
    const later = reasons.map((r, i) => (i === 0 ? reason(r.reason, r.sleepSNs + 2e9) : r));
    later.push(reason('newcomer', 40e9));
    e.collect(fakeLive(1, [{ tgid: 10, comm: 'app', reasons: later }]), 1000);
    const s2 = await series(e);
    expect(new Set(s2.map((x) => x.reason)).size).toBe(TOP + 1);
    const get = (s: typeof s1, r: string) => s.find((x) => x.reason === r)?.value ?? 0;
    expect(get(s2, 'r00')).toBeCloseTo(14, 6);
    expect(get(s2, OTHER)).toBeCloseTo(28.5 + 40, 6);

    // the live rotation: the new epoch's totals start at zero, the counters go on rising
    e.collect(fakeLive(2, [{ tgid: 10, comm: 'app', reasons: [reason('r00', 1e9), reason('r09', 3e9)] }]), 2000);
    const s3 = await series(e);
    for (const x of s2) {
      const now = s3.find((y) => y.reason === x.reason && y.comm === x.comm);
      expect(now!.value, x.reason).toBeGreaterThanOrEqual(x.value);
    }
    expect(get(s3, 'r00')).toBeCloseTo(15, 6);
    expect(get(s3, OTHER)).toBeCloseTo(68.5 + 3, 6);
    expect(total(s3)).toBeCloseTo(78.5 + 2 + 40 + 4, 6);
  });

  it('stays bounded for processes folded into comm="other", and frees idle places', async () => {
    const e = new Exporter({ top: 1, watch: [], version: 'test', retireMs: 10_000 });
    // the busiest process name takes the one place; 50 others, 20 reasons each, fold into "other"
    const procs = [{ tgid: 1, comm: 'busy', reasons: [reason('ep_poll', 5e9)] }];
    for (let p = 0; p < 50; p++)
      procs.push({
        tgid: 100 + p,
        comm: `p${p}`,
        reasons: Array.from({ length: 20 }, (_, i) => reason(`f${p}_${i}`, 1e6 * (i + 1))),
      });
    const live = fakeLive(1, procs);
    const busy = live.processes()[0]!.metrics;
    busy.runNs = 1e9;
    e.collect({ ...live, processes: () => [{ tgid: 1, metrics: busy }, ...live.processes().slice(1)] } as never, 0);
    const s = await series(e);
    const comms = new Set(s.map((x) => x.comm));
    expect(comms).toEqual(new Set(['busy', OTHER]));
    for (const c of comms)
      expect(new Set(s.filter((x) => x.comm === c).map((x) => x.reason)).size).toBeLessThanOrEqual(TOP + 1);
    expect(total(s)).toBeCloseTo(5 + 50 * ((20 * 21) / 2) * 1e-3, 6);
    // idle for the retire time: the places are freed and their series go
    e.collect(fakeLive(1, procs), 60_000);
    expect((await series(e)).filter((x) => x.reason !== OTHER)).toEqual([]);
  });

  it('makes a hostile reason one inert label value', async () => {
    const e = new Exporter({ top: 40, watch: [], version: 'test' });
    const nasty = 'a"b\\c\n\x1b[31m\x9b2J\u202e</script>;x';
    e.collect(fakeLive(1, [{ tgid: 7, comm: 'q"\x1b\n<script>', reasons: [reason(nasty, 1e9)] }]), 0);
    const text = await e.exposition.text();
    const lines = text.split('\n').filter((l) => l.startsWith(`${FAMILY}{`));
    expect(lines).toHaveLength(1);
    // no control character reaches the exposition (ESC, C1, newline inside the value)
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(lines[0]).toContain('reason="a\\"b\\\\c');
    if (hasCommand('promtool')) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.stderr).not.toMatch(/error|parse/i);
    }
  });
});

const skip = !canRecord && !mustRecord;
const SLEEPER = `llsr-${process.pid % 100000}`;

describe.skipIf(skip)(`sleep reasons in lifeline serve on real workloads (${skipReason})`, () => {
  let served: Served;
  let body = '';
  let sleeperPid = 0;
  const captureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-reasons-capture-'));

  beforeAll(async () => {
    served = await startServe(['--capture', captureDir, '--segment', '2s']);
    const run = startGroup(
      `d=$(mktemp -d); cp ${WORKLOADS}/ll-sleeper $d/${SLEEPER}; ${WORKLOADS}/ll-pingpong 20000 >/dev/null & $d/${SLEEPER} 700 10; wait; rm -r $d`,
    );
    await waitFor('the workloads to finish', 60_000, () =>
      run.child.exitCode !== null || run.child.signalCode !== null ? true : undefined,
    );
    sleeperPid = Number(run.output().trim());
    const endedAt = performance.now();
    ({ body } = await waitFor('serve to replay past the workloads’ end', 30_000, async () => {
      const at = performance.now();
      const r = await scrape(served.url);
      return at - sample(r.body, 'lifeline_replay_lag_seconds') * 1000 >= endedAt ? r : undefined;
    }));
    expect(await served.stop()).toBe(0);
  }, 120_000);

  afterAll(() => {
    fs.rmSync(captureDir, { recursive: true, force: true });
  });

  /** A process name's sleep seconds by reason (both states), and their total. */
  const byReason = (comm: string) => {
    const out = new Map<string, number>();
    for (const m of body.matchAll(new RegExp(`^${FAMILY}\\{comm="${comm}",reason="([^"]*)"\\} (\\S+)$`, 'gm')))
      out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
    return { out, all: [...out.values()].reduce((x, y) => x + y, 0) };
  };

  it('the sleeper sleeps in do_nanosleep: most of its sleep seconds', () => {
    const { out, all } = byReason(SLEEPER);
    // 700 sleeps of 10 ms
    expect(all).toBeGreaterThan(6.5);
    // every complete sleep has a reason ("(no stack)" at worst): the family adds up to the time asleep
    expect(all).toBeCloseTo(sample(body, 'lifeline_process_asleep_seconds_total', { comm: SLEEPER }), 6);
    const nano = (out.get('do_nanosleep') ?? 0) + (out.get('hrtimer_nanosleep') ?? 0);
    expect(nano / all, JSON.stringify([...out])).toBeGreaterThanOrEqual(0.9);
    expect(out.size).toBeLessThanOrEqual(TOP + 1);
  });

  it('the ping-pong partners sleep in pipe_read', () => {
    for (const comm of ['ll-ping', 'll-pong']) {
      const { out, all } = byReason(comm);
      expect(all, comm).toBeGreaterThan(0);
      const pipe = [...out].filter(([r]) => /pipe_read$/.test(r)).reduce((n, [, v]) => n + v, 0);
      expect(pipe / all, `${comm} ${JSON.stringify([...out])}`).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('counts the stacks it could not take, by reason, as the segments do', async () => {
    // the segments' counts (deltas, each segment's own) add up to the session's at stop: at
    // least what the last scrape, before the stop, said
    const inSegments: Record<string, number> = {};
    for (const f of fs.readdirSync(captureDir).filter((x) => x.endsWith('.db'))) {
      const cap = await openCapture(path.join(captureDir, f));
      for (const [k, n] of Object.entries(cap.meta.stackFails)) inSegments[k] = (inSegments[k] ?? 0) + n;
      cap.close();
    }
    for (const reason of ['untaken', 'full', 'lost']) {
      const scraped = sample(body, 'lifeline_stacks_missing_total', { reason });
      expect(Number.isNaN(scraped), reason).toBe(false);
      expect(inSegments[reason], reason).toBeGreaterThanOrEqual(scraped);
    }
  });

  it('writes flight-recorder segments that have the sleep reasons alone', async () => {
    const segments = fs
      .readdirSync(captureDir)
      .filter((f) => f.endsWith('.db'))
      .sort();
    expect(segments.length).toBeGreaterThanOrEqual(3);
    // the sleeper's stacks were first sent in an earlier segment: a later one names them in its prelude
    let checked = 0;
    for (const f of segments.slice(1)) {
      const cap = await openCapture(path.join(captureDir, f));
      try {
        expect(cap.meta.stacks).toBe('kernel');
        expect(Object.keys(cap.meta.stackFails).sort()).toEqual(['full', 'lost', 'untaken']);
        const a = await analyze(cap);
        const p = a.result.processes.find((x) => x.tgid === sleeperPid);
        if (p === undefined || p.sleeps < 50) continue;
        const reasons = p.sleepReasons ?? [];
        const ns = reasons.reduce((n, r) => n + r.ns, 0);
        const nano = reasons.filter((r) => /^(do_nanosleep|hrtimer_nanosleep)$/.test(r.reason));
        expect(
          nano.reduce((n, r) => n + r.ns, 0) / ns,
          `${f}: ${reasons.map((r) => r.reason).join(' ')}`,
        ).toBeGreaterThanOrEqual(0.9);
        expect(nano[0]!.stacks[0]!.frames).toContain('hrtimer_nanosleep');
        checked++;
      } finally {
        cap.close();
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});
