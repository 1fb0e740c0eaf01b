import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { batchFromRows, type EventRow } from '../../../src/capture/event-batch.js';
import { Ctx, Flag, Kind } from '../../../src/format/index.js';
import { tempDir, writeCapture } from '../helpers.js';
import { syntheticRows, toBatches } from '../synthetic.js';

const dir = tempDir();

function ev(ts: number, kind: number, fields: Partial<EventRow> = {}): EventRow {
  return { ts, cpu: 0, kind, flags: 0, tid: 0, tid2: 0, a: 0, b: 0, c: 0, ...fields };
}

const rows: EventRow[] = [
  ev(1, Kind.COMM, { tid: 100, a: 100, name: 'node', flags: 0 }),
  ev(2, Kind.SYM, { c: 1, name: 'hrtimer_wakeup' }),
  ev(3, Kind.IRQ_NAME, { a: 24, name: 'virtio0-input.0' }),
  ev(10, Kind.SWITCH, { tid: 100, tid2: 200, a: 1, b: 120, c: 139 }),
  ev(11, Kind.SWITCH, { tid: 200, tid2: 100, a: 0, b: 139, c: 120, flags: Flag.PREEMPT }),
  ev(12, Kind.SWITCH, { tid: 100, tid2: 0, a: 2, b: 120, c: 120 }),
  ev(20, Kind.IRQ_ENTRY, { a: 1, flags: Flag.SYSVEC }),
  ev(21, Kind.WAKING, { tid: 100, tid2: 200, a: 1, b: 1, c: 1, flags: Ctx.HARDIRQ | Flag.SYSVEC | Flag.REMOTE }),
  ev(25, Kind.IRQ_EXIT, { a: 1, flags: Flag.SYSVEC }),
  ev(30, Kind.IRQ_ENTRY, { a: 24 }),
  ev(31, Kind.WAKING, { tid: 300, tid2: 0, a: 0, b: 24, flags: Ctx.HARDIRQ | Flag.IDLE }),
  ev(33, Kind.IRQ_EXIT, { a: 24 }),
  ev(40, Kind.SOFTIRQ_ENTRY, { a: 3 }),
  ev(41, Kind.WAKING, { tid: 100, tid2: 200, a: 0, b: 3, flags: Ctx.SOFTIRQ | Flag.ON_RQ }),
  ev(45, Kind.SOFTIRQ_EXIT, { a: 3 }),
  ev(50, Kind.WAKING, { tid: 200, tid2: 100, a: 0, flags: Ctx.TASK }),
  ev(60, Kind.NMI, { b: 7, c: 1 }),
  ev(70, Kind.FORK, { tid: 101, tid2: 100, a: 100, b: 100 }),
  ev(71, Kind.WAKEUP_NEW, { tid: 101, tid2: 100, a: 1, flags: Ctx.TASK | Flag.REMOTE }),
  ev(72, Kind.EXEC, { tid: 101, tid2: 101, a: 101, name: '/bin/sleep' }),
  ev(80, Kind.EXIT, { tid: 101, a: 101, b: 120 }),
];

describe('SQLite views for sqlite3 users', () => {
  it('spell the events out', async () => {
    const file = await writeCapture(path.join(dir, 'views.db'), 'sqlite', [batchFromRows(rows)]);
    const db = new Database(file, { readonly: true });
    try {
      expect(
        db.prepare('SELECT prev_tid, prev_state, preempted, next_tid, next_prio FROM switches ORDER BY ts').all(),
      ).toEqual([
        { prev_tid: 100, prev_state: 'S', preempted: 0, next_tid: 200, next_prio: 139 },
        { prev_tid: 200, prev_state: 'R', preempted: 1, next_tid: 100, next_prio: 120 },
        { prev_tid: 100, prev_state: 'D', preempted: 0, next_tid: 0, next_prio: 120 },
      ]);
      expect(
        db
          .prepare(
            'SELECT ts, kind, target_tid, current_tid, ctx, source, callback, remote, idle, spurious FROM wakings ORDER BY ts',
          )
          .all(),
      ).toEqual([
        {
          ts: 21,
          kind: 'waking',
          target_tid: 100,
          current_tid: 200,
          ctx: 'hardirq',
          source: 'local_timer',
          callback: 'hrtimer_wakeup',
          remote: 1,
          idle: 0,
          spurious: 0,
        },
        {
          ts: 31,
          kind: 'waking',
          target_tid: 300,
          current_tid: 0,
          ctx: 'hardirq',
          source: 'irq 24 virtio0-input.0',
          callback: null,
          remote: 0,
          idle: 1,
          spurious: 0,
        },
        {
          ts: 41,
          kind: 'waking',
          target_tid: 100,
          current_tid: 200,
          ctx: 'softirq',
          source: 'NET_RX',
          callback: null,
          remote: 0,
          idle: 0,
          spurious: 1,
        },
        {
          ts: 50,
          kind: 'waking',
          target_tid: 200,
          current_tid: 100,
          ctx: 'task',
          source: null,
          callback: null,
          remote: 0,
          idle: 0,
          spurious: 0,
        },
        {
          ts: 71,
          kind: 'wakeup_new',
          target_tid: 101,
          current_tid: 100,
          ctx: 'task',
          source: null,
          callback: null,
          remote: 1,
          idle: 0,
          spurious: 0,
        },
      ]);
      expect(
        db.prepare('SELECT cpu, type, id, name, start_ts, end_ts, duration_ns FROM irqs ORDER BY start_ts').all(),
      ).toEqual([
        { cpu: 0, type: 'hardirq', id: 1, name: 'local_timer', start_ts: 20, end_ts: 25, duration_ns: 5 },
        { cpu: 0, type: 'hardirq', id: 24, name: 'irq 24 virtio0-input.0', start_ts: 30, end_ts: 33, duration_ns: 3 },
        { cpu: 0, type: 'softirq', id: 3, name: 'NET_RX', start_ts: 40, end_ts: 45, duration_ns: 5 },
        { cpu: 0, type: 'nmi', id: 0, name: 'hrtimer_wakeup', start_ts: 53, end_ts: 60, duration_ns: 7 },
      ]);
      expect(db.prepare('SELECT * FROM forks').all()).toEqual([
        { ts: 70, cpu: 0, parent_tid: 100, parent_tgid: 100, child_tid: 101, child_tgid: 100 },
      ]);
      expect(db.prepare('SELECT tid, tgid, filename FROM execs').all()).toEqual([
        { tid: 101, tgid: 101, filename: '/bin/sleep' },
      ]);
      expect(db.prepare('SELECT tid, tgid, prio FROM exits').all()).toEqual([{ tid: 101, tgid: 101, prio: 120 }]);
      expect(db.prepare('SELECT tid, tgid, comm, reason FROM tasks').all()).toEqual([
        { tid: 100, tgid: 100, comm: 'node', reason: 'seen' },
      ]);
      expect(db.prepare('SELECT * FROM symbols').all()).toEqual([{ id: 1, name: 'hrtimer_wakeup' }]);
      const meta = db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value: string };
      expect(JSON.parse(meta.value)).toBe('lifeline');
    } finally {
      db.close();
    }
  });

  // A view joining per row by scanning would take minutes here, far past the test timeout.
  it('stay fast on a large capture (joins do not scan per row)', async () => {
    const file = await writeCapture(
      path.join(dir, 'views-big.db'),
      'sqlite',
      toBatches(syntheticRows({ events: 200_000, seed: 6 }), 8192),
    );
    const db = new Database(file, { readonly: true });
    try {
      const byCtx = db.prepare('SELECT ctx, count(*) AS n FROM wakings GROUP BY ctx').all() as Array<{ n: number }>;
      const spans = db.prepare('SELECT count(*) AS n FROM irqs').get() as { n: number };
      expect(byCtx.reduce((sum, r) => sum + r.n, 0)).toBeGreaterThan(50_000);
      expect(spans.n).toBeGreaterThan(10_000);
    } finally {
      db.close();
    }
  });
});
