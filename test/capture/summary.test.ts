import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchFromRows, type EventRow } from '../../src/capture/event-batch.js';
import { formatInfo, infoObject, openCapture, summarizeCapture } from '../../src/capture/index.js';
import { Ctx, Flag, Kind, SysVec } from '../../src/format/index.js';
import { EXT, tempDir, writeCapture } from './helpers.js';

const dir = tempDir();
const START = 86_400e9;

function ev(ts: number, kind: number, flags = 0, extra: Partial<EventRow> = {}): EventRow {
  return { ts: START + ts, cpu: 0, kind, flags, tid: 10, tid2: 11, a: 0, b: 0, c: 0, ...extra };
}

const rows: EventRow[] = [
  ev(1, Kind.COMM, 0, { name: 'stress' }),
  ev(2, Kind.SWITCH),
  ev(3, Kind.SWITCH),
  ev(4, Kind.WAKING, Ctx.TASK),
  ev(5, Kind.WAKING, Ctx.HARDIRQ | Flag.SYSVEC | Flag.IDLE, { b: SysVec.RESCHEDULE }),
  ev(6, Kind.WAKING, Ctx.SOFTIRQ | Flag.REMOTE),
  ev(7, Kind.WAKEUP_NEW, Ctx.TASK | Flag.REMOTE | Flag.ON_RQ),
  ev(8, Kind.WAKING, Ctx.NMI | Flag.UNSURE),
  ev(9, Kind.EXIT),
];

describe('capture summary', () => {
  for (const format of ['sqlite', 'arrow'] as const) {
    it(`${format}: counts events by kind and wakeups by context and flags`, async () => {
      const file = await writeCapture(path.join(dir, `info.${EXT[format]}`), format, [batchFromRows(rows)], {
        endNs: START + 2e9,
        lost: 3,
        lostPerCpu: [1, 2],
        exitCode: 0,
      });
      const capture = await openCapture(file);
      const s = await summarizeCapture(capture);
      capture.close();
      expect(s.events).toBe(9);
      expect(s.kinds).toEqual({ switch: 2, waking: 4, wakeup_new: 1, exit: 1, comm: 1 });
      expect(s.wakeups).toEqual({
        task: 2,
        hardirq: 1,
        softirq: 1,
        nmi: 1,
        remote: 2,
        idle: 1,
        spurious: 1,
        unsure: 1,
      });
      expect(s.lost).toBe(3);
      expect(s.bytes).toBeGreaterThan(0);
      expect(s.bytesPerEvent).toBeCloseTo(s.bytes / 9);
      expect(s.durationNs).toBe(2e9);
      expect(s.format).toBe(format);

      const text = formatInfo(s);
      expect(text).toContain('Europe/Paris');
      // testMeta: wall clock at startNs is 1_700_000_000_000 ms = 2023-11-14 22:13:20 UTC.
      expect(text).toContain('2023-11-14 22:13:20.000 UTC');
      expect(text).toContain('2023-11-14 23:13:20.000 Europe/Paris (GMT+01:00)');
      expect(text).toMatch(/lost 3/);
      expect(text).toMatch(/hardirq 1/);
      expect(text).toContain('stress --cpu 2');

      const json = JSON.parse(formatInfo(s, { json: true })) as Record<string, unknown>;
      expect(json).toEqual(JSON.parse(JSON.stringify(infoObject(s))));
      expect(json).toMatchObject({
        events: 9,
        lost: 3,
        complete: true,
        format,
        start: { utc: '2023-11-14T22:13:20.000Z' },
      });
    });
  }

  for (const format of ['sqlite', 'arrow'] as const) {
    it(`${format}: reads the file in its own order, and still finds the first and last events`, async () => {
      // Two CPUs' rows as a recorder writes them: out of ts order by a few µs.
      const skewed = [
        ev(5000, Kind.SWITCH, 0, { cpu: 1 }),
        ev(2000, Kind.SWITCH),
        ev(9000, Kind.WAKING, Ctx.TASK),
        ev(7000, Kind.SWITCH, 0, { cpu: 1 }),
      ];
      const file = await writeCapture(path.join(dir, `skewed.${EXT[format]}`), format, [batchFromRows(skewed)], {
        endNs: 0,
      });
      const capture = await openCapture(file);
      const inFile: number[] = [];
      for await (const b of capture.batches({ ordered: false })) inFile.push(...b.ts);
      const ordered: number[] = [];
      for await (const b of capture.batches()) ordered.push(...b.ts);
      const s = await summarizeCapture(capture);
      capture.close();
      expect(inFile).toEqual(skewed.map((r) => r.ts));
      expect(ordered).toEqual([2000, 5000, 7000, 9000].map((t) => START + t));
      expect(s.firstTs).toBe(START + 2000);
      expect(s.lastTs).toBe(START + 9000);
      expect(s.events).toBe(4);
      expect(s.kinds).toEqual({ switch: 3, waking: 1 });
    });
  }
});
