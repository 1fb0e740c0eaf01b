import type { SourceKind } from '../../analyze/index.js';
import type { LifelineRows } from '../model/lifeline-rows.js';
import type { VegaLiteSpec } from '../types.js';
import {
  CONFIG,
  KINDS,
  KIND_COLORS,
  SCHEMA,
  STATE_COLORS,
  durationLogAxis,
  durationText,
  timeAxisTitle,
} from './common.js';

export interface LifelineData {
  rows: LifelineRows;
  /** The time axis range, ms since the capture start. */
  domainMs: [number, number];
  wallStart: string;
  width: number;
}

const PHASES = ['sleeping S', 'blocked D', 'runnable', 'running'];
const PHASE_COLORS = [STATE_COLORS.sleeping, STATE_COLORS.blocked, STATE_COLORS.runnable, STATE_COLORS.running];
const MEASURES = ['sleep before', 'run-queue wait', 'run after'];
const MEASURE_COLORS = ['#5b8bd9', '#e8a90c', STATE_COLORS.running];
const LANE_PX = 30;

/**
 * Each wakeup of one thread over time: the sleep it ended, the run-queue wait, the run that
 * followed, the marker colored by who woke it, and the chain back through the wakers' own wakeups.
 */
export function lifelineSpec(d: LifelineData): VegaLiteSpec {
  const r = d.rows;
  const laneY = { field: 'lane', type: 'nominal' as const, title: null, sort: null, scale: { domain: r.lanes } };
  const x = {
    type: 'quantitative' as const,
    title: timeAxisTitle(d.wallStart),
    scale: { domain: [...d.domainMs], nice: false },
  };
  const kinds: SourceKind[] = KINDS;
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of r.durations) {
    lo = Math.min(lo, Number(row.y));
    hi = Math.max(hi, Number(row.y));
  }
  if (!Number.isFinite(lo)) [lo, hi] = [1e3, 1e6];
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: {
      lifePhases: r.phases,
      lifeEvents: r.events,
      lifeLinks: r.links,
      lifeHops: r.hops,
      lifeDurations: r.durations,
    },
    resolve: { scale: { x: 'shared' } },
    spacing: 18,
    vconcat: [
      {
        width: d.width,
        height: r.lanes.length * LANE_PX,
        title: {
          text: `Wakeups of ${r.label} and the chains that led to them`,
          subtitle:
            'bars: sleep ended → run-queue wait → run (CPU time); lines: waker → wakee; ▼ colored by who woke it',
        },
        resolve: { scale: { color: 'independent' } },
        layer: [
          {
            data: { name: 'lifePhases' },
            params: [{ name: 'lifeZoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
            transform: [{ calculate: durationText('datum.ns'), as: 'duration' }],
            mark: { type: 'bar', height: { band: 0.45 }, clip: true },
            encoding: {
              x: { ...x, field: 't0' },
              x2: { field: 't1' },
              y: { ...laneY, axis: { labelLimit: 220, ticks: false, domain: false } },
              color: {
                field: 'phase',
                type: 'nominal',
                title: 'phase',
                scale: { domain: PHASES, range: PHASE_COLORS },
                legend: { orient: 'top' },
              },
              tooltip: [
                { field: 'lane', title: 'thread' },
                { field: 'phase', title: 'phase' },
                { field: 't0', title: 'start (ms)', format: ',.3f' },
                { field: 'duration', title: 'duration' },
              ],
            },
          },
          {
            data: { name: 'lifeHops' },
            mark: { type: 'rule', strokeDash: [3, 2], strokeWidth: 1.2, color: '#4b5563', yOffset: 9, clip: true },
            encoding: { x: { ...x, field: 't0' }, x2: { field: 't1' }, y: { ...laneY, bandPosition: 0.5 } },
          },
          {
            data: { name: 'lifeLinks' },
            mark: { type: 'rule', strokeWidth: 1.2, color: KIND_COLORS.task, clip: true },
            encoding: {
              x: { ...x, field: 't' },
              y: { field: 'from', type: 'nominal', bandPosition: 0.5, scale: { domain: r.lanes } },
              y2: { field: 'to' },
              tooltip: [
                { field: 'from', title: 'waker' },
                { field: 'to', title: 'woke' },
                { field: 't', title: 'at (ms)', format: ',.3f' },
              ],
            },
          },
          {
            data: { name: 'lifeEvents' },
            transform: [
              { calculate: durationText('datum.slept'), as: 'sleptText' },
              { calculate: durationText('datum.wait'), as: 'waitText' },
              { calculate: durationText('datum.run'), as: 'runText' },
              { calculate: "datum.slices == null ? '–' : datum.slices", as: 'slicesText' },
            ],
            mark: { type: 'point', shape: 'triangle-down', filled: true, size: 60, yOffset: -8, clip: true },
            encoding: {
              x: { ...x, field: 't' },
              y: { ...laneY, bandPosition: 0.5 },
              color: {
                field: 'kind',
                type: 'nominal',
                title: 'woken by',
                scale: { domain: kinds, range: kinds.map((k) => KIND_COLORS[k]) },
                legend: { orient: 'top' },
              },
              tooltip: [
                { field: 'lane', title: 'thread' },
                { field: 'src', title: 'woken by' },
                { field: 'kind', title: 'source kind' },
                { field: 't', title: 'at (ms)', format: ',.3f' },
                { field: 'sleptText', title: 'slept' },
                { field: 'waitText', title: 'run-queue wait' },
                { field: 'runText', title: 'run after' },
                { field: 'slicesText', title: 'slices' },
                { field: 'naive', title: 'on CPU (naive tools blame)' },
                { field: 'depth', title: 'chain depth' },
              ],
            },
          },
        ],
      },
      {
        data: { name: 'lifeDurations' },
        width: d.width,
        height: 180,
        title: {
          text: `Per wakeup of ${r.label}: sleep before, run-queue wait, run after`,
          subtitle: 'log scale; zero waits are drawn at the bottom',
        },
        transform: [{ calculate: durationText('datum.ns'), as: 'duration' }],
        mark: { type: 'point', filled: true, size: 22, opacity: 0.75, clip: true },
        encoding: {
          x: { ...x, field: 't' },
          y: {
            field: 'y',
            type: 'quantitative',
            title: null,
            scale: { type: 'log', domain: [lo, hi] },
            axis: durationLogAxis(lo, hi),
          },
          color: {
            field: 'measure',
            type: 'nominal',
            title: 'measure',
            scale: { domain: MEASURES, range: MEASURE_COLORS },
            legend: { orient: 'right', direction: 'vertical' },
          },
          tooltip: [
            { field: 'measure', title: 'measure' },
            { field: 't', title: 'wakeup at (ms)', format: ',.3f' },
            { field: 'duration', title: 'duration' },
            { field: 'kind', title: 'woken by (kind)' },
          ],
        },
      },
    ],
  } satisfies VegaLiteSpec;
}
