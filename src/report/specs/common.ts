import type { Config } from 'vega-lite';
import type { SourceKind, ThreadState } from '../../analyze/index.js';

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Grafana state-timeline-like colors. */
export const STATE_COLORS: Record<ThreadState, string> = {
  running: '#37872d',
  runnable: '#f2cc0c',
  sleeping: '#a9c8f5',
  blocked: '#e02f44',
  dead: '#9fa4ab',
};
export const STATES = Object.keys(STATE_COLORS) as ThreadState[];

export const KIND_COLORS: Record<SourceKind, string> = {
  task: '#1f2937',
  hardirq: '#d9480f',
  softirq: '#7b2cbf',
  nmi: '#c2255c',
  unknown: '#868e96',
};
export const KINDS = Object.keys(KIND_COLORS) as SourceKind[];

/** Process colors (tableau10 without the state greens/reds dominating). */
export const PROCESS_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
export const OTHER_COLOR = '#d0d4d9';

export const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: '#ffffff',
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    titleColor: '#444',
    labelColor: '#333',
    gridColor: '#eceef1',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260, orient: 'top', direction: 'horizontal' },
  title: { fontSize: 13, anchor: 'start', subtitleColor: '#666', subtitleFontSize: 11 },
};

/** A Vega expression turning a duration in ns (the expression `ns`) into "1.5 ms". */
export function durationText(ns: string): string {
  return (
    `(${ns}) == null ? '–' : abs(${ns}) >= 1e9 ? format((${ns}) / 1e9, '.3~g') + ' s' : abs(${ns}) >= 1e6 ? format((${ns}) / 1e6, '.3~g') + ' ms'` +
    ` : abs(${ns}) >= 1e3 ? format((${ns}) / 1e3, '.3~g') + ' µs' : format(${ns}, '.3~g') + ' ns'`
  );
}

/** Axis label expression for a log axis in ns. */
export const DURATION_LABEL = durationText('datum.value');

/** Powers of ten inside [lo, hi], for log-axis ticks. */
export function powersOfTen(lo: number, hi: number): number[] {
  const values: number[] = [];
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    for (let e = Math.ceil(Math.log10(Math.max(1, lo))); 10 ** e <= hi; e++) values.push(10 ** e);
  }
  return values;
}

/** Log-axis settings in ns: ticks at the powers of ten inside [lo, hi] (vega's own when fewer than two), labelled "1 ms". */
export function durationLogAxis(lo: number, hi: number): { labelExpr: string; values?: number[] } {
  const values = powersOfTen(lo, hi);
  return values.length >= 2 ? { labelExpr: DURATION_LABEL, values } : { labelExpr: DURATION_LABEL };
}

/** Title of a time axis in ms since the capture start. */
export function timeAxisTitle(wallStart: string): string {
  return `ms since start (${wallStart})`;
}
