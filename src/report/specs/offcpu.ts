import type { Row, VegaLiteSpec } from '../types.js';
import { CONFIG, SCHEMA, STATE_COLORS } from './common.js';

export interface IcicleData {
  /** Unique among the page's datasets. */
  name: string;
  /** { f, d, x0, x1, share, dShare, n, t, label } (src/report/model/offcpu.ts icicleRows). */
  rows: Row[];
  /** Rows of frames. */
  depth: number;
  title: string;
  subtitle: string;
  width: number;
}

/** Pixels per frame row. */
export const ICICLE_ROW_PX = 18;
/** A sleep in S (interruptible) and one in D (uninterruptible), at the two ends of the colour scale. */
const S_COLOR = '#5b8fd6';
const D_COLOR = STATE_COLORS.blocked;

/**
 * The off-CPU flame chart as an icicle: one rect per frame, the outermost at the top, as wide as
 * the time asleep under it, coloured from S (blue) to D (red) by its share of time in D; the
 * frame's name inside when it fits; hover for the frame, time asleep, share and sleeps.
 */
export function icicleSpec(d: IcicleData): VegaLiteSpec {
  const depth = Math.max(1, d.depth);
  const x = { field: 'x0', type: 'quantitative' as const, scale: { domain: [0, 1], nice: false, zero: true } };
  const y = {
    field: 'd',
    type: 'quantitative' as const,
    scale: { domain: [0, depth], reverse: true, nice: false, zero: true },
    axis: null,
  };
  // the frame, whether hovered on its rect or on its label
  const tooltip = [
    { field: 'f', title: 'frame' },
    { field: 't', title: 'time asleep' },
    { field: 'share', title: 'share', format: '.1%' },
    { field: 'n', title: 'sleeps', format: ',d' },
    { field: 'dShare', title: 'in D', format: '.0%' },
  ];
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { [d.name]: d.rows },
    data: { name: d.name },
    title: { text: d.title, subtitle: d.subtitle },
    width: d.width,
    height: depth * ICICLE_ROW_PX,
    transform: [
      { calculate: 'datum.d + 1', as: 'd1' },
      { calculate: 'datum.d + 0.5', as: 'dm' },
    ],
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: { ...x, axis: { format: '%', title: 'share of the time asleep', grid: false } },
          x2: { field: 'x1' },
          y,
          y2: { field: 'd1' },
          color: {
            field: 'dShare',
            type: 'quantitative',
            title: 'share of time in D',
            scale: { domain: [0, 1], range: [S_COLOR, D_COLOR] },
            legend: { format: '%', gradientLength: 160 },
          },
          tooltip,
        },
      },
      {
        transform: [{ filter: "datum.label != ''" }],
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 11, color: '#ffffff' },
        encoding: {
          x,
          y: { ...y, field: 'dm' },
          text: { field: 'label' },
          tooltip,
        },
      },
    ],
  } satisfies VegaLiteSpec;
}
