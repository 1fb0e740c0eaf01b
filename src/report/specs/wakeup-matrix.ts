import type { Row, VegaLiteSpec } from '../types.js';
import { CONFIG, KINDS, KIND_COLORS, SCHEMA } from './common.js';

export interface WakeupMatrixData {
  /** { src, dst, n } */
  cells: Row[];
  /** { src, kind, n } */
  sources: Row[];
  sourceOrder: string[];
  targetOrder: string[];
}

const CELL_PX = 26;

/** Who wakes whom: sources (threads and interrupts, kind on a strip at the left) × woken threads, count per cell. */
export function wakeupMatrixSpec(d: WakeupMatrixData): VegaLiteSpec {
  const rows = Math.max(1, d.sourceOrder.length);
  const cols = Math.max(1, d.targetOrder.length);
  const y = { field: 'src', type: 'nominal' as const, sort: null, scale: { domain: d.sourceOrder } };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { matrixCells: d.cells, matrixSources: d.sources },
    spacing: 4,
    resolve: { scale: { color: 'independent' } },
    hconcat: [
      {
        data: { name: 'matrixSources' },
        width: 12,
        height: rows * CELL_PX,
        mark: { type: 'rect' },
        encoding: {
          y: { ...y, title: 'woken by', axis: { labelLimit: 240, ticks: false, domain: false } },
          color: {
            field: 'kind',
            type: 'nominal',
            title: 'source kind',
            scale: { domain: KINDS, range: KINDS.map((k) => KIND_COLORS[k]) },
            // The row labels name the kind; the strip only makes the groups easy to see.
            legend: null,
          },
          tooltip: [
            { field: 'src', title: 'source' },
            { field: 'kind', title: 'kind' },
            { field: 'n', title: 'wakeups', format: ',d' },
          ],
        },
      },
      {
        data: { name: 'matrixCells' },
        width: cols * CELL_PX,
        height: rows * CELL_PX,
        encoding: {
          y: { ...y, axis: null },
          x: {
            field: 'dst',
            type: 'nominal',
            sort: null,
            title: 'woken thread',
            scale: { domain: d.targetOrder },
            axis: { labelAngle: -45, labelLimit: 200 },
          },
        },
        layer: [
          {
            mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
            encoding: {
              color: {
                field: 'n',
                type: 'quantitative',
                title: 'wakeups',
                scale: { type: 'log', scheme: 'blues' },
                legend: { orient: 'right', direction: 'vertical', gradientLength: 120 },
              },
              tooltip: [
                { field: 'src', title: 'woken by' },
                { field: 'dst', title: 'woke' },
                { field: 'n', title: 'wakeups', format: ',d' },
              ],
            },
          },
          {
            mark: { type: 'text', fontSize: 9 },
            encoding: {
              text: { field: 'n', type: 'quantitative', format: '.2~s' },
              color: {
                condition: { test: `datum.n > ${darkCellThreshold(d.cells)}`, value: '#ffffff' },
                value: '#1f2937',
              },
            },
          },
        ],
      },
    ],
  } satisfies VegaLiteSpec;
}

/** Counts above this get dark cells on the log color scale, so their text is drawn white. */
function darkCellThreshold(cells: Row[]): number {
  let max = 1;
  for (const c of cells) max = Math.max(max, Number(c.n));
  return Math.round(max ** 0.6);
}
