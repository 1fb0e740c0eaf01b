import { describe, expect, it } from 'vitest';
import { analyze, chainFor, formatChain } from '../../src/analyze/index.js';
import { LifelineError } from '../../src/errors.js';
import { memoryCapture } from '../helpers/memory-capture.js';
import { comm, irq, irqName, R, S, softirq, sw, wake } from '../helpers/sched-events.js';

const STRESS = 4312;
const A = 501;
const B = 502;
const C = 503;
// irq 24 (while stress runs on cpu 0) wakes a; a wakes b; b wakes c.
const rows = [
  comm(STRESS, STRESS, 'stress'),
  comm(A, A, 'netd'),
  comm(B, B, 'worker'),
  comm(C, C, 'client'),
  irqName(24, 'virtio0-input.0'),
  sw(1, 1, A, 0, S),
  sw(2, 1, 0, B),
  sw(3, 1, B, 0, S),
  sw(4, 1, 0, C),
  sw(5, 1, C, 0, S),
  ...irq(999, 1001, 0, 24),
  wake(1000, 0, A, STRESS, { ctx: 1, id: 24 }),
  sw(1020, 1, 0, A),
  wake(1100, 1, B, A),
  sw(1150, 1, A, B, S),
  wake(1300, 1, C, B),
  sw(1310, 1, B, C, S),
  sw(1400, 1, C, 0, R, true),
  sw(1450, 1, 0, C),
  sw(1500, 1, C, 0, S),
  ...softirq(1600, 1610, 0, 1),
];

describe('wakeup chains', () => {
  it('follows the waker’s latest wakeup back to the interrupt', async () => {
    const { detail } = await analyze(memoryCapture(rows), { detail: true });
    const cWake = detail!.wakeups.find((w) => w.tid === C)!;
    const chain = chainFor(detail!, cWake.id, 8);
    expect(chain.map((w) => [w.tid, w.source.kind, w.source.comm ?? w.source.name])).toEqual([
      [C, 'task', 'worker'],
      [B, 'task', 'netd'],
      [A, 'hardirq', 'irq 24 virtio0-input.0'],
    ]);
    expect(chain[2]!.onCpu).toEqual({ tid: STRESS, comm: 'stress' });
    expect(chain[2]!.reattributed).toBe(true);
    expect(cWake).toMatchObject({
      sleptNs: 1_295_000,
      sleepState: 'S',
      waitNs: 10_000,
      runNs: 140_000,
      slices: 2,
      ts: 1_300_000,
    });
    expect(chainFor(detail!, cWake.id, 1)).toHaveLength(2);
  });

  it('prints one line per wakeup and the chain indented under it', async () => {
    const { detail } = await analyze(memoryCapture(rows), { detail: true });
    expect(formatChain(detail, C)).toBe(
      [
        '+1.300 ms  slept 1.29 ms (S)  woken by task worker 502  waited 0.01 ms  ran 0.14 ms in 2 slices',
        '    ← +1.100 ms  worker 502  slept 1.10 ms (S)  woken by task netd 501  waited 0.05 ms  ran 0.16 ms in 1 slice',
        '        ← +1.000 ms  netd 501  slept 1.00 ms (S)  woken by hardirq irq 24 virtio0-input.0 (on cpu: stress 4312)  waited 0.02 ms  ran 0.13 ms in 1 slice',
      ].join('\n'),
    );
    expect(formatChain(detail, C, { depth: 1 }).split('\n')).toHaveLength(3);
    expect(formatChain(detail, C, { depth: 1 }).split('\n')[2]).toBe('        ← … (depth limit 1)');
  });

  it('says when a chain ends at a thread that was already running', async () => {
    const { detail } = await analyze(memoryCapture(rows.filter((r) => !(r.kind === 2 && r.tid === A))), {
      detail: true,
    });
    const text = formatChain(detail, B);
    expect(text.split('\n')[1]).toBe('    ← netd 501 was already running (no earlier wakeup seen)');
  });

  it('errors in one line for a thread without wakeups or an analysis without detail', async () => {
    const a = await analyze(memoryCapture(rows), { detail: true });
    expect(() => formatChain(a.detail, STRESS)).toThrow(LifelineError);
    expect(() => formatChain(undefined, C)).toThrow(/without detail/);
    expect(() => chainFor(a.detail!, 999)).toThrow(/no wakeup with id 999/);
  });

  it('records the state timeline and cpu spans relative to the capture start', async () => {
    const { detail } = await analyze(memoryCapture(rows), { detail: true });
    const c = detail!.intervals.filter((i) => i.tid === C);
    expect(c.map((i) => [i.state, i.start, i.end, i.cpu])).toEqual([
      ['running', 4_000, 5_000, 1],
      ['sleeping', 5_000, 1_300_000, undefined],
      ['runnable', 1_300_000, 1_310_000, undefined],
      ['running', 1_310_000, 1_400_000, 1],
      ['runnable', 1_400_000, 1_450_000, undefined],
      ['running', 1_450_000, 1_500_000, 1],
      ['sleeping', 1_500_000, 1_610_000, undefined],
    ]);
    const irqs = detail!.cpuSpans.filter((s) => s.kind !== 'task');
    expect(irqs).toEqual([
      { cpu: 0, start: 999_000, end: 1_001_000, kind: 'hardirq', name: 'irq 24 virtio0-input.0' },
      { cpu: 0, start: 1_600_000, end: 1_610_000, kind: 'softirq', name: 'TIMER' },
    ]);
    expect(detail!.cpuSpans.filter((s) => s.kind === 'task' && s.tid === C)).toEqual([
      { cpu: 1, start: 4_000, end: 5_000, kind: 'task', tid: C },
      { cpu: 1, start: 1_310_000, end: 1_400_000, kind: 'task', tid: C },
      { cpu: 1, start: 1_450_000, end: 1_500_000, kind: 'task', tid: C },
    ]);
    // stress never switched: where it ran is not known, so it has no span.
    expect(detail!.cpuSpans.some((s) => s.tid === STRESS)).toBe(false);
    expect(detail!.reduced).toEqual([]);
  });

  it('keeps the busiest threads within the budget and says so', async () => {
    const { detail } = await analyze(memoryCapture(rows), {
      detail: { maxIntervals: 8, maxWakeups: 1, maxCpuSpans: 3 },
    });
    expect(detail!.intervals.length).toBeLessThanOrEqual(8);
    expect(new Set(detail!.intervals.map((i) => i.tid))).toEqual(new Set([C]));
    expect(detail!.wakeups).toHaveLength(1);
    expect(detail!.cpuSpans).toHaveLength(3);
    expect(detail!.reduced).toEqual([
      'intervals: kept the 1 busiest of 3 threads (7 of 17 intervals)',
      'cpu spans: kept the first 3 of 9 (up to +0.004 ms)',
      'wakeups: kept the 1 busiest of 3 threads (1 of 3 wakeups)',
    ]);
  });
});
