/**
 * `lifeline serve` scraped by a real Prometheus (Debian's, temporary TSDB,
 * 1 s scrape, loopback) while ground-truth workloads run: every dashboard
 * panel's PromQL returns data, and the numbers match what the workloads do.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { St } from '../../src/analyze/engine/codes.js';
import { stateAfterSwitchOut } from '../../src/analyze/engine/prev-state.js';
import { openCapture } from '../../src/capture/index.js';
import { Flag, Kind } from '../../src/format/index.js';
import { dashboardPanels } from '../../src/serve/grafana-dashboard.js';
import { canRecord, mustRecord } from '../helpers/root.js';
import {
  hasCommand,
  sample,
  scrape,
  startGroup,
  startPrometheus,
  startServe,
  waitFor,
  WORKLOADS,
  type Prometheus,
  type Served,
} from './helpers.js';

const tools = hasCommand('prometheus') && hasCommand('promtool') && hasCommand('stress');
const skip = !mustRecord && (!canRecord || !tools);

/** A process name with everything an exposition must escape (13 bytes, under the kernel's 15). */
const NASTY = 'q"b\\\n<script>';
const PERIOD_MS = 10;
/** The sleeper under a name of its own: other tests (and other serve instances) may run ll-sleeper meanwhile. */
const SLEEPER = `llsl-${process.pid % 100000}`;

/** What the kernel recorded of the sleeper's loop, read from serve's flight-recorder capture. */
interface SleeperRecord {
  /** Switch-outs into S (one per nanosleep). */
  switchOutsS: number;
  /** Sleeps recorded whole: a switch-out into S, then the sleeper's waking; their total length. */
  wholeSleeps: number;
  sleepNs: number;
  /** Of the whole sleeps: mean time from the arming of the nanosleep's timer to the switch-out. */
  meanArmedToOutNs: number;
  /** D sleeps recorded whole (exec reading the binary), and their total length. */
  wholeD: number;
  sleepNsD: number;
  /** Run-queue waits after a whole sleep's waking (the waking, then the switch-in). */
  sleepWaits: number;
  /** The same, plus those after the fork's wakeup_new and after D sleeps (exec). */
  allWaits: number;
}

async function sleeperRecord(capture: string, tid: number): Promise<SleeperRecord> {
  type Ev = { k: 'A' | 'S' | 'D' | 'O' | 'I' | 'W'; ts: number };
  const evs: Ev[] = [];
  const syms = new Map<number, string>();
  const armed: { ts: number; fn: number }[] = [];
  const cap = await openCapture(capture);
  try {
    for await (const b of cap.batches())
      for (let i = 0; i < b.length; i++) {
        const k = b.kind[i];
        const ts = b.ts[i]!;
        if (k === Kind.SYM) syms.set(b.c[i]!, b.names.get(i) ?? '');
        else if (k === Kind.HRTIMER_START && b.tid[i] === tid) {
          evs.push({ k: 'A', ts });
          armed.push({ ts, fn: b.c[i]! });
        } else if (k === Kind.SWITCH && b.tid[i] === tid) {
          const st = stateAfterSwitchOut(b.a[i]!, (b.flags[i]! & Flag.PREEMPT) !== 0);
          evs.push({ k: st === St.SLEEP_S ? 'S' : st === St.SLEEP_D ? 'D' : 'O', ts });
        } else if (k === Kind.SWITCH && b.tid2[i] === tid) evs.push({ k: 'I', ts });
        else if ((k === Kind.WAKING || k === Kind.WAKEUP_NEW) && b.tid[i] === tid) evs.push({ k: 'W', ts });
      }
  } finally {
    cap.close();
  }
  // the arming of a nanosleep's timer: the callback that wakes the sleeper
  const nanosleepArmed = new Set(armed.filter((a) => syms.get(a.fn) === 'hrtimer_wakeup').map((a) => a.ts));
  const r: SleeperRecord = {
    switchOutsS: 0,
    wholeSleeps: 0,
    sleepNs: 0,
    meanArmedToOutNs: 0,
    wholeD: 0,
    sleepNsD: 0,
    sleepWaits: 0,
    allWaits: 0,
  };
  let armedAt = NaN;
  let outAt = NaN;
  let armedAtOut = NaN;
  let prev = '';
  let armedToOutSum = 0;
  const sched = evs.filter((e) => e.k !== 'A' || nanosleepArmed.has(e.ts));
  for (let i = 0; i < sched.length; i++) {
    const e = sched[i]!;
    if (e.k === 'A') {
      armedAt = e.ts;
      continue;
    }
    if (e.k === 'S' || e.k === 'D') {
      if (e.k === 'S') r.switchOutsS++;
      outAt = e.ts;
      armedAtOut = armedAt;
    } else if (e.k === 'W') {
      const next = sched.slice(i + 1, i + 4).find((x) => x.k !== 'A');
      if ((prev === '' || prev === 'S' || prev === 'D') && next?.k === 'I') r.allWaits++;
      if (prev === 'S') {
        r.wholeSleeps++;
        r.sleepNs += e.ts - outAt;
        armedToOutSum += outAt - armedAtOut;
        if (next?.k === 'I') r.sleepWaits++;
      } else if (prev === 'D') {
        r.wholeD++;
        r.sleepNsD += e.ts - outAt;
      }
    }
    prev = e.k;
  }
  r.meanArmedToOutNs = armedToOutSum / r.wholeSleeps;
  return r;
}

describe.skipIf(skip)('lifeline serve under a real Prometheus (needs root, prometheus, promtool, stress)', () => {
  let served: Served;
  let prom: Prometheus;
  let t0 = 0;
  let t1 = 0;
  let body = '';
  let contentType = '';
  let sleeper: SleeperRecord;
  const groups: { kill: () => void }[] = [];
  const captureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-prom-capture-'));

  beforeAll(async () => {
    // the flight recorder keeps what the kernel recorded, to hold serve's figures against
    served = await startServe(['--capture', captureDir, '--segment', '10m']);
    // Busy before the first scrape, so that their names are among the first admitted.
    const pingpong = startGroup(
      `for i in $(seq 1 200); do taskset -c 0 ${WORKLOADS}/ll-pingpong 20000 >/dev/null; sleep 0.05; done`,
    );
    const nasty = startGroup(
      `python3 -c 'import ctypes, time
ctypes.CDLL(None).prctl(15, ${JSON.stringify(NASTY)}.encode(), 0, 0, 0)
end = time.time() + 30
while time.time() < end:
    t = time.time() + 0.004
    while time.time() < t: pass
    time.sleep(0.004)'`,
    );
    groups.push(pingpong, nasty);
    // the first scrape (ours) admits their names: they have series before Prometheus starts
    await waitFor('series for ll-ping, ll-pong and the hostile name', 30_000, async () => {
      const { body } = await scrape(served.url);
      return ['comm="ll-ping"', 'comm="ll-pong"', '<script>"'].every((s) => body.includes(s)) ? true : undefined;
    });
    prom = await startPrometheus(served.url.replace(/^http:\/\//, ''));
    t0 = Date.now() / 1000;
    const sleeperRun = startGroup(
      `d=$(mktemp -d); cp ${WORKLOADS}/ll-sleeper $d/${SLEEPER}; taskset -c 1 stress --cpu 2 --timeout 13 >/dev/null 2>&1 & sleep 0.2; chrt -f 10 taskset -c 1 $d/${SLEEPER} 1200 ${PERIOD_MS}; wait; rm -r $d`,
    );
    groups.push(sleeperRun);
    await waitFor('the sleeper and stress to finish', 40_000, () =>
      sleeperRun.child.exitCode !== null || sleeperRun.child.signalCode !== null ? true : undefined,
    );
    // serve has replayed past their end (its last event replayed is now − lag) ...
    const endedAt = performance.now();
    ({ body, contentType } = await waitFor('serve to replay past the sleeper’s end', 30_000, async () => {
      const at = performance.now();
      const r = await scrape(served.url);
      return at - sample(r.body, 'lifeline_replay_lag_seconds') * 1000 >= endedAt ? r : undefined;
    }));
    t1 = Date.now() / 1000;
    // ... and Prometheus has scraped it since
    await waitFor('a Prometheus scrape after that', 30_000, async () => {
      const [up] = await prom.query('timestamp(up{job="lifeline"})');
      return up !== undefined && Number(up.value[1]) > t1 ? true : undefined;
    });
    // the segment being written (each batch is committed once replayed) holds the sleeper's run
    const [segment] = fs.readdirSync(captureDir).filter((f) => f.endsWith('.db'));
    sleeper = await sleeperRecord(path.join(captureDir, segment!), Number(sleeperRun.output().trim()));
  }, 120_000);

  afterAll(async () => {
    for (const g of groups) g.kill();
    await prom?.stop();
    const code = await served?.stop();
    expect(code).toBe(0);
    fs.rmSync(captureDir, { recursive: true, force: true });
  }, 60_000);

  it('serves the Prometheus text format that promtool accepts, names escaped', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
    expect(body).not.toContain('<script>\n');
    expect(sample(body, 'lifeline_series')).toBeLessThanOrEqual(2000);
    // Sized not to lose: the default ring (8 MiB per CPU, at least 32 MiB: ~700 000 events) and
    // some 70 000 events a second here; serve, at nice -10, would have to stall for ten seconds.
    // The exact counts below hold only without loss. (A real overflow: signals.test.ts.)
    const lost = [...body.matchAll(/^lifeline_lost_events_total\{cpu="\d+"\} (\S+)$/gm)].map((m) => Number(m[1]));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost, 'events were lost, per CPU').toEqual(new Array(lost.length).fill(0));
    // every kind is counted, the last ones of the contract too: the sleeper arms and expires a
    // timer per sleep (1200)
    for (const kind of ['hrtimer_start', 'hrtimer_expire_entry', 'hrtimer_expire_exit'])
      expect(sample(body, 'lifeline_events_total', { kind }), kind).toBeGreaterThanOrEqual(1200);
  });

  it('every dashboard panel returns data through Prometheus', async () => {
    const panels = dashboardPanels();
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const expr = String(t.expr)
          .replaceAll('$__rate_interval', '4s')
          .replaceAll('$instance', '.*')
          .replaceAll('$comm', '.*');
        const series = await prom.queryRange(expr, Math.floor(t0 + 4), Math.floor(t1), 1);
        const points = series.flatMap((s) => s.values).filter(([, v]) => Number.isFinite(Number(v)));
        expect(points.length, `${p.title}: ${expr}`).toBeGreaterThan(0);
      }
    }
  });

  it('the sleeper sleeps once per period, woken by a hard interrupt, misattributed under stress', async () => {
    // Rates in the sleeper's own time (its events' timestamps, not the scrapes': a loaded machine
    // may delay the replay): sleeps over its lifetime, the sum of its time in every state.
    const value = async (expr: string) => Number((await prom.query(expr))[0]!.value[1]);
    // (places go first come, first served: on a machine busy with other work, forty names may be
    // admitted before the sleeper starts)
    expect(body, `the sleeper has series of its own (${sample(body, 'lifeline_folded_comms')} names folded)`).toContain(
      `comm="${SLEEPER}"`,
    );
    const sleeps = await value(`sum(lifeline_process_sleeps_total{comm="${SLEEPER}"})`);
    const lifetime = await value(`sum(lifeline_process_state_seconds_total{comm="${SLEEPER}"})`);
    const perSec = sleeps / lifetime;
    // One sleep per loop: PERIOD_MS asleep, then a little work. The sleeper runs SCHED_FIFO on
    // stress's CPU: it takes the CPU as soon as it is woken, and the timer interrupt that wakes it
    // still lands while stress is on that CPU.
    expect(perSec).toBeGreaterThan((1000 / PERIOD_MS) * 0.85);
    expect(perSec).toBeLessThanOrEqual((1000 / PERIOD_MS) * 1.01);
    // ... so the loop's length is the mean sleep + the mean wait + the mean run per wakeup
    const meanOf = async (sum: string, count: string, more = '') =>
      (await value(`sum(${sum}{comm="${SLEEPER}"${more}})`)) / (await value(`sum(${count}{comm="${SLEEPER}"${more}})`));
    const loop =
      (await meanOf('lifeline_process_sleep_seconds_sum', 'lifeline_process_sleep_seconds_count')) +
      (await meanOf(
        'lifeline_process_runq_delay_seconds_sum',
        'lifeline_process_runq_delay_seconds_count',
        ',cause="wakeup"',
      )) +
      (await meanOf('lifeline_process_burst_run_seconds_total', 'lifeline_process_bursts_total'));
    // one run-queue delay family, by cause: the sleeper waits after its wakeups; stress, which the
    // SCHED_FIFO sleeper preempts at every wakeup on their shared CPU, waits after preemptions
    const waits = (comm: string, cause: string) =>
      value(`sum(lifeline_process_runq_delay_seconds_count{comm="${comm}",cause="${cause}"})`);
    expect(await waits('stress', 'preempt')).toBeGreaterThanOrEqual(1200 * 0.9);
    expect(1 / perSec / loop).toBeGreaterThan(0.9);
    expect(1 / perSec / loop).toBeLessThan(1.1);
    // Its 1200 nanosleeps each switched it out into S, and the kernel recorded every one ...
    expect(sleeper.switchOutsS).toBe(1200);
    // ... and serve counts exactly the sleeps the kernel recorded whole: the switch-out, then the
    // waking. The others are the kernel's holes on this VM (docs/metrics.md, "Lost events"):
    // while one of the sandbox's own threads (tokio-rt-worker, pid 1) is on the sleeper's CPU, no
    // scheduler tracepoint fires there, and the sleeper's waking and switch-in go unrecorded. One
    // run, measured: 6 sleeps of 1200, and 9 contradictions of the sleeper; most runs, none.
    const [all] = await prom.query(`sum(lifeline_process_sleeps_total{comm="${SLEEPER}",state="S"})`);
    expect(Number(all!.value[1])).toBe(sleeper.wholeSleeps);
    // its waits for the CPU: one after each whole sleep's waking, and after the fork's wakeup
    // and a D sleep (exec), if serve had the new name when it counted them
    const sleeperWaits = await waits(SLEEPER, 'wakeup');
    expect(sleeperWaits).toBeGreaterThanOrEqual(sleeper.sleepWaits);
    expect(sleeperWaits).toBeLessThanOrEqual(sleeper.allWaits);
    const [share] = await prom.query(
      `sum(lifeline_process_wakeups_by_source_total{comm="${SLEEPER}",source_kind="hardirq"}) / sum(lifeline_process_wakeups_by_source_total{comm="${SLEEPER}"})`,
    );
    expect(Number(share!.value[1])).toBeGreaterThan(0.95);
    const [wrong] = await prom.query(`sum(lifeline_process_reattributed_wakeups_total{comm="${SLEEPER}"})`);
    expect(Number(wrong!.value[1])).toBeGreaterThan(0);
    // The time asleep is the kernel's to the nanosecond: the whole S sleeps, and the D sleep of
    // the exec if serve had the new name when it counted it.
    const d = await value(`sum(lifeline_process_sleeps_total{comm="${SLEEPER}",state="D"})`);
    expect([0, sleeper.wholeD]).toContain(d);
    const asleep = await value(`sum(lifeline_process_sleep_seconds_sum{comm="${SLEEPER}"})`);
    expect(asleep * 1e9).toBeCloseTo(sleeper.sleepNs + (d > 0 ? sleeper.sleepNsD : 0), -1);
    // The mean sleep's bound: a sleep is measured from the switch-out, which comes a little after
    // nanosleep armed its timer for PERIOD_MS (2.5 to 4.4 µs on average, measured); a SCHED_FIFO
    // thread gets no timer slack, and the waking comes at the expiry or later. So the mean sleep
    // is at least PERIOD_MS less that mean (one CI run: 9.995 ms for 10 ms).
    const mean = sleeper.sleepNs / sleeper.wholeSleeps;
    expect(mean).toBeGreaterThanOrEqual(PERIOD_MS * 1e6 - sleeper.meanArmedToOutNs);
    expect(mean).toBeLessThan(PERIOD_MS * 1e6 * 1.5);
  });

  it('the sleep time by reason panel: the sleeper in nanosleep, the ping-pong partners in pipe_read', async () => {
    const panel = dashboardPanels().find((p) => p.title === 'Sleep time by reason')!;
    const expr = (comm: string) =>
      String(panel.targets![0]!.expr)
        .replaceAll('$__rate_interval', '4s')
        .replaceAll('$instance', '.*')
        .replaceAll('$comm', comm);
    /** Seconds asleep per second by reason, averaged over the run. */
    const byReason = async (comm: string) => {
      const out = new Map<string, number>();
      for (const s of await prom.queryRange(expr(comm), Math.floor(t0 + 4), Math.floor(t1), 1)) {
        const vs = s.values.map(([, v]) => Number(v));
        out.set(s.metric.reason!, vs.reduce((x, y) => x + y, 0) / vs.length);
      }
      return out;
    };
    const sleeperReasons = await byReason(SLEEPER);
    const all = [...sleeperReasons.values()].reduce((x, y) => x + y, 0);
    const nano = (sleeperReasons.get('do_nanosleep') ?? 0) + (sleeperReasons.get('hrtimer_nanosleep') ?? 0);
    expect(nano / all, JSON.stringify([...sleeperReasons])).toBeGreaterThan(0.9);
    // one thread asleep most of the time in its loop: at most one second asleep per second
    expect(nano).toBeGreaterThan(0.3);
    expect(all).toBeLessThanOrEqual(1.05);
    for (const comm of ['ll-ping', 'll-pong']) {
      const r = await byReason(comm);
      const sum = [...r.values()].reduce((x, y) => x + y, 0);
      const pipe = [...r].filter(([k]) => /pipe_read$/.test(k)).reduce((n, [, v]) => n + v, 0);
      expect(pipe / sum, `${comm}: ${JSON.stringify([...r])}`).toBeGreaterThan(0.8);
    }
  });

  it('the ping-pong partners wake each other', async () => {
    const [ab] = await prom.query('sum(lifeline_wakeup_pairs_total{waker="ll-ping",wakee="ll-pong"})');
    const [ba] = await prom.query('sum(lifeline_wakeup_pairs_total{waker="ll-pong",wakee="ll-ping"})');
    expect(Number(ab!.value[1])).toBeGreaterThan(1000);
    expect(Number(ba!.value[1])).toBeGreaterThan(1000);
  });

  it('a process name with quotes, a backslash, a newline and <script> is one label value, exact but for the newline', async () => {
    const exact = NASTY.replace('\n', '\ufffd'); // a control character is replaced, nothing else changes
    const got = await prom.query('lifeline_process_run_seconds_total{comm=~".*script.*"}');
    expect(got.map((s) => s.metric.comm)).toEqual([exact]);
    // a selector with the real name finds it (PromQL string: backslash and quote escaped once)
    // (U+FFFD written as \uFFFD: Prometheus 2.42's lexer rejects the character itself)
    const selector = exact.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\ufffd', '\\uFFFD');
    expect(await prom.query(`lifeline_process_run_seconds_total{comm="${selector}"}`)).toHaveLength(1);
  });

  it('prints histogram bounds as exact decimals', () => {
    const les = [...body.matchAll(/le="([^"]*)"/g)].map((m) => m[1]!);
    expect(les.length).toBeGreaterThan(20);
    for (const le of les) expect(le).toMatch(/^(\+Inf|\d+(\.\d{0,8}[1-9])?)$/);
    expect(les).toContain('0.016384'); // 2^14 µs
    expect(les).toContain('0.000001'); // 1 µs
  });
});
