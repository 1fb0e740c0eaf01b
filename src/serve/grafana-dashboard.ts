/**
 * The Grafana dashboard for `lifeline serve`, written against @grafana/schema's
 * types (tsc checks it); `npm run grafana:dashboard` writes it to
 * grafana/lifeline-dashboard.json. The datasource is a template variable
 * (provisioning-safe: no datasource uid is baked in), and so are the
 * instance and the process names shown.
 *
 * Every panel's expressions are evaluated through a real Prometheus by
 * test/serve/prometheus.test.ts (with $__rate_interval, $instance and $comm
 * substituted).
 */
import type { Dashboard, DataSourceRef, Panel, VariableModel } from '@grafana/schema';
import type { Options as HeatmapOptions } from '@grafana/schema/dist/esm/raw/composable/heatmap/panelcfg/x/HeatmapPanelCfg_types.gen';
import type { Options as StateTimelineOptions } from '@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen';

const DS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const W = '$__rate_interval';
const SEL = 'instance=~"$instance",comm=~"$comm"';

/** rate() of a process family, summed per process name. */
const perComm = (family: string, extra = '') =>
  `sum by (comm) (rate(lifeline_process_${family}{${SEL}${extra}}[${W}]))`;

/** Seconds asleep per second of a process name, by sleep reason (S and D summed). */
const sleepByReason = () => `sum by (comm, reason) (rate(lifeline_process_sleep_reason_seconds_total{${SEL}}[${W}]))`;

/** The state a process name spent most of the interval in: 1 running, 2 runnable, 3 sleeping, 4 blocked. */
function dominantState(): string {
  const rate = (state?: string) =>
    `sum by (comm${state ? ', state' : ''}) (rate(lifeline_process_state_seconds_total{${SEL}${state ? `,state="${state}"` : ''}}[${W}]))`;
  const all = `max by (comm) (sum by (comm, state) (rate(lifeline_process_state_seconds_total{${SEL}}[${W}])))`;
  const states = ['running', 'runnable', 'sleeping', 'blocked'];
  const terms = states.map((s, i) => `((${rate(s)} >= on (comm) group_left ${all}) > 0) * 0 + ${i + 1}`);
  return `max by (comm) (${terms.join(' or ')})`;
}

interface Query {
  expr: string;
  legend: string;
  format?: 'time_series' | 'heatmap' | 'table';
  instant?: boolean;
}

let nextId = 1;
function panel(
  type: string,
  title: string,
  description: string,
  gridPos: Panel['gridPos'],
  queries: Query[],
  extra: Partial<Panel> = {},
): Panel {
  return {
    id: nextId++,
    type,
    title,
    description,
    datasource: DS,
    gridPos,
    targets: queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr: q.expr,
      legendFormat: q.legend,
      format: q.format ?? 'time_series',
      instant: q.instant ?? false,
      range: !(q.instant ?? false),
    })),
    ...extra,
  };
}

const unit = (u: string): Panel['fieldConfig'] => ({ defaults: { unit: u }, overrides: [] });

const stateTimelineOptions: StateTimelineOptions = {
  mergeValues: true,
  showValue: 'never' as StateTimelineOptions['showValue'],
  rowHeight: 0.9,
  alignValue: 'left',
  legend: { showLegend: true, displayMode: 'list' as never, placement: 'bottom', calcs: [] },
  tooltip: { mode: 'single' as never, sort: 'none' as never },
};

const heatmapOptions: HeatmapOptions = {
  calculate: false,
  cellGap: 1,
  color: {
    mode: 'scheme' as never,
    scheme: 'Oranges',
    fill: 'dark-orange',
    scale: 'exponential' as never,
    exponent: 0.5,
    steps: 64,
    reverse: false,
  },
  yAxis: { axisPlacement: 'left' as never, unit: 's' },
  rowsFrame: { layout: 'auto' as never },
  legend: { show: true },
  tooltip: { mode: 'single' as never, yHistogram: false, showColorScale: false },
  exemplars: { color: 'rgba(255,0,255,0.7)' },
  cellValues: {},
  showValue: 'never' as never,
  filterValues: { le: 1e-9 },
};

function variables(): VariableModel[] {
  return [
    { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', hide: 0 as never },
    {
      name: 'instance',
      label: 'Host',
      type: 'query',
      datasource: DS,
      query: { query: 'label_values(lifeline_build_info, instance)', refId: 'instance' },
      refresh: 2 as never,
      multi: true,
      includeAll: true,
      allValue: '.*',
      current: { text: 'All', value: '$__all' },
    },
    {
      name: 'comm',
      label: 'Process',
      type: 'query',
      datasource: DS,
      query: { query: 'label_values(lifeline_process_run_seconds_total{instance=~"$instance"}, comm)', refId: 'comm' },
      refresh: 2 as never,
      multi: true,
      includeAll: true,
      allValue: '.*',
      current: { text: 'All', value: '$__all' },
    },
  ];
}

/** The panels, in reading order. */
export function dashboardPanels(): Panel[] {
  nextId = 1;
  return [
    panel(
      'state-timeline',
      'State per process',
      'The state each process name spent most of each interval in, summed over its threads: running, runnable (waiting for a CPU), sleeping (S) or blocked (D).',
      { x: 0, y: 0, w: 24, h: 9 },
      [{ expr: dominantState(), legend: '{{comm}}' }],
      {
        options: stateTimelineOptions as unknown as Record<string, unknown>,
        fieldConfig: {
          defaults: {
            mappings: [
              {
                type: 'value' as never,
                options: {
                  '1': { text: 'running', color: 'green', index: 0 },
                  '2': { text: 'runnable', color: 'orange', index: 1 },
                  '3': { text: 'sleeping', color: 'blue', index: 2 },
                  '4': { text: 'blocked', color: 'red', index: 3 },
                },
              },
            ],
          },
          overrides: [],
        },
      },
    ),
    panel(
      'timeseries',
      'Sleeps per second',
      'Complete sleeps (switch-out into S or D to the waking) per second.',
      { x: 0, y: 9, w: 12, h: 8 },
      [{ expr: perComm('sleeps_total'), legend: '{{comm}}' }],
      { fieldConfig: unit('ops') },
    ),
    panel(
      'timeseries',
      'Mean sleep',
      'Mean length of the sleeps that ended in the interval.',
      { x: 12, y: 9, w: 12, h: 8 },
      [{ expr: `${perComm('sleep_seconds_sum')} / ${perComm('sleep_seconds_count')}`, legend: '{{comm}}' }],
      { fieldConfig: unit('s') },
    ),
    panel(
      'timeseries',
      'Sleep time by reason',
      'Where each process name sleeps: seconds asleep per second (its threads asleep, on average) by sleep reason, the first kernel function below the scheduler where the sleep began (do_nanosleep, pipe_read, futex_wait_queue, ep_poll, …), S and D together; stacked, one panel per process name. Counted as the sleeps end. Bounded: the 5 reasons with the most time of each process name, the rest as "other"; "(no stack)" for sleeps whose kernel stack was not recorded.',
      { x: 0, y: 17, w: 8, h: 9 },
      [{ expr: sleepByReason(), legend: '{{reason}}' }],
      {
        repeat: 'comm',
        repeatDirection: 'h',
        maxPerRow: 3,
        fieldConfig: {
          defaults: {
            unit: 's',
            custom: { stacking: { mode: 'normal', group: 'A' }, fillOpacity: 60, lineWidth: 1 },
          },
          overrides: [],
        },
      },
    ),
    panel(
      'timeseries',
      'Run per wakeup',
      'Mean run time of a burst: from the first switch-in after a wakeup to the next sleep.',
      { x: 0, y: 26, w: 8, h: 8 },
      [{ expr: `${perComm('burst_run_seconds_total')} / ${perComm('bursts_total')}`, legend: '{{comm}}' }],
      { fieldConfig: unit('s') },
    ),
    panel(
      'timeseries',
      'Slices per wakeup',
      'Mean slices per burst: 1 means the work done after a wakeup fitted in one slice.',
      { x: 8, y: 26, w: 8, h: 8 },
      [{ expr: `${perComm('burst_slices_total')} / ${perComm('bursts_total')}`, legend: '{{comm}}' }],
      { fieldConfig: unit('none') },
    ),
    panel(
      'timeseries',
      'Mean slice',
      'CPU time per slice (continuous stay on a CPU).',
      { x: 16, y: 26, w: 8, h: 8 },
      [{ expr: `${perComm('run_seconds_total')} / ${perComm('slices_total')}`, legend: '{{comm}}' }],
      { fieldConfig: unit('s') },
    ),
    panel(
      'heatmap',
      'Run-queue delay (every thread)',
      'How long woken threads waited for a CPU, machine-wide: log2 buckets from 1 µs.',
      { x: 0, y: 34, w: 12, h: 9 },
      [
        {
          expr: `sum by (le) (rate(lifeline_runqueue_delay_seconds_bucket{instance=~"$instance",cause="wakeup"}[${W}]))`,
          legend: '{{le}}',
          format: 'heatmap',
        },
      ],
      { options: heatmapOptions as unknown as Record<string, unknown> },
    ),
    panel(
      'timeseries',
      'Wakeups by source kind',
      'Wakeups per second by what really woke the thread: a task, a hard interrupt, a softirq, an NMI, or unknown.',
      { x: 12, y: 34, w: 12, h: 9 },
      [
        {
          expr: `sum by (source_kind) (rate(lifeline_process_wakeups_by_source_total{${SEL}}[${W}]))`,
          legend: '{{source_kind}}',
        },
      ],
      { fieldConfig: unit('ops') },
    ),
    panel(
      'timeseries',
      'Wakeups a naive tool misattributes',
      'Interrupt wakeups that perf sched, BCC wakeuptime or Perfetto would blame on the task that happened to be on the CPU.',
      { x: 0, y: 43, w: 12, h: 8 },
      [{ expr: perComm('reattributed_wakeups_total'), legend: '{{comm}}' }],
      { fieldConfig: unit('ops') },
    ),
    panel(
      'timeseries',
      'Who wakes whom',
      'The busiest waker → wakee pairs (waker: a process name or an interrupt kind).',
      { x: 12, y: 43, w: 12, h: 8 },
      [
        {
          expr: `topk(10, sum by (waker, wakee) (rate(lifeline_wakeup_pairs_total{instance=~"$instance"}[${W}])))`,
          legend: '{{waker}} → {{wakee}}',
        },
      ],
      { fieldConfig: unit('ops') },
    ),
    panel(
      'timeseries',
      'Lost events',
      'Events the kernel could not hand to lifeline (ring buffer full), and contradictions of a thread state (lost events, or events the kernel never emitted): numbers of the affected threads are incomplete.',
      { x: 0, y: 51, w: 8, h: 6 },
      [
        {
          expr: `sum by (instance) (rate(lifeline_lost_events_total{instance=~"$instance"}[${W}]))`,
          legend: 'lost {{instance}}',
        },
        {
          expr: `sum by (instance) (rate(lifeline_contradictions_total{instance=~"$instance"}[${W}]))`,
          legend: 'contradictions {{instance}}',
        },
      ],
      { fieldConfig: unit('ops') },
    ),
    panel(
      'timeseries',
      'Replay lag',
      'Is lifeline keeping up? How far behind real time the replay is: about 0.15 s when it keeps up (the reorder window and the read interval). When it rises, see the README ("When serve falls behind").',
      { x: 8, y: 51, w: 8, h: 6 },
      [{ expr: `max by (instance) (lifeline_replay_lag_seconds{instance=~"$instance"})`, legend: '{{instance}}' }],
      { fieldConfig: unit('s') },
    ),
    panel(
      'timeseries',
      'Ring buffer fill',
      'Share of the ring buffer between the kernel and lifeline waiting to be read: events are lost at 100 %. When it rises, see the README ("When serve falls behind").',
      { x: 16, y: 51, w: 8, h: 6 },
      [{ expr: `max by (instance) (lifeline_ring_buffer_fill_ratio{instance=~"$instance"})`, legend: '{{instance}}' }],
      { fieldConfig: unit('percentunit') },
    ),
  ];
}

export function dashboard(): Dashboard {
  return {
    uid: 'lifeline-serve',
    title: 'lifeline: scheduler',
    description:
      'Live scheduler metrics from lifeline serve: sleeps, bursts, run-queue delay and who really woke whom.',
    tags: ['lifeline', 'scheduler'],
    editable: true,
    schemaVersion: 39,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    timezone: 'browser',
    templating: { list: variables() },
    panels: dashboardPanels(),
  };
}
