/**
 * Workqueue causes on real recordings whose causation is known in advance: two processes passing
 * a byte over a pty pair (every wakeup of each is run by a kworker's flush_to_ldisc and caused by
 * the other process), the same recorded without the workqueue programs (the two are not linked:
 * the control), and an fsync loop on this machine's ext4, which defers the end of its writes to a
 * kworker (ext4_end_io_rsv_work) queued by the disk's interrupt.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis, ThreadMetrics, WakerCount } from '../../src/analyze/types.js';
import { formatChain } from '../../src/analyze/detail/chain.js';
import { analyze } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';
import { Kind } from '../../src/format/index.js';
import { readRows } from '../helpers/capture-rows.js';
import { skipReason, skipRecording } from '../helpers/root.js';
import { recordAndAnalyze, thread, wl } from '../helpers/recorded.js';

const sum = (ws: readonly WakerCount[], pred: (w: WakerCount) => boolean): number =>
  ws.filter(pred).reduce((n, w) => n + w.count, 0);
const byKworker = (w: WakerCount): boolean => w.source.kind === 'task' && (w.source.comm ?? '').startsWith('kworker/');
const causedBy = (tid: number) => (w: WakerCount) => w.cause?.kind === 'task' && w.cause.tid === tid;
const brief = (t: ThreadMetrics): string => JSON.stringify(t.wakers.slice(0, 4));
/**
 * The items through which the pty's partner wakes a reader: the flip-buffer work it queued, or the
 * barrier that flush_work puts behind that work when the reader waits for it to finish (CI saw a
 * third of the wakeups come through the barrier under load); the barrier carries the flushed item's
 * cause, so both name the partner.
 */
const PTY_ITEMS = new Set(['flush_to_ldisc', 'wq_barrier_func']);

describe.skipIf(skipRecording)(`workqueue causes on real recordings (${skipRecording ? skipReason : 'root'})`, () => {
  const ROUNDS = 300;

  describe('a pty ping-pong: two processes over a pty pair', () => {
    let a: Analysis;
    let master: number;
    let slave: number;
    let capture: string;
    beforeAll(async () => {
      const r = await recordAndAnalyze('pty', `${wl('ll-pty')} ${ROUNDS} > "$IDS"`);
      a = r.a;
      capture = r.capture;
      [master, slave] = r.ids as [number, number];
    }, 60_000);

    it('records each write queueing flush_to_ldisc, by the writing process, and a kworker running it', async () => {
      const { rows, sym } = await readRows(capture);
      const flush = [...sym].filter(([, n]) => n === 'flush_to_ldisc').map(([id]) => id);
      expect(flush.length).toBeGreaterThan(0);
      for (const writer of [master, slave]) {
        const queued = rows.filter((r) => r.kind === Kind.WORK_QUEUE && r.tid === writer && flush.includes(r.c));
        expect(queued.length, `flush_to_ldisc queued by ${writer}`).toBeGreaterThanOrEqual(ROUNDS * 0.9);
      }
      const started = rows.filter((r) => r.kind === Kind.WORK_START && flush.includes(r.c));
      expect(started.length).toBeGreaterThanOrEqual(ROUNDS * 2 * 0.9);
      const ended = new Set(rows.filter((r) => r.kind === Kind.WORK_END).map((r) => `${r.tid}/${r.a}`));
      expect(started.filter((r) => ended.has(`${r.tid}/${r.a}`)).length).toBe(started.length);
    });

    it('≥ 90% of each side’s wakeups are caused by the other process, through a kworker running flush_to_ldisc (or the barrier behind it), and reattributed', () => {
      for (const [self, partner] of [
        [master, slave],
        [slave, master],
      ] as const) {
        const t = thread(a, self);
        // A read sleeps only when the byte is not there yet: on a busy machine the kworker often
        // delivers it before the reader gets back to read (the full suite saw 120 sleeps of 300
        // rounds, two CPU hogs per CPU 19). What is known in advance is who causes the sleeps
        // there are.
        expect(t.wakeups).toBeGreaterThanOrEqual(10);
        const through = sum(
          t.wakers,
          (w) => byKworker(w) && PTY_ITEMS.has(w.source.work ?? '') && causedBy(partner)(w),
        );
        expect(through, brief(t)).toBeGreaterThanOrEqual(t.wakeups * 0.9);
        // the flip-buffer work itself is the usual one
        const direct = sum(t.wakers, (w) => w.source.work === 'flush_to_ldisc' && causedBy(partner)(w));
        expect(direct, brief(t)).toBeGreaterThanOrEqual(t.wakeups * 0.4);
        expect(t.reattributed).toBeGreaterThanOrEqual(through);
        expect(t.unknownCause ?? 0).toBeLessThanOrEqual(t.wakeups * 0.02);
      }
    });

    it('links the two in the graph and in the chain', () => {
      // one edge per kworker that ran the item; and, rarely, one with no kworker between: the slave
      // itself ended a sleep of the master (a D sleep on the tty's lock that the slave released;
      // CI saw one), which docs/accuracy.md counts among the pty's sleeps by design
      const edges = a.result.edges.filter((e) => e.from.tid === slave && e.to.tid === master);
      expect(edges.length).toBeGreaterThan(0);
      for (const e of edges) if (e.via !== undefined) expect(e.via.comm).toMatch(/^kworker\//);
      const direct = edges.filter((e) => e.via === undefined).reduce((n, e) => n + e.count, 0);
      expect(direct).toBeLessThanOrEqual(thread(a, master).wakeups * 0.1);
      const flushes = edges.filter((e) => PTY_ITEMS.has(e.via?.work ?? '')).reduce((n, e) => n + e.count, 0);
      expect(flushes).toBeGreaterThanOrEqual(thread(a, master).wakeups * 0.9);
      expect(flushes).toBeGreaterThanOrEqual(10);
      expect((a.result.processEdges ?? []).some((e) => e.from.tgid === master && e.to.tgid === slave)).toBe(true);
      // a wakeup of the master leads back to the slave's own wakeup, caused by the master (past the
      // first few: until the slave has slept once, its latest wakeup is its fork's)
      const chain = formatChain(a.detail, master, { depth: 2, limit: 30 });
      expect(chain).toMatch(
        new RegExp(
          `woken by task ll-ptys ${slave} via task kworker/\\S+ \\d+ running (flush_to_ldisc|wq_barrier_func)`,
        ),
      );
      expect(chain).toMatch(new RegExp(`← .*ll-ptys ${slave} .*woken by task ll-ptym ${master} via task kworker`));
    });
  });

  it('the critical path of a pty wakeup goes through the kworker running flush_to_ldisc into the other process', async () => {
    const r = await recordAndAnalyze('pty-path', `${wl('ll-pty')} 100 > "$IDS"`);
    const [master, slave] = r.ids as [number, number];
    const cap = await openCapture(r.capture);
    try {
      const a = await analyze(cap, { path: { tid: master, longest: 10 } });
      const paths = a.path ?? [];
      expect(paths.length).toBe(10);
      let viaKworker = 0;
      let toSlave = 0;
      for (const p of paths) {
        // every nanosecond of the interval once
        const sum = p.segments.reduce((n, sg) => n + (sg.end - sg.start), 0);
        expect(sum).toBe(p.endNs - p.startNs);
        if (p.segments.some((sg) => sg.thread.comm.startsWith('kworker/'))) viaKworker++;
        if (p.segments.some((sg) => sg.thread.tid === slave)) toSlave++;
      }
      // the master's sleeps end in a kworker's item (the path walks the kworker that ran it), and the
      // kworker's own wakeup leads to the slave, whose write queued the item, when that came after
      // the master fell asleep
      const seen = JSON.stringify({ viaKworker, toSlave });
      expect(viaKworker, seen).toBeGreaterThanOrEqual(4);
      expect(toSlave, seen).toBeGreaterThanOrEqual(1);
    } finally {
      cap.close();
    }
  }, 60_000);

  describe('the same pty ping-pong recorded with --no-workqueues (the control)', () => {
    it('names the kworker and never the other process: the hop is what links them', async () => {
      const r = await recordAndAnalyze('pty-nowq', `${wl('ll-pty')} ${ROUNDS} > "$IDS"`, {}, { workqueues: false });
      const [master, slave] = r.ids as [number, number];
      expect(r.recorded.byKind.work_queue ?? 0).toBe(0);
      for (const [self, partner] of [
        [master, slave],
        [slave, master],
      ] as const) {
        const t = thread(r.a, self);
        expect(sum(t.wakers, byKworker), brief(t)).toBeGreaterThanOrEqual(t.wakeups * 0.9);
        expect(sum(t.wakers, causedBy(partner))).toBe(0);
        expect(t.reattributed).toBe(0);
      }
    }, 60_000);
  });

  describe('an fsync loop on ext4', () => {
    it('the wakeups a kworker runs for it are caused by a hardware interrupt (the disk), never the kworker', async () => {
      const r = await recordAndAnalyze('fsync-wq', `${wl('ll-fsync')} /var/tmp/lifeline-fsync-wq-$$ 100 > "$IDS"`);
      const t = thread(r.a, r.ids[0]!);
      const viaKworker = t.wakers.filter((w) => byKworker(w) && w.source.work !== undefined);
      // ext4 converts the written extents in a kworker (ext4_end_io_rsv_work) queued by the bio's completion
      expect(
        sum(viaKworker, () => true),
        brief(t),
      ).toBeGreaterThanOrEqual(1);
      // an item queued as the recording began has its queueing unseen: its cause is said unknown,
      // never guessed (CI saw 1 such wakeup); every other is the disk's interrupt
      const unseen = viaKworker.filter(
        (w) => w.cause?.kind === 'unknown' && /queueing not seen/.test(w.cause.name ?? ''),
      );
      expect(
        sum(unseen, () => true),
        brief(t),
      ).toBeLessThanOrEqual(1);
      for (const w of viaKworker.filter((x) => !unseen.includes(x))) {
        expect(w.cause?.kind, JSON.stringify(w)).toBe('hardirq');
        expect(w.cause?.name ?? '').toMatch(/^irq \d+/);
      }
      expect(
        sum(viaKworker, (w) => w.cause?.kind === 'hardirq'),
        brief(t),
      ).toBeGreaterThanOrEqual(1);
    }, 60_000);
  });
});
