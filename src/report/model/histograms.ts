import type { AnalysisDetail } from '../../analyze/index.js';
import type { ThreadDirectory } from './labels.js';
import { OTHER_PROCESSES } from './cpu-rows.js';
import type { Row } from '../types.js';

export type DistributionId = 'sleep' | 'runq' | 'burstRun' | 'burstSlices' | 'slice';

export interface Distribution {
  id: DistributionId;
  /** 'log' bins for durations spanning decades; 'linear' unit bins for small counts. */
  scale: 'log' | 'linear';
  unit: 'ns' | 'count';
  /**
   * One row per (bin, process): b0 ≤ value < b1, n values; drawn from x0 to x1 and, stacked in
   * process order, from y0 to y1.
   */
  rows: Row[];
  samples: number;
  p50: number;
  p95: number;
}

const BINS_PER_DECADE = 5;
const MAX_LINEAR_COUNT = 40;

interface Sample {
  value: number;
  proc: string;
}

/** Histograms of sleep, run-queue delay, run time and slices per burst, and slice length, by process. */
export function distributions(
  detail: AnalysisDetail,
  dir: ThreadDirectory,
  coloredProcesses: string[],
): Distribution[] {
  const order = new Map([...coloredProcesses, OTHER_PROCESSES].map((p, i) => [p, i]));
  const colored = new Set(coloredProcesses);
  const procOf = (tid: number): string => {
    const label = dir.processLabel(dir.tgid(tid));
    return colored.has(label) ? label : OTHER_PROCESSES;
  };
  const sleep: Sample[] = [];
  const runq: Sample[] = [];
  const burstRun: Sample[] = [];
  const burstSlices: Sample[] = [];
  for (const w of detail.wakeups) {
    const proc = procOf(w.tid);
    if (w.sleptNs !== null) sleep.push({ value: w.sleptNs, proc });
    if (w.waitNs !== null) runq.push({ value: w.waitNs, proc });
    if (w.runNs !== null) burstRun.push({ value: w.runNs, proc });
    if (w.slices !== null) burstSlices.push({ value: w.slices, proc });
  }
  const slice: Sample[] = [];
  for (const iv of detail.intervals) {
    if (iv.state === 'running') slice.push({ value: iv.end - iv.start, proc: procOf(iv.tid) });
  }
  const counts = burstSlices.length > 0 && maxOf(burstSlices) <= MAX_LINEAR_COUNT;
  return [
    histogram('sleep', sleep, 'log', 'ns', order),
    histogram('runq', runq, 'log', 'ns', order),
    histogram('burstRun', burstRun, 'log', 'ns', order),
    histogram('burstSlices', burstSlices, counts ? 'linear' : 'log', 'count', order),
    histogram('slice', slice, 'log', 'ns', order),
  ];
}

function maxOf(samples: Sample[]): number {
  let max = -Infinity;
  for (const s of samples) if (s.value > max) max = s.value;
  return max;
}

function histogram(
  id: DistributionId,
  samples: Sample[],
  scale: 'log' | 'linear',
  unit: 'ns' | 'count',
  order: Map<string, number>,
): Distribution {
  const values = samples.map((s) => s.value).sort((a, b) => a - b);
  const quantile = (q: number): number =>
    values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  const binOf =
    scale === 'log' ? logBinner(values) : (v: number): [number, number] => [Math.floor(v), Math.floor(v) + 1];
  const cells = new Map<string, { b0: number; b1: number; proc: string; n: number }>();
  for (const s of samples) {
    const [b0, b1] = binOf(s.value);
    const key = `${b0}\u0000${s.proc}`;
    const cell = cells.get(key);
    if (cell) cell.n++;
    else cells.set(key, { b0, b1, proc: s.proc, n: 1 });
  }
  const sorted = [...cells.values()].sort((a, b) => a.b0 - b.b0 || order.get(a.proc)! - order.get(b.proc)!);
  const rows: Row[] = [];
  let stackBin = NaN;
  let height = 0;
  for (const c of sorted) {
    if (c.b0 !== stackBin) [stackBin, height] = [c.b0, 0];
    // Unit bins of counts are drawn centred on their value, with a gap between bars.
    const [x0, x1] = scale === 'linear' ? [c.b0 - 0.4, c.b0 + 0.4] : [c.b0, c.b1];
    rows.push({ b0: c.b0, b1: c.b1, x0, x1, proc: c.proc, n: c.n, y0: height, y1: height + c.n });
    height += c.n;
  }
  return { id, scale, unit, rows, samples: samples.length, p50: quantile(0.5), p95: quantile(0.95) };
}

/** Bins 10^(k/5) ≤ v < 10^((k+1)/5); zero and tiny values fall in the lowest bin with data (at least 1). */
function logBinner(sorted: number[]): (v: number) => [number, number] {
  const smallestPositive = sorted.find((v) => v > 0) ?? 1;
  const kMin = Math.floor(Math.log10(Math.max(1, smallestPositive)) * BINS_PER_DECADE);
  const edge = (k: number): number => Number((10 ** (k / BINS_PER_DECADE)).toPrecision(4));
  return (v) => {
    let k = v > 0 ? Math.floor(Math.log10(v) * BINS_PER_DECADE + 1e-9) : kMin;
    if (k < kMin) k = kMin;
    return [edge(k), edge(k + 1)];
  };
}
