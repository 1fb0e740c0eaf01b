import type { Row, VegaLiteSpec } from '../types.js';
import { CONFIG, SCHEMA, STATE_COLORS, durationText } from './common.js';

export interface CriticalPathData {
  /** Unique among the page's datasets. */
  name: string;
  /** { lane, state, s, e, ns, what, cpu, depth } (src/report/model/path-rows.ts). */
  rows: Row[];
  lanes: string[];
  states: readonly string[];
  title: string;
  subtitle: string;
  width: number;
}

/** The path's states in the state timeline's colors; interrupts and unknown stretches their own. */
const PATH_COLORS: Record<string, string> = {
  running: STATE_COLORS.running,
  runnable: STATE_COLORS.runnable,
  interrupt: '#7b2cbf',
  sleeping: STATE_COLORS.sleeping,
  unknown: STATE_COLORS.dead,
};

const LANE_PX = 26;

/**
 * A critical path: one lane per thread on it, each segment a bar from its start to its end
 * (ms from the start of the interval), colored by state; hover for what it waited on.
 */
export function criticalPathSpec(d: CriticalPathData): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { [d.name]: d.rows },
    data: { name: d.name },
    title: { text: d.title, subtitle: d.subtitle },
    width: d.width,
    height: Math.max(1, d.lanes.length) * LANE_PX,
    transform: [{ calculate: durationText('datum.ns'), as: 'dur' }],
    mark: { type: 'bar', cornerRadius: 1 },
    encoding: {
      x: {
        field: 's',
        type: 'quantitative',
        title: 'ms from the start of the interval',
        scale: { zero: true, nice: false },
      },
      x2: { field: 'e' },
      y: { field: 'lane', type: 'nominal', title: null, sort: d.lanes, axis: { labelLimit: 220 } },
      color: {
        field: 'state',
        type: 'nominal',
        title: 'state',
        scale: { domain: [...d.states], range: d.states.map((s) => PATH_COLORS[s] ?? '#999999') },
      },
      tooltip: [
        { field: 'lane', title: 'thread' },
        { field: 'state', title: 'state' },
        { field: 'dur', title: 'duration' },
        { field: 'what', title: 'waited on / cause' },
        { field: 'cpu', title: 'CPU' },
        { field: 'depth', title: 'wakeups back' },
      ],
    },
  } satisfies VegaLiteSpec;
}
