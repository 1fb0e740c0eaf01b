import type { Row, VegaLiteSpec } from '../types.js';
import { CONFIG, KIND_COLORS, OTHER_COLOR, PROCESS_COLORS, SCHEMA, durationText, timeAxisTitle } from './common.js';
import { INTERRUPT_KINDS, OTHER_PROCESSES } from '../model/cpu-rows.js';

export interface CpuTimelineData {
  /** { lane, t0, t1, what, group, merged } */
  spans: Row[];
  lanes: string[];
  groups: string[];
  /** The time axis range, ms since the capture start. */
  domainMs: [number, number];
  wallStart: string;
  width: number;
}

const LANE_PX = 22;

/** What ran on each CPU, colored by process, with hard and soft interrupt spans on a lane below each CPU. */
export function cpuTimelineSpec(d: CpuTimelineData): VegaLiteSpec {
  let next = 0;
  const range = d.groups.map((g) => {
    if (g === OTHER_PROCESSES) return OTHER_COLOR;
    const kind = INTERRUPT_KINDS.find((k) => k === g);
    if (kind) return KIND_COLORS[kind];
    return PROCESS_COLORS[next++ % PROCESS_COLORS.length]!;
  });
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { cpuSpans: d.spans },
    data: { name: 'cpuSpans' },
    width: d.width,
    height: Math.max(1, d.lanes.length) * LANE_PX,
    transform: [{ calculate: durationText('(datum.t1 - datum.t0) * 1e6'), as: 'duration' }],
    encoding: {
      x: {
        field: 't0',
        type: 'quantitative',
        title: timeAxisTitle(d.wallStart),
        scale: { domain: [...d.domainMs], nice: false },
      },
      y: {
        field: 'lane',
        type: 'nominal',
        title: null,
        sort: null,
        scale: { domain: d.lanes },
        axis: { ticks: false, domain: false },
      },
      color: {
        field: 'group',
        type: 'nominal',
        title: 'process / interrupt',
        sort: null,
        scale: { domain: d.groups, range },
        legend: { orient: 'top', columns: 4, direction: 'horizontal', labelLimit: 220 },
      },
      tooltip: [
        { field: 'lane', title: 'CPU' },
        { field: 'what', title: 'ran' },
        { field: 'group', title: 'process / kind' },
        { field: 't0', title: 'start (ms)', format: ',.3f' },
        { field: 'duration', title: 'duration' },
        { field: 'merged', title: 'spans' },
      ],
    },
    layer: [
      {
        // Threads: a bar from switch-in to switch-out.
        transform: [{ filter: '!datum.irq' }],
        params: [{ name: 'cpuZoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
        mark: { type: 'bar', height: { band: 0.8 }, clip: true },
        encoding: { x2: { field: 't1' } },
      },
      {
        // Interrupts last microseconds: a tick at least a pixel wide, so each one stays visible.
        transform: [{ filter: 'datum.irq' }],
        mark: { type: 'tick', thickness: 1, bandSize: LANE_PX * 0.8, clip: true },
      },
    ],
  } satisfies VegaLiteSpec;
}
