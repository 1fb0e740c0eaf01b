import type { Distribution } from '../model/histograms.js';
import type { VegaLiteSpec } from '../types.js';
import { OTHER_PROCESSES } from '../model/cpu-rows.js';
import { formatDuration } from '../html/format.js';
import { CONFIG, OTHER_COLOR, PROCESS_COLORS, SCHEMA, durationLogAxis, durationText, powersOfTen } from './common.js';

export interface DistributionData {
  distribution: Distribution;
  title: string;
  /** Process color order, shared with the CPU timeline. */
  processes: string[];
  width: number;
}

/** A histogram, stacked by process: log-binned durations on a log axis, or unit-binned counts. */
export function distributionSpec(d: DistributionData): VegaLiteSpec {
  const dist = d.distribution;
  const name = `dist_${dist.id}`;
  const procs = [...d.processes, OTHER_PROCESSES];
  const range = procs.map((p, i) => (p === OTHER_PROCESSES ? OTHER_COLOR : PROCESS_COLORS[i % PROCESS_COLORS.length]!));
  const lo = dist.rows.length > 0 ? Math.min(...dist.rows.map((r) => Number(r.x0))) : 1;
  const hi = dist.rows.length > 0 ? Math.max(...dist.rows.map((r) => Number(r.x1))) : 10;
  const isLog = dist.scale === 'log';
  const isNs = dist.unit === 'ns';
  const subtitle =
    dist.samples === 0
      ? 'no samples in this capture'
      : `n = ${dist.samples.toLocaleString('en-US')} · median ${isNs ? formatDuration(dist.p50) : dist.p50} · p95 ${isNs ? formatDuration(dist.p95) : dist.p95}`;
  const binText = isNs
    ? `${durationText('datum.b0')} + ' – ' + ${durationText('datum.b1')}`
    : "datum.b0 + (datum.b1 - datum.b0 > 1 ? ' – ' + datum.b1 : '')";
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { [name]: dist.rows },
    data: { name },
    title: { text: d.title, subtitle },
    width: d.width,
    height: 170,
    transform: [{ calculate: binText, as: 'bin' }],
    mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'x0',
        type: 'quantitative',
        title: isNs ? null : 'slices',
        scale: isLog ? { type: 'log', domain: [lo, hi] } : { domain: [Math.min(0.5, lo), hi], nice: false },
        axis: isNs
          ? { ...durationLogAxis(lo, hi), grid: true }
          : isLog
            ? countLogAxis(lo, hi)
            : { tickMinStep: 1, format: 'd', grid: false },
      },
      x2: { field: 'x1' },
      y: { field: 'y1', type: 'quantitative', title: 'count' },
      y2: { field: 'y0' },
      color: {
        field: 'proc',
        type: 'nominal',
        title: 'process',
        sort: null,
        scale: { domain: procs, range },
        legend: null,
      },
      tooltip: [
        { field: 'proc', title: 'process' },
        { field: 'bin', title: 'range' },
        { field: 'n', title: 'count', format: ',d' },
      ],
    },
  } satisfies VegaLiteSpec;
}

function countLogAxis(lo: number, hi: number): { format: string; grid: boolean; values?: number[] } {
  const values = powersOfTen(lo, hi);
  return values.length >= 2 ? { format: ',d', grid: true, values } : { format: ',d', grid: true };
}
