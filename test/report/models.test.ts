import { describe, expect, it } from 'vitest';
import type { AnalysisDetail, WakeupRecord } from '../../src/analyze/types.js';
import { formatDuration, formatWall } from '../../src/report/html/format.js';
import { coalesceToBudget, dominant } from '../../src/report/model/coalesce.js';
import { distributions } from '../../src/report/model/histograms.js';
import { ThreadDirectory } from '../../src/report/model/labels.js';
import { lifelineRows } from '../../src/report/model/lifeline-rows.js';
import { syntheticAnalysis } from './synthetic.js';

interface S {
  start: number;
  end: number;
  state: string;
}

describe('coalesceToBudget', () => {
  const lane: S[] = Array.from({ length: 1000 }, (_, i) => ({
    start: i * 10,
    end: i * 10 + 10,
    state: i % 4 === 0 ? 'running' : 'sleeping',
  }));
  const merge = (g: S[]): S => ({ start: g[0]!.start, end: g[g.length - 1]!.end, state: dominant(g, (s) => s.state) });

  it('leaves spans alone when they fit', () => {
    const out = coalesceToBudget([lane], 1000, merge);
    expect(out.spans).toHaveLength(1000);
    expect(out.resolutionNs).toBe(0);
  });

  it('merges short spans until they fit, keeping the covered time and the dominant state', () => {
    const out = coalesceToBudget([lane], 100, merge);
    expect(out.spans.length).toBeLessThanOrEqual(100);
    expect(out.resolutionNs).toBeGreaterThan(10);
    expect(out.spans[0]!.start).toBe(0);
    expect(out.spans[out.spans.length - 1]!.end).toBe(10_000);
    for (let i = 1; i < out.spans.length; i++) expect(out.spans[i]!.start).toBe(out.spans[i - 1]!.end);
    expect(out.spans.every((s) => s.state === 'sleeping')).toBe(true);
  });

  it('keeps long spans whole', () => {
    const mixed: S[] = [...lane.slice(0, 500), { start: 5000, end: 1e6, state: 'running' }];
    const out = coalesceToBudget([mixed], 50, merge);
    expect(out.spans).toContainEqual({ start: 5000, end: 1e6, state: 'running' });
  });
});

describe('histograms', () => {
  it('bins durations five per decade and stacks processes', () => {
    const a = syntheticAnalysis({ durationMs: 300 });
    const dir = new ThreadDirectory(a.result);
    const dists = distributions(a.detail!, dir, ['node (pid 1000)']);
    const sleep = dists.find((d) => d.id === 'sleep')!;
    expect(sleep.samples).toBe(a.detail!.wakeups.filter((w) => w.sleptNs !== null).length);
    expect(sleep.rows.reduce((n, r) => n + Number(r.n), 0)).toBe(sleep.samples);
    for (const r of sleep.rows) {
      expect(Math.log10(Number(r.b1)) - Math.log10(Number(r.b0))).toBeCloseTo(0.2, 2);
      expect(Number(r.y1) - Number(r.y0)).toBe(r.n);
    }
  });
});

describe('lifeline chains', () => {
  it('follows wakerWakeup links back to an interrupt', () => {
    const w = (
      id: number,
      tid: number,
      ts: number,
      source: WakeupRecord['source'],
      wakerWakeup: number | null,
    ): WakeupRecord => ({
      id,
      ts,
      tid,
      source,
      onCpu: null,
      reattributed: false,
      sleptNs: 1000,
      sleepState: 'S',
      waitNs: 10,
      runNs: 100,
      slices: 1,
      wakerWakeup,
      flags: { remote: false, idle: false, spurious: false, unsure: false },
    });
    const detail: AnalysisDetail = {
      intervals: [],
      cpuSpans: [],
      reduced: [],
      wakeups: [
        w(0, 1, 100, { kind: 'hardirq', name: 'irq 11 virtio0' }, null),
        w(1, 2, 200, { kind: 'task', tid: 1, tgid: 1, comm: 'a' }, 0),
        w(2, 3, 300, { kind: 'task', tid: 2, tgid: 2, comm: 'b' }, 1),
      ],
    };
    const dir = new ThreadDirectory({
      capture: { format: 'sqlite', events: 0, lost: 0, contradictions: 0, startWall: '', durationNs: 1000 },
      threads: [],
      processes: [],
      edges: [],
      reattributed: 0,
    });
    const rows = lifelineRows(detail, dir, 3, 100);
    expect(rows.lanes).toEqual(['tid 3', 'b 2', 'a 1']);
    expect(rows.events.map((e) => e.src)).toEqual(['task b 2', 'task a 1', 'hardirq irq 11 virtio0']);
    expect(rows.links.map((l) => [l.from, l.to])).toEqual([
      ['b 2', 'tid 3'],
      ['a 1', 'b 2'],
    ]);
  });
});

describe('formatting', () => {
  it('names the zone and offers the other clock', () => {
    const t = formatWall(Date.UTC(2025, 2, 14, 8, 26, 53, 589), 'Europe/Paris', false);
    expect(t.shown).toBe('2025-03-14 09:26:53.589 Europe/Paris (UTC+01:00)');
    expect(t.other).toBe('2025-03-14 08:26:53.589 UTC');
    expect(formatWall(0, 'Europe/Paris', true).shown).toBe('1970-01-01 00:00:00.000 UTC');
    expect(formatWall(0, 'Not/AZone', false).shown).toBe('1970-01-01 00:00:00.000 UTC');
  });

  it('prints durations with units', () => {
    expect(formatDuration(999)).toBe('999 ns');
    expect(formatDuration(1_234_567)).toBe('1.23 ms');
    expect(formatDuration(15e9)).toBe('15 s');
    expect(formatDuration(400e6)).toBe('400 ms');
    expect(formatDuration(10e3)).toBe('10 µs');
  });
});
