/**
 * Real recordings of workloads whose scheduling is known in advance
 * (test/workloads/*.c, built by scripts/setup.sh).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { record } from '../../src/record/recorder.js';
import { Ctx, Flag, Kind, SYSVEC_NAMES } from '../../src/format/index.js';
import { readRows, type CaptureRows } from '../helpers/capture-rows.js';
import { skipRecording, skipReason } from '../helpers/root.js';

const root = path.resolve(__dirname, '../..');
const wl = (name: string) => path.join(root, 'build/workloads', name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-rec-'));

if (skipRecording) console.warn(`skipping recorder tests: ${skipReason}`);

describe.skipIf(skipRecording)('record (real BPF)', () => {
  describe('a nanosleep loop under stress --cpu 2', () => {
    let cap: CaptureRows;
    let pid: number;
    const sleeps = 100;
    beforeAll(async () => {
      const pidFile = path.join(tmp, 'sleeper.pid');
      const res = await record({
        output: path.join(tmp, 'sleeper.db'),
        command: [
          'sh',
          '-c',
          `taskset -c 1 stress --cpu 2 --timeout 2 >/dev/null 2>&1 & sleep 0.1; taskset -c 1 ${wl('ll-sleeper')} ${sleeps} 5 > ${pidFile}; wait`,
        ],
        stdio: 'ignore',
      });
      expect(res.exitCode).toBe(0);
      // Sized so that no event can be lost: the run records some 22 000 events in 2.3 s on a quiet
      // machine (measured), about 1 MiB of records; the ring (32 MiB) would hold the whole run
      // thirty times over, had the reader read nothing at all until the end. Real loss, reported
      // by every output: loss.test.ts.
      expect(res.lost).toBe(0);
      pid = Number(readFileSync(pidFile, 'utf8').trim());
      cap = await readRows(res.path);
    });

    it('names the sleeper thread', () => {
      expect(cap.comm.get(pid)).toBe('ll-sleeper');
    });

    it('captures each of its sleeps as a switch-out in state S', () => {
      const outS = cap.rows.filter(
        (r) => r.kind === Kind.SWITCH && r.tid === pid && (r.a & 1) === 1 && !(r.flags & Flag.PREEMPT),
      );
      expect(outS.length).toBeGreaterThanOrEqual(sleeps);
      expect(outS.length).toBeLessThanOrEqual(sleeps + 3);
    });

    it('credits its wakings to the local timer interrupt running hrtimer_wakeup', () => {
      // every sleep ends with a waking (one may find the thread still on a run queue, if it
      // was preempted between setting its state and switching out)
      const wakings = cap.rows.filter((r) => r.kind === Kind.WAKING && r.tid === pid);
      expect(wakings.length).toBeGreaterThanOrEqual(sleeps);
      const hardirq = wakings.filter((r) => (r.flags & Flag.CTX_MASK) === Ctx.HARDIRQ);
      expect(hardirq.length / wakings.length).toBeGreaterThan(0.9);
      const byTimer = hardirq.filter(
        (r) => r.flags & Flag.SYSVEC && SYSVEC_NAMES[r.b] === 'local_timer' && cap.sym.get(r.c) === 'hrtimer_wakeup',
      );
      expect(byTimer.length / wakings.length).toBeGreaterThan(0.9);
    });

    it('records stress as the task on the CPU, never as the waker context', () => {
      const wakings = cap.rows.filter((r) => r.kind === Kind.WAKING && r.tid === pid);
      const onStress = wakings.filter((r) => cap.comm.get(r.tid2) === 'stress');
      // with the sleeper and both stress workers pinned to one CPU, stress is what the timer interrupts
      expect(onStress.length / wakings.length).toBeGreaterThan(0.5);
      for (const r of onStress) expect(r.flags & Flag.CTX_MASK).not.toBe(Ctx.TASK);
    });

    it('has the meta facts of the run', () => {
      expect(cap.meta.complete).toBe(true);
      expect(cap.meta.cpus).toBe(os.cpus().length);
      expect(cap.meta.kernel).toBe(os.release());
      expect(cap.meta.endNs).toBeGreaterThan(cap.meta.startNs);
      expect(cap.meta.exitCode).toBe(0);
      for (const r of cap.rows) expect(r.ts).toBeGreaterThan(cap.meta.startNs - 1e9);
    });

    it('yields events in timestamp order', () => {
      for (let i = 1; i < cap.rows.length; i++) expect(cap.rows[i]!.ts).toBeGreaterThanOrEqual(cap.rows[i - 1]!.ts);
    });
  });

  describe('a pipe ping-pong between two processes', () => {
    let cap: CaptureRows;
    let ping: number;
    let pong: number;
    beforeAll(async () => {
      const pidFile = path.join(tmp, 'pingpong.pid');
      const res = await record({
        output: path.join(tmp, 'pingpong.arrow'),
        format: 'arrow',
        command: ['sh', '-c', `${wl('ll-pingpong')} 2000 > ${pidFile}`],
        stdio: 'ignore',
      });
      expect(res.exitCode).toBe(0);
      [ping, pong] = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) as [number, number];
      cap = await readRows(res.path);
    });

    it('names both sides, including the rename of the child', () => {
      expect(cap.comm.get(ping)).toBe('ll-ping');
      expect(cap.comm.get(pong)).toBe('ll-pong');
      const rename = cap.rows.find((r) => r.kind === Kind.COMM && r.tid === pong && r.name === 'll-pong');
      expect(rename).toBeDefined();
    });

    it('records the fork of the child by the parent', () => {
      const fork = cap.rows.find((r) => r.kind === Kind.FORK && r.tid === pong);
      expect(fork?.tid2).toBe(ping);
      expect(fork?.a).toBe(pong);
    });

    const wakingsOf = (me: number) =>
      cap.rows.filter((r) => r.kind === Kind.WAKING && r.tid === me && !(r.flags & Flag.ON_RQ));

    // at least one side waits in each of the 2000 rounds, not each side: on a shared CPU, wakeup
    // preemption can let one side run on without sleeping
    it('wakes the two sides at least once a round between them', () => {
      expect(wakingsOf(ping).length + wakingsOf(pong).length).toBeGreaterThan(1000);
    });

    for (const side of ['ping', 'pong'] as const) {
      it(`wakes ${side} in task context with its partner on the CPU`, () => {
        const me = side === 'ping' ? ping : pong;
        const partner = side === 'ping' ? pong : ping;
        const wakings = wakingsOf(me);
        const byPartner = wakings.filter((r) => (r.flags & Flag.CTX_MASK) === Ctx.TASK && r.tid2 === partner);
        // its start (the shell's fork, a migration) may be another's: one allowed
        expect(byPartner.length + 1).toBeGreaterThanOrEqual(0.95 * wakings.length);
      });
    }

    it('records the exit of both processes', () => {
      const exits = cap.rows.filter((r) => r.kind === Kind.EXIT && (r.tid === ping || r.tid === pong));
      expect(exits.map((r) => r.tid).sort()).toEqual([ping, pong].sort());
    });
  });

  it('writes identical event streams to SQLite and Arrow from one recording', async () => {
    const res = await record({
      output: path.join(tmp, 'both.db'),
      mirror: { output: path.join(tmp, 'both.arrow'), format: 'arrow' },
      command: [wl('ll-ring'), '3', '300'],
      stdio: 'ignore',
    });
    const a = await readRows(res.path);
    const b = await readRows(path.join(tmp, 'both.arrow'));
    expect(a.rows.length).toBe(res.events);
    expect(b.rows.length).toBe(a.rows.length);
    expect(b.rows).toEqual(a.rows);
    expect(b.meta).toEqual(a.meta);
  });
});
