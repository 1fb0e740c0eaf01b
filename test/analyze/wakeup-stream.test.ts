/**
 * analyze(cap, { onWakeup }) hands out every wakeup once, complete, none kept: the same records
 * as the detail's wakeup log (with no budget), on every fixture.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type WakeupRecord } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';
import type { EventRow } from '../../src/capture/event-batch.js';
import { CommReason, Ctx } from '../../src/format/index.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { comm, irq, irqName, R, S, sw, us, wake } from '../helpers/sched-events.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
const FIXTURES = readdirSync(fixtures).filter((f) => f.endsWith('.db') || f.endsWith('.arrow'));

describe('the wakeup stream', () => {
  it.each(FIXTURES)('%s: the records of the wakeup log, each once', async (fixture) => {
    const cap = await openCapture(path.join(fixtures, fixture));
    try {
      const logged = await analyze(cap, { detail: { maxWakeups: Infinity, maxIntervals: 0, maxCpuSpans: 0 } });
      const streamed: WakeupRecord[] = [];
      const a = await analyze(cap, { onWakeup: (w) => streamed.push(w), histograms: true });
      expect(a.detail).toBeUndefined();
      expect(streamed.length).toBeGreaterThan(0);
      expect(new Set(streamed.map((w) => w.id)).size).toBe(streamed.length);
      streamed.sort((x, y) => x.id - y.id);
      expect(streamed).toEqual(logged.detail!.wakeups);
    } finally {
      cap.close();
    }
  });
});

describe('the wakeup stream names each source as it was at the wakeup', () => {
  // the waker renames itself between two wakeups it runs; an irq's name arrives between two it runs
  const rows: EventRow[] = [
    comm(100, 100, 'sleeper'),
    comm(200, 200, 'waker'),
    sw(1, 0, 0, 200, R),
    sw(2, 1, 100, 0, S),
    wake(10, 0, 100, 200),
    sw(11, 1, 0, 100, R),
    sw(12, 1, 100, 0, S),
    comm(200, 200, 'renamed', 20, CommReason.RENAME),
    wake(30, 0, 100, 200),
    sw(31, 1, 0, 100, R),
    sw(32, 1, 100, 0, S),
    ...irq(39, 41, 0, 24),
    wake(40, 0, 100, 200, { ctx: Ctx.HARDIRQ, id: 24 }),
    sw(42, 1, 0, 100, R),
    sw(43, 1, 100, 0, S),
    { ...irqName(24, 'eth0'), ts: us(50) },
    ...irq(59, 61, 0, 24),
    wake(60, 0, 100, 200, { ctx: Ctx.HARDIRQ, id: 24 }),
    sw(62, 1, 0, 100, R),
  ];

  it('a renamed waker and an irq named late: each record keeps the name of its moment', async () => {
    const streamed: WakeupRecord[] = [];
    await analyze(memoryCapture(rows), { onWakeup: (w) => streamed.push(w) });
    streamed.sort((x, y) => x.id - y.id);
    const label = (w: WakeupRecord) =>
      w.source.kind === 'task' ? `task ${w.source.comm}` : `${w.source.kind} ${w.source.name}`;
    // read after the replay: a record handed out early is not changed by what came later
    expect(streamed.map(label)).toEqual(['task waker', 'task renamed', 'hardirq irq 24', 'hardirq irq 24 eth0']);
    expect(streamed.map((w) => w.onCpu?.comm)).toEqual(['waker', 'renamed', 'renamed', 'renamed']);
    expect(streamed.map((w) => w.sleptNs)).toEqual([8_000, 18_000, 8_000, 17_000]);
  });
});
