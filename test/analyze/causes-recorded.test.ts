/**
 * Causes on real recordings whose causation is known in advance (ground truth):
 * loopback TCP and UDP ping-pong, a nanosleep loop under stress, a timerfd armed
 * by one thread and read by another, an fsync loop, and Debian's prometheus
 * scraping prometheus-node-exporter over loopback.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, watchScrapes } from '../helpers/prom-scrape.js';
import type { Analysis, ThreadMetrics, WakeSource, WakerCount } from '../../src/analyze/types.js';
import { skipReason, skipRecording } from '../helpers/root.js';
import { rawSleeps, readRows } from '../helpers/capture-rows.js';
import { Ctx } from '../../src/format/index.js';
import { recordAndAnalyze, ROOT, thread, wl } from '../helpers/recorded.js';

const causeOf = (w: WakerCount): WakeSource => w.cause ?? w.source;
const sum = (ws: readonly WakerCount[], pred: (w: WakerCount) => boolean): number =>
  ws.filter(pred).reduce((n, w) => n + w.count, 0);
const describeWakers = (t: ThreadMetrics): string => JSON.stringify(t.wakers.slice(0, 6));

describe.skipIf(skipRecording)(`causes on real recordings (${skipRecording ? skipReason : 'root'})`, () => {
  describe.each(['tcp', 'udp'])('loopback %s ping-pong between two processes', (proto) => {
    const ROUNDS = 2000;
    let a: Analysis;
    let cli: number;
    let srv: number;
    beforeAll(async () => {
      const r = await recordAndAnalyze(`net-${proto}`, `${wl('ll-netpingpong')} ${proto} ${ROUNDS} > "$IDS"`);
      a = r.a;
      [cli, srv] = r.ids as [number, number];
    }, 60_000);

    // At least one side waits in each round, not each side: on one CPU, wakeup preemption lets a side
    // run on without sleeping (a full-suite run saw 148 wakeups of one side in 2000 rounds).
    it('≥ 95% of each side’s wakeups are caused by its partner, ≤ 5% are reattributed', () => {
      expect(thread(a, cli).wakeups + thread(a, srv).wakeups).toBeGreaterThan(ROUNDS / 2);
      for (const [me, partner] of [
        [cli, srv],
        [srv, cli],
      ] as const) {
        const t = thread(a, me);
        expect(t.wakeups, describeWakers(t)).toBeGreaterThan(0);
        const byPartner = sum(t.wakers, (w) => causeOf(w).kind === 'task' && causeOf(w).tid === partner);
        // the first wakeup of each may be the shell's (its start): one allowed
        expect((byPartner + 1) / t.wakeups, describeWakers(t)).toBeGreaterThanOrEqual(0.95);
        expect(t.reattributed / t.wakeups, describeWakers(t)).toBeLessThanOrEqual(0.05);
      }
      // run by NET_RX in the partner's own syscall: the naive view is right for those
      expect((thread(a, cli).onCpuCause ?? 0) + (thread(a, srv).onCpuCause ?? 0)).toBeGreaterThan(0);
    });

    it('the who-wakes-whom graph has the edge between the two processes, both ways', () => {
      const edge = (from: number, to: number) =>
        a.result.edges.filter((e) => e.from.tid === from && e.to.tid === to).reduce((n, e) => n + e.count, 0);
      expect(edge(cli, srv) + edge(srv, cli)).toBeGreaterThan(ROUNDS * 0.9 * 0.5);
      expect(edge(cli, srv)).toBeGreaterThan(0);
      expect(edge(srv, cli)).toBeGreaterThan(0);
      const viaNet = a.result.edges.find((e) => e.from.tid === cli && e.to.tid === srv && e.via?.name === 'NET_RX');
      expect(viaNet).toBeDefined();
    });
  });

  describe('a nanosleep loop under stress --cpu 2', () => {
    let t: ThreadMetrics;
    let raw: ReturnType<typeof rawSleeps>;
    const SLEEPS = 50;
    beforeAll(async () => {
      const r = await recordAndAnalyze(
        'sleeper',
        `taskset -c 1 stress --cpu 2 --timeout 1 >/dev/null 2>&1 & sleep 0.1; taskset -c 1 ${wl('ll-sleeper')} ${SLEEPS} 5 > "$IDS"; wait`,
      );
      t = thread(r.a, r.ids[0]!);
      raw = rawSleeps((await readRows(r.capture)).rows, t.tid);
    }, 60_000);

    it('is woken by its own timer, never by stress', () => {
      const timer = t.wakers.filter((w) => w.source.name === 'local_timer/hrtimer_wakeup');
      const own = sum(timer, (w) => causeOf(w).tid === t.tid);
      // Every timer wakeup seen is its own.
      expect(own, describeWakers(t)).toBe(sum(timer, () => true));
      // Exactly the sleeps the raw records show ended in a hard interrupt; all of them but taskset's
      // move at the start, unless the kernel left the waking out: this guest kernel fires no
      // scheduler tracepoint while the sandbox's init threads (tokio-rt-worker, pid 1) are on a CPU
      // (perf sees the same; one CI run lacked 2 of 50, meta.lost = 0), counted here on the records.
      const inIrq = raw.ends.filter((e) => e.ctx === Ctx.HARDIRQ).length;
      expect(own, describeWakers(t)).toBe(inIrq);
      expect(inIrq, describeWakers(t)).toBeGreaterThanOrEqual(SLEEPS - 1 - raw.unwoken);
      expect(
        sum(t.wakers, (w) => causeOf(w).comm === 'stress' || w.source.comm === 'stress'),
        describeWakers(t),
      ).toBe(0);
    });
  });

  describe('a timerfd armed by one thread and read by another', () => {
    const COUNT = 60;
    let a: Analysis;
    let arm: number;
    let reader: number;
    beforeAll(async () => {
      const r = await recordAndAnalyze('timerfd', `${wl('ll-timerfd')} ${COUNT} 2 > "$IDS"`);
      a = r.a;
      [, arm, reader] = r.ids as [number, number, number];
    }, 60_000);

    it('the reader’s timer wakeups are caused by the arming thread, never by itself', () => {
      const t = thread(a, reader);
      const timer = t.wakers.filter((w) => w.source.name?.endsWith('/timerfd_tmrproc') === true);
      expect(
        sum(timer, () => true),
        describeWakers(t),
      ).toBeGreaterThanOrEqual(COUNT - 1);
      expect(
        sum(timer, (w) => causeOf(w).tid === arm),
        describeWakers(t),
      ).toBeGreaterThanOrEqual(COUNT - 1);
      expect(sum(timer, (w) => causeOf(w).tid === reader)).toBe(0);
      expect(
        a.result.edges.some(
          (e) => e.from.tid === arm && e.to.tid === reader && e.via?.name?.endsWith('/timerfd_tmrproc') === true,
        ),
      ).toBe(true);
    });
  });

  describe('an fsync loop', () => {
    let a: Analysis;
    let pid: number;
    beforeAll(async () => {
      const r = await recordAndAnalyze('fsync', `${wl('ll-fsync')} /var/tmp/lifeline-fsync-$$ 30 > "$IDS"`);
      a = r.a;
      pid = r.ids[0]!;
    }, 60_000);

    it('D-state wakeups through the BLOCK softirq or a hard interrupt are caused by an interrupt, not the task on the CPU', () => {
      const ws = a.detail!.wakeups.filter((w) => w.tid === pid && w.sleepState === 'D' && w.source.kind !== 'task');
      expect(ws.length).toBeGreaterThanOrEqual(10);
      for (const w of ws) {
        expect(['softirq', 'hardirq']).toContain(w.source.kind);
        if (w.source.kind === 'softirq') expect(w.source.name).toBe('BLOCK');
        const cause = w.cause ?? w.source;
        // the disk's completion interrupt, or an IPI that carried the completion here
        expect(cause.kind, JSON.stringify(w)).toBe('hardirq');
        if (w.onCpu !== null) expect(cause.tid).not.toBe(w.onCpu.tid);
      }
      expect(ws.filter((w) => w.reattributed).length).toBe(ws.filter((w) => w.onCpu !== null).length);
    });
  });

  describe('prometheus scraping prometheus-node-exporter over loopback every second', () => {
    let a: Analysis;
    let prom: number;
    let exporter: number;
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-prom-'));
      const [eport, pport] = [await freePort(), await freePort()];
      // stop once prometheus has scraped the exporter 5 times (it is slow to start on a busy host), within 40 s
      const watch = watchScrapes(pport, 5, path.join(dir, 'stop'));
      const r = await recordAndAnalyze(
        'prom',
        `sh ${path.join(ROOT, 'test/workloads/prom-scrape.sh')} ${dir} ${eport} ${pport} 40`,
      );
      watch.stop();
      a = r.a;
      [prom, exporter] = r.ids as [number, number];
    }, 120_000);

    it('the exporter’s threads woken by NET_RX are caused by prometheus’ threads', () => {
      const threads = a.result.threads.filter((t) => t.tgid === exporter);
      const viaNet = threads.flatMap((t) =>
        t.wakers.filter((w) => w.source.kind === 'softirq' && w.source.name === 'NET_RX'),
      );
      const known = viaNet.filter((w) => causeOf(w).kind !== 'unknown');
      const byProm = sum(known, (w) => causeOf(w).tgid === prom);
      // at least a few scrapes (one a second, prometheus needs a moment to start)
      expect(byProm, JSON.stringify(viaNet)).toBeGreaterThanOrEqual(3);
      expect(byProm / sum(known, () => true), JSON.stringify(known)).toBeGreaterThanOrEqual(0.9);
      const edge = (a.result.processEdges ?? []).find((e) => e.from.tgid === prom && e.to.tgid === exporter);
      expect(edge?.count ?? 0).toBeGreaterThanOrEqual(3);
    });
  });
});
