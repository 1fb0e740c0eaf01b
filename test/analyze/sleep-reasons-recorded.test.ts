/**
 * Sleep reasons on real recordings whose kernel paths are known in advance (ground truth): a
 * nanosleep loop, a pipe ping-pong, a futex token ring, a System V semaphore ping-pong and an
 * fsync loop; the folded output of the same captures, which must add up to the threads' time
 * asleep.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWakeup, formatFolded } from '../../src/analyze/index.js';
import type { Analysis, SleepReason, ThreadMetrics } from '../../src/analyze/types.js';
import { recordAndAnalyze, thread, wl } from '../helpers/recorded.js';
import { skipReason, skipRecording } from '../helpers/root.js';

/** Records with stacks (the default) and analyzes with the off-CPU stacks and every wakeup's detail. */
async function recordWithStacks(name: string, shell: string): Promise<{ a: Analysis; ids: number[] }> {
  const r = await recordAndAnalyze(name, shell, { offCpu: true });
  expect(r.recorded.stacks).toBe('kernel');
  expect(r.recorded.distinctStacks).toBeGreaterThan(0);
  return r;
}

const share = (t: ThreadMetrics, pred: (r: SleepReason) => boolean): number =>
  t.sleepReasons.filter(pred).reduce((n, r) => n + r.count, 0) / t.sleeps;
const show = (t: ThreadMetrics): string =>
  JSON.stringify(
    t.sleepReasons.slice(0, 4).map((r) => ({
      reason: r.reason,
      count: r.count,
      wakers: r.wakers.slice(0, 3).map((w) => [w.source.kind, w.source.tid ?? w.source.name, w.frame, w.count]),
    })),
  );

/** The wakeups of reasons matching `pred`, from wakers matching `waker`, over all of them. */
function wakerShare(
  t: ThreadMetrics,
  pred: (r: SleepReason) => boolean,
  waker: (w: SleepReason['wakers'][number]) => boolean,
): number {
  const ws = t.sleepReasons.filter(pred).flatMap((r) => r.wakers);
  const all = ws.reduce((n, w) => n + w.count, 0);
  return all === 0 ? 0 : ws.filter(waker).reduce((n, w) => n + w.count, 0) / all;
}

/** Folded lines of one comm: their values add up to `ns`. */
function foldedSum(a: Analysis, comm: string, waker: boolean): number {
  let sum = 0;
  for (const l of formatFolded(a, { waker }).split('\n')) {
    if (l === '') continue;
    const m = /^(.*) (\d+)$/.exec(l);
    expect(m, `not a folded line: ${l}`).not.toBeNull();
    if (m![1]!.split(';')[0] === comm) sum += Number(m![2]);
  }
  return sum;
}

describe.skipIf(skipRecording)(`sleep reasons on real recordings (${skipRecording ? skipReason : 'root'})`, () => {
  describe('a nanosleep loop', () => {
    let a: Analysis;
    let pid: number;
    beforeAll(async () => {
      const r = await recordWithStacks('sleeper', `${wl('ll-sleeper')} 200 2 > "$IDS"`);
      a = r.a;
      pid = r.ids[0]!;
    }, 60_000);

    it('sleeps in the kernel nanosleep path, ≥ 95% of its sleeps', () => {
      const t = thread(a, pid);
      expect(t.sleeps).toBeGreaterThanOrEqual(190);
      expect(
        share(t, (r) => /^(do_nanosleep|hrtimer_nanosleep)$/.test(r.reason)),
        show(t),
      ).toBeGreaterThanOrEqual(0.95);
      const top = t.sleepReasons[0]!;
      expect(top.sleepsD).toBe(0);
      expect(top.stacks[0]!.frames).toContain('hrtimer_nanosleep');
    });

    it('is woken by an hrtimer interrupt whose frames show the timer interrupt path', () => {
      const t = thread(a, pid);
      const nano = (r: SleepReason) => r.reason === 'do_nanosleep' || r.reason === 'hrtimer_nanosleep';
      const byTimer = (w: SleepReason['wakers'][number]) =>
        w.source.kind === 'hardirq' && w.frame === 'hrtimer_wakeup' && w.frames.includes('hrtimer_interrupt');
      expect(wakerShare(t, nano, byTimer), show(t)).toBeGreaterThanOrEqual(0.95);
    });

    it('folded: one line per stack, values adding up to its time asleep', () => {
      const t = thread(a, pid);
      const asleep = t.sleepSNs + t.sleepDNs;
      expect(asleep).toBeGreaterThan(0);
      expect(foldedSum(a, t.comm, false)).toBe(asleep);
      expect(foldedSum(a, t.comm, true)).toBe(asleep);
      const lines = formatFolded(a, { waker: true }).split('\n');
      const mine = lines.filter((l) => l.startsWith(`${t.comm};`));
      // outermost frame first, the sleep's own function last before the waker's
      expect(mine[0]).toMatch(
        /^ll-sleeper;entry_SYSCALL_64[^;]*;.*;do_nanosleep;.*--;.*hrtimer_wakeup;.*;hardirq local_timer/,
      );
    });
  });

  describe('a pipe ping-pong between two processes', () => {
    let a: Analysis;
    let ping: number;
    let pong: number;
    beforeAll(async () => {
      const r = await recordWithStacks('pingpong', `${wl('ll-pingpong')} 800 > "$IDS"`);
      a = r.a;
      [ping, pong] = r.ids as [number, number];
    }, 60_000);

    // At least one side waits in each of the 800 rounds, not each side: when the two share a CPU,
    // wakeup preemption can let one side run on and never sleep (seen: 0 sleeps of one side, 800 of
    // the other). Every sleep either side makes is in the pipe read path.
    const sides = () =>
      (
        [
          [ping, pong],
          [pong, ping],
        ] as const
      ).filter(([me]) => thread(a, me).sleeps > 0);

    it('each side that sleeps sleeps in the pipe read path, woken by its partner from the pipe write path', () => {
      expect(thread(a, ping).sleeps + thread(a, pong).sleeps).toBeGreaterThanOrEqual(400);
      for (const [me, partner] of sides()) {
        const t = thread(a, me);
        const pipe = (r: SleepReason) => /pipe_read$/.test(r.reason);
        // a side's first sleep may be elsewhere (its start): one allowed
        expect((t.sleeps * share(t, pipe) + 1) / t.sleeps, show(t)).toBeGreaterThanOrEqual(0.95);
        const fromPartner = (w: SleepReason['wakers'][number]) =>
          w.source.kind === 'task' && w.source.tid === partner && /pipe_write$/.test(w.frame);
        if (t.sleeps >= 20) expect(wakerShare(t, pipe, fromPartner), show(t)).toBeGreaterThanOrEqual(0.95);
      }
    });

    it('chain says where each sleep began and where the waker woke it', () => {
      // the side that slept more
      const [me, partner] = sides().sort(([x], [y]) => thread(a, y).sleeps - thread(a, x).sleeps)[0]!;
      const lines = a
        .detail!.wakeups.filter((w) => w.tid === me && w.sleptNs !== null && w.source.tid === partner)
        .map((w) => describeWakeup(w));
      expect(lines.length).toBeGreaterThanOrEqual(200);
      const said = lines.filter((l) =>
        /slept [\d.]+ ms \(S\) in \w*pipe_read {2}woken by task \S+ \d+ from \w*pipe_write/.test(l),
      );
      expect(said.length / lines.length, lines.slice(0, 3).join('\n')).toBeGreaterThanOrEqual(0.95);
    });
  });

  describe('a futex token ring of three threads', () => {
    let a: Analysis;
    let tids: number[];
    beforeAll(async () => {
      const r = await recordWithStacks('ring', `${wl('ll-ring')} 3 400 > "$IDS"`);
      a = r.a;
      tids = r.ids;
    }, 60_000);

    it('each thread waits in the futex wait path and is woken by its predecessor from futex_wake', () => {
      expect(tids.length).toBe(3);
      tids.forEach((tid, i) => {
        const t = thread(a, tid);
        const pred = tids[(i + tids.length - 1) % tids.length]!;
        expect(t.sleeps).toBeGreaterThanOrEqual(100);
        const futex = (r: SleepReason) => /^(futex_wait_queue|futex_do_wait|futex_wait)/.test(r.reason);
        expect(share(t, futex), show(t)).toBeGreaterThanOrEqual(0.95);
        const byPred = (w: SleepReason['wakers'][number]) => w.source.tid === pred && /^futex_wake/.test(w.frame);
        // the ring's first pass starts from the main thread
        expect(wakerShare(t, futex, byPred), show(t)).toBeGreaterThanOrEqual(0.95);
      });
    });
  });

  describe('a System V semaphore ping-pong', () => {
    let a: Analysis;
    let child: number;
    let parent: number;
    beforeAll(async () => {
      const r = await recordWithStacks('sem', `${wl('ll-sem')} 500 > "$IDS"`);
      a = r.a;
      [parent, child] = r.ids as [number, number];
    }, 60_000);

    it('the semaphore path, woken by the partner from its own semop', () => {
      const t = thread(a, child);
      // the child waits for each of the parent's posts (the parent pauses before each), unless a
      // busy machine kept it from reaching its wait in time
      expect(t.sleeps).toBeGreaterThanOrEqual(250);
      const sem = (r: SleepReason) => /do_semtimedop$/.test(r.reason);
      expect(share(t, sem), show(t)).toBeGreaterThanOrEqual(0.95);
      const byParent = (w: SleepReason['wakers'][number]) =>
        w.source.tid === parent && /do_semtimedop$/.test(w.frame) && w.frames.some((f) => /^wake_up_q/.test(f));
      expect(wakerShare(t, sem, byParent), show(t)).toBeGreaterThanOrEqual(0.95);
    });
  });

  describe('an fsync loop', () => {
    let a: Analysis;
    let pid: number;
    beforeAll(async () => {
      const r = await recordWithStacks('fsync', `${wl('ll-fsync')} /var/tmp/lifeline-reasons-fsync-$$ 30 > "$IDS"`);
      a = r.a;
      pid = r.ids[0]!;
    }, 60_000);

    it('D sleeps in the block-I/O wait path, woken by the block softirq or an interrupt (or the writeback worker)', () => {
      const t = thread(a, pid);
      const d = t.sleepReasons.filter((r) => r.sleepsD > 0);
      const dCount = d.reduce((n, r) => n + r.sleepsD, 0);
      expect(dCount, show(t)).toBeGreaterThanOrEqual(20);
      const ioPath = (r: SleepReason) =>
        r.stacks.every((s) =>
          s.frames.some((f) =>
            /^(io_schedule|folio_wait|wait_on_page|submit_bio_wait|blkdev_issue_flush|jbd2_)/.test(f),
          ),
        );
      const inIo = d.filter(ioPath).reduce((n, r) => n + r.sleepsD, 0);
      expect(inIo / dCount, show(t)).toBeGreaterThanOrEqual(0.9);
      const wakers = d.filter(ioPath).flatMap((r) => r.wakers);
      const viaDevice = wakers
        .filter((w) => w.source.kind === 'softirq' || w.source.kind === 'hardirq')
        .reduce((n, w) => n + w.count, 0);
      expect(viaDevice, show(t)).toBeGreaterThanOrEqual(10);
      // a device completion's stack is the interrupt's or the softirq's, never the task's syscall path
      for (const w of wakers.filter((x) => x.source.kind !== 'task'))
        expect(
          w.frames.some((f) => f.startsWith('entry_SYSCALL')),
          JSON.stringify(w),
        ).toBe(false);
    });
  });
});
