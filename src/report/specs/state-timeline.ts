import type { SourceKind } from '../../analyze/index.js';
import type { SignalLink } from '../html/page.js';
import type { Row, VegaLiteSpec } from '../types.js';
import { CONFIG, KIND_COLORS, SCHEMA, STATE_COLORS, STATES, durationText, timeAxisTitle } from './common.js';

export interface StateTimelineData {
  /** Lane rows in order: { lane, process, group }. */
  lanes: Row[];
  /** { lane, t0, t1, state, cpu, wake, merged } */
  states: Row[];
  /** The same, merged harder, for the overview track. */
  overview: Row[];
  /** { t, from, to, src, kind, slept, wait, naive } */
  links: Row[];
  /** { t, lane, src, kind, label, slept, wait, naive } */
  marks: Row[];
  kinds: SourceKind[];
  /** The time axis range, ms since the capture start. */
  domainMs: [number, number];
  wallStart: string;
  width: number;
}

const LANE_PX = 20;

/**
 * The overview brush drives the detail's x domain. The detail's own zoom (bound to its scale)
 * owns that domain in Vega-Lite, so the page links the brush to the zoom signal in the compiled
 * spec: brushing sets the zoom, clearing the brush resets it.
 */
export const STATE_TIMELINE_LINKS: SignalLink[] = [
  { signal: 'zoom_t0', from: 'brush', update: 'isArray(brush.t0) ? brush.t0 : null' },
];

/** Grafana-like state timeline: one lane per thread, wakeups drawn across lanes, brush + zoom on time. */
export function stateTimelineSpec(d: StateTimelineData): VegaLiteSpec {
  const laneOrder = d.lanes.map((l) => String(l.lane));
  const y = { field: 'lane', type: 'nominal' as const, title: null, sort: null, scale: { domain: laneOrder } };
  const x = {
    field: 't0',
    type: 'quantitative' as const,
    title: timeAxisTitle(d.wallStart),
    scale: { domain: [...d.domainMs], nice: false },
  };
  const xAt = { field: 't', type: 'quantitative' as const, scale: { domain: [...d.domainMs], nice: false } };
  const sourceKinds = d.kinds.length > 0 ? d.kinds : (['hardirq'] as SourceKind[]);
  const kindScale = { domain: sourceKinds, range: sourceKinds.map((k) => KIND_COLORS[k]) };
  const wakeTooltip = [
    { field: 'src', title: 'woken by' },
    { field: 'kind', title: 'source kind' },
    { field: 't', title: 'at (ms)', format: ',.3f' },
    { field: 'sleptText', title: 'slept' },
    { field: 'waitText', title: 'run-queue wait' },
    { field: 'naive', title: 'on CPU (naive tools blame)' },
  ];
  const wakeCalc = [
    { calculate: durationText('datum.slept'), as: 'sleptText' },
    { calculate: durationText('datum.wait'), as: 'waitText' },
  ];
  return {
    $schema: SCHEMA,
    config: CONFIG,
    datasets: { lanes: d.lanes, states: d.states, statesOverview: d.overview, wakeLinks: d.links, wakeMarks: d.marks },
    spacing: 14,
    vconcat: [
      {
        title: { text: 'Overview', subtitle: 'drag to select a time range; the detail below follows' },
        data: { name: 'statesOverview' },
        width: d.width,
        height: Math.max(40, laneOrder.length * 3),
        params: [{ name: 'brush', select: { type: 'interval', encodings: ['x'] } }],
        mark: { type: 'bar', height: { band: 1 } },
        encoding: {
          x: { field: 't0', type: 'quantitative', title: null, scale: { domain: [...d.domainMs], nice: false } },
          x2: { field: 't1' },
          y: { ...y, axis: null },
          color: {
            field: 'state',
            type: 'nominal',
            legend: null,
            scale: { domain: STATES, range: STATES.map((s) => STATE_COLORS[s]) },
          },
        },
      },
      {
        width: d.width,
        height: laneOrder.length * LANE_PX,
        resolve: { scale: { color: 'independent' } },
        layer: [
          {
            data: { name: 'lanes' },
            mark: { type: 'rect', tooltip: true },
            encoding: {
              y: { ...y, axis: { labelLimit: 220, labelFontSize: 11, ticks: false, domain: false } },
              x: { value: 0 },
              x2: { value: 'width' },
              color: { condition: { test: 'datum.group % 2 == 1', value: '#f1f3f6' }, value: '#ffffff' },
              tooltip: [{ field: 'process', title: 'process' }],
            },
          },
          {
            data: { name: 'states' },
            params: [{ name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }],
            transform: [
              { calculate: durationText('(datum.t1 - datum.t0) * 1e6'), as: 'duration' },
              {
                calculate:
                  "datum.state + (datum.cpu == null ? '' : ' on cpu ' + datum.cpu) + (datum.merged > 1 ? ' (mostly)' : '')",
                as: 'stateText',
              },
              { calculate: "datum.merged > 1 ? datum.merged + ' merged' : '1'", as: 'mergedText' },
            ],
            mark: { type: 'bar', height: { band: 0.72 }, clip: true },
            encoding: {
              x,
              x2: { field: 't1' },
              y,
              color: {
                field: 'state',
                type: 'nominal',
                title: 'state',
                scale: { domain: STATES, range: STATES.map((s) => STATE_COLORS[s]) },
                legend: { orient: 'top', title: 'thread state' },
              },
              tooltip: [
                { field: 'lane', title: 'thread' },
                { field: 'stateText', title: 'state' },
                { field: 't0', title: 'start (ms)', format: ',.3f' },
                { field: 'duration', title: 'duration' },
                { field: 'wake', title: 'woken by' },
                { field: 'mergedText', title: 'intervals' },
              ],
            },
          },
          {
            data: { name: 'wakeLinks' },
            transform: wakeCalc,
            mark: { type: 'rule', strokeWidth: 1, opacity: 0.55, clip: true },
            encoding: {
              x: xAt,
              y: { field: 'from', type: 'nominal', bandPosition: 0.5, scale: { domain: laneOrder } },
              y2: { field: 'to' },
              color: { value: KIND_COLORS.task },
              tooltip: [{ field: 'from', title: 'waker' }, { field: 'to', title: 'woke' }, ...wakeTooltip.slice(2)],
            },
          },
          {
            data: { name: 'wakeLinks' },
            transform: wakeCalc,
            mark: { type: 'point', shape: 'circle', size: 18, filled: true, opacity: 0.8, clip: true },
            encoding: {
              x: xAt,
              y: { field: 'to', type: 'nominal', bandPosition: 0.5, scale: { domain: laneOrder } },
              color: { value: KIND_COLORS.task },
              tooltip: [{ field: 'from', title: 'waker' }, { field: 'to', title: 'woke' }, ...wakeTooltip.slice(2)],
            },
          },
          {
            data: { name: 'wakeMarks' },
            transform: wakeCalc,
            mark: { type: 'point', shape: 'triangle-down', size: 46, filled: true, yOffset: -6, clip: true },
            encoding: {
              x: xAt,
              y: { field: 'lane', type: 'nominal', bandPosition: 0.5, scale: { domain: laneOrder } },
              color: {
                field: 'kind',
                type: 'nominal',
                scale: kindScale,
                legend: { orient: 'top', title: '▼ woken by' },
              },
              tooltip: [{ field: 'lane', title: 'woke' }, ...wakeTooltip],
            },
          },
          {
            data: { name: 'wakeMarks' },
            transform: [{ filter: "datum.label != ''" }],
            mark: { type: 'text', align: 'left', dx: 5, dy: -7, fontSize: 9, clip: true },
            encoding: {
              x: xAt,
              y: { field: 'lane', type: 'nominal', bandPosition: 0.5, scale: { domain: laneOrder } },
              text: { field: 'label' },
              color: { field: 'kind', type: 'nominal', scale: kindScale, legend: null },
            },
          },
        ],
      },
    ],
  } satisfies VegaLiteSpec;
}
