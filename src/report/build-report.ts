import type { AnalysisDetail, SourceKind } from '../analyze/index.js';
import { msg } from '../messages.js';
import { resolveBudget } from './budget.js';
import { escapeHtml as e } from './html/escape.js';
import { formatDuration, formatWall } from './html/format.js';
import { metricsTableHtml } from './html/metrics-table.js';
import { reasonTableHtml, wakersTableHtml } from './html/offcpu.js';
import { pathSummaryHtml } from './html/path.js';
import { pageHtml, type PageChart, type PageSection, type SignalLink } from './html/page.js';
import { summaryHtml } from './html/summary.js';
import { cpuRows, OTHER_PROCESSES } from './model/cpu-rows.js';
import { distributions, type DistributionId } from './model/histograms.js';
import { shownCapture, ThreadDirectory } from './model/labels.js';
import { selectLanes } from './model/lanes.js';
import { lifelineRows, pickLifelineThread } from './model/lifeline-rows.js';
import { matrixRows } from './model/matrix-rows.js';
import { PATH_STATE_ORDER, pathCharts } from './model/path-rows.js';
import { icicleRows, offCpuThreads, reasonRows } from './model/offcpu.js';
import { stateRows } from './model/state-rows.js';
import { WakeIndex } from './model/wake-index.js';
import { wakeRows } from './model/wake-rows.js';
import { OTHER_COLOR, PROCESS_COLORS } from './specs/common.js';
import { cpuTimelineSpec } from './specs/cpu-timeline.js';
import { criticalPathSpec } from './specs/critical-path.js';
import { distributionSpec } from './specs/distribution.js';
import { lifelineSpec } from './specs/lifeline.js';
import { icicleSpec } from './specs/offcpu.js';
import { STATE_TIMELINE_LINKS, stateTimelineSpec } from './specs/state-timeline.js';
import { wakeupMatrixSpec } from './specs/wakeup-matrix.js';
import type { BuiltReport, ReportInput, VegaLiteSpec } from './types.js';

/** Plot widths in px (the page is about 1200 px wide; lane labels take the rest). */
const TIMELINE_WIDTH = 880;
const CPU_WIDTH = 1000;
const HALF = 480;
/** The off-CPU flame chart; its waker table takes the rest of the row. */
const ICICLE_WIDTH = 540;
/** The overview track is merged much harder than the detail: it is a few pixels per lane. */
const OVERVIEW_SHARE = 6;

const DISTRIBUTION_TITLES: Record<DistributionId, string> = {
  sleep: 'Sleep time (from going to sleep to the wakeup)',
  runq: 'Run-queue delay (from wakeup to running)',
  burstRun: 'Run time per burst (CPU time from wakeup to next sleep)',
  burstSlices: 'Slices per burst (1 = finished within one slice)',
  slice: 'Slice length (one continuous stay on a CPU)',
};

const EMPTY_DETAIL: AnalysisDetail = { intervals: [], cpuSpans: [], wakeups: [], reduced: [] };

/** What the report shows, computed from the capture's meta and its analysis: every chart's rows within its budget, the tables, and the notes on what was reduced. Pure. */
function reportModel({ meta, analysis, options }: ReportInput) {
  // 1. Limits, names, and the clock.
  const budget = resolveBudget(options);
  const result = analysis.result;
  const detail = analysis.detail ?? EMPTY_DETAIL;
  const dir = new ThreadDirectory(result);
  for (const w of detail.wakeups)
    if (w.source.kind === 'task' && w.source.tid !== undefined) dir.learn(w.source.tid, w.source.comm, w.source.tgid);
  const start = formatWall(meta.startNs / 1e6 + meta.clockOffsetMs, meta.timezone, options.utc ?? false);
  const durationNs = result.capture.durationNs;
  // The charts span what the detail covers (a --from/--to window, or the whole capture).
  const [fromNs, toNs] = timeExtent(detail, durationNs);
  const domainMs: [number, number] = [fromNs / 1e6, toNs / 1e6];
  const reduced: string[] = analysis.detail ? [...detail.reduced] : [msg.reportNoDetail()];

  // 2. Which threads get lanes, which processes get colors.
  const lanes = selectLanes(detail, dir, budget.maxLanes, options.tid);
  if (lanes.lanes.length < lanes.total) reduced.push(msg.reportLanesCapped(lanes.lanes.length, lanes.total));
  const coloredProcesses = [...result.processes]
    .sort((a, b) => b.runNs - a.runNs)
    .slice(0, budget.maxColoredProcesses)
    .map((p) => dir.processLabel(p.tgid));

  // 3. Chart data, each within its budget.
  const wakes = new WakeIndex(detail.wakeups);
  const states = stateRows(detail.intervals, lanes, wakes, budget.maxIntervals);
  if (states.mergedInputs > 0)
    reduced.push(
      msg.reportMerged(
        'State timeline',
        states.inputs,
        states.mergedInputs,
        formatDuration(states.resolutionNs),
        states.rows.length,
      ),
    );
  const overview = stateRows(
    detail.intervals,
    lanes,
    wakes,
    Math.max(lanes.lanes.length * 4, Math.ceil(budget.maxIntervals / OVERVIEW_SHARE)),
  );
  const wakeMarks = wakeRows(detail.wakeups, lanes, toNs - fromNs, TIMELINE_WIDTH, budget.maxWakeMarks);
  if (wakeMarks.stride > 1)
    reduced.push(
      msg.reportSampled(
        'State timeline wakeups',
        wakeMarks.links.length + wakeMarks.marks.length,
        wakeMarks.total,
        wakeMarks.stride,
      ),
    );
  const cpu = cpuRows(detail.cpuSpans, meta.cpus, dir, coloredProcesses, budget.maxCpuSpans);
  if (cpu.mergedInputs > 0)
    reduced.push(
      msg.reportMerged('CPU timeline', cpu.inputs, cpu.mergedInputs, formatDuration(cpu.resolutionNs), cpu.rows.length),
    );
  const matrix = matrixRows(result.edges, budget.maxMatrixSources, budget.maxMatrixTargets);
  if (matrix.sourceOrder.length < matrix.totalSources || matrix.targetOrder.length < matrix.totalTargets) {
    reduced.push(
      msg.reportMatrixCapped(
        matrix.sourceOrder.length,
        matrix.totalSources,
        matrix.targetOrder.length,
        matrix.totalTargets,
      ),
    );
  }
  const dists = distributions(detail, dir, coloredProcesses);
  const lifeTid = pickLifelineThread(detail, dir, options.tid?.[0]);
  const life = lifeTid === null ? null : lifelineRows(detail, dir, lifeTid, budget.maxLifelineWakeups);
  if (life && life.stride > 1)
    reduced.push(
      msg.reportSampled(`Lifeline of ${life.label}`, Math.ceil(life.total / life.stride), life.total, life.stride),
    );
  const threadRows = [...result.threads].sort((a, b) => b.runNs - a.runNs);
  const processRows = [...result.processes].sort((a, b) => b.runNs - a.runNs);
  if (threadRows.length > budget.maxTableRows)
    reduced.push(msg.reportTableCapped('Threads table', budget.maxTableRows, threadRows.length));
  if (processRows.length > budget.maxTableRows)
    reduced.push(msg.reportTableCapped('Processes table', budget.maxTableRows, processRows.length));

  // 4. Why threads slept: only a capture with stacks knows (format 3, recorded with --stacks kernel).
  const hasStacks = meta.stacks === 'kernel';
  const offCpu = hasStacks ? offCpuThreads(result, budget, options.tid) : null;
  const reasons = hasStacks ? reasonRows(result, budget.maxReasonRows) : null;
  if (offCpu) {
    if (offCpu.threads.length < offCpu.total)
      reduced.push(msg.reportOffCpuThreadsCapped(offCpu.threads.length, offCpu.total));
    for (const t of offCpu.threads)
      if (t.icicle.nodes.length < t.icicle.total)
        reduced.push(
          msg.reportOffCpuFramesCapped(
            t.label,
            t.icicle.nodes.length,
            t.icicle.total,
            formatDuration(t.icicle.droppedMaxNs),
          ),
        );
  }
  if (reasons && reasons.rows.length < reasons.total)
    reduced.push(msg.reportReasonsCapped(reasons.rows.length, reasons.total));

  // 5. Where the time went: the critical paths the analysis walked (the longest bursts).
  const paths = pathCharts((analysis.path ?? []).slice(0, budget.maxPaths), budget.maxPathSegments);
  for (const p of paths)
    if (p.rows.length < p.total) reduced.push(msg.reportPathSegmentsCapped(p.title, p.rows.length, p.total));

  return {
    meta,
    shown: shownCapture(meta),
    result,
    start,
    durationNs,
    domainMs,
    reduced,
    budget,
    coloredProcesses,
    lanes,
    states,
    overview,
    wakeMarks,
    cpu,
    matrix,
    dists,
    life,
    threadRows,
    processRows,
    offCpu,
    reasons,
    paths,
    renderer: options.renderer ?? 'canvas',
  };
}

/** The off-CPU section's sentences (its notes join the page's list of what was reduced). */
const OFFCPU_TEXT = {
  lead:
    'Where the threads that slept longest went to sleep in the kernel, and who woke them from where. ' +
    'The flame chart is an icicle: the outermost frame at the top, each frame as wide as the time asleep under it, blue for sleeps in S (interruptible) shading to red for D (uninterruptible); hover a frame for its time, share and sleeps. Pick threads with --tid.',
};

type ReportModel = ReturnType<typeof reportModel>;

/** Build the report page and its chart specs from a capture's meta and its analysis. Pure. */
export function buildReport(input: ReportInput): BuiltReport {
  const model = reportModel(input);
  const specs = reportSpecs(model);
  return { html: reportPage(model, specs), specs };
}

/** One Vega-Lite spec per chart, by chart id (adds a note when there is no lifeline). */
function reportSpecs(m: ReportModel): Record<string, VegaLiteSpec> {
  const { start, lanes, states, overview, wakeMarks, cpu, matrix, dists, life, domainMs, coloredProcesses, reduced } =
    m;
  const wallStart = start.shown;
  const kinds = [...new Set(wakeMarks.marks.map((m) => m.kind as SourceKind))];
  const specs: Record<string, VegaLiteSpec> = {
    'state-timeline': stateTimelineSpec({
      lanes: lanes.lanes.map((l) => ({ lane: l.label, process: l.process, group: l.group })),
      states: states.rows,
      overview: overview.rows,
      links: wakeMarks.links,
      marks: wakeMarks.marks,
      kinds,
      domainMs,
      wallStart,
      width: TIMELINE_WIDTH,
    }),
    'cpu-timeline': cpuTimelineSpec({
      spans: cpu.rows,
      lanes: cpu.lanes,
      groups: cpu.groups,
      domainMs,
      wallStart,
      width: CPU_WIDTH,
    }),
    'wakeup-matrix': wakeupMatrixSpec(matrix),
  };
  m.offCpu?.threads.forEach((t, i) => {
    specs[`offcpu-${i}`] = icicleSpec({
      name: `offcpu_${i}`,
      rows: icicleRows(t.icicle, ICICLE_WIDTH),
      depth: t.icicle.depth,
      title: `Off-CPU flame chart of ${t.label}`,
      subtitle: `${formatDuration(t.asleepNs)} asleep over ${t.sleeps.toLocaleString('en-US')} sleeps · outermost frame at the top`,
      width: ICICLE_WIDTH,
    });
  });
  m.paths.forEach((p, i) => {
    specs[`path-${i}`] = criticalPathSpec({
      name: `path_${i}`,
      rows: p.rows,
      lanes: p.lanes,
      states: PATH_STATE_ORDER,
      title: `Critical path of ${p.title}`,
      subtitle: `${formatDuration(p.lengthNs)} from the start of its wait to the end of its burst, ${p.total.toLocaleString('en-US')} segments · one lane per thread on the path`,
      width: TIMELINE_WIDTH,
    });
  });
  for (const dist of dists) {
    specs[`dist-${dist.id}`] = distributionSpec({
      distribution: dist,
      title: DISTRIBUTION_TITLES[dist.id],
      processes: coloredProcesses,
      width: HALF,
    });
  }
  if (life) specs['lifeline'] = lifelineSpec({ rows: life, domainMs, wallStart, width: TIMELINE_WIDTH - 60 });
  else reduced.push(msg.reportNoLifeline());
  return specs;
}

/** The page: summary, notes, the sections with their charts, the tables. */
function reportPage(m: ReportModel, specs: Record<string, VegaLiteSpec>): string {
  const {
    meta,
    shown,
    result,
    start,
    durationNs,
    reduced,
    budget,
    coloredProcesses,
    dists,
    life,
    threadRows,
    processRows,
  } = m;
  const chartDiv = (id: string): string => `<div class="chart" id="chart-${id}"></div>`;
  const sections: PageSection[] = [
    {
      id: 'states',
      title: 'State timeline',
      lead:
        'One lane per thread, grouped by process: running (green), runnable (yellow: waiting for a CPU), sleeping S (blue), blocked D (red). ' +
        'Dark lines run from the waker’s lane to the woken thread’s lane; ▼ marks a wakeup by an interrupt (named) or by a thread without a lane. ' +
        'Drag on the overview to choose a range; scroll or drag on the detail to zoom and pan; hover for details.',
      body: chartDiv('state-timeline'),
    },
    {
      id: 'cpus',
      title: 'CPU timeline',
      lead: 'What ran on each CPU, colored by process (idle left blank); the lane under each CPU shows hard and soft interrupt handling. Scroll to zoom.',
      body: chartDiv('cpu-timeline'),
    },
    {
      id: 'wakers',
      title: 'Who wakes whom',
      lead: "Wakeup counts from each cause (rows) to each woken thread (columns). Interrupts are their own rows, listed first: a wakeup inside an interrupt is never blamed on the task it interrupted, and one run by a kworker's work item is credited to whoever queued the item.",
      body: chartDiv('wakeup-matrix'),
    },
    offCpuSection(m, chartDiv),
    pathSection(m, chartDiv),
    {
      id: 'distributions',
      title: 'Distributions',
      lead: 'Per wakeup and per slice, stacked by process. Durations are binned on a log scale (five bins per decade).',
      body:
        processLegend(coloredProcesses) +
        `<div class="grid2">${dists.map((d) => chartDiv(`dist-${d.id}`)).join('')}</div>`,
    },
    {
      id: 'metrics',
      title: 'Metrics',
      lead: 'The analysis table. Click a header to sort. Times are per thread (or summed per process); run-queue delay counts from wakeup or preemption to running.',
      body:
        `<h3>Threads</h3>${metricsTableHtml('threads', threadRows.slice(0, budget.maxTableRows))}` +
        `<h3>Processes</h3>${metricsTableHtml('processes', processRows.slice(0, budget.maxTableRows))}`,
    },
    {
      id: 'lifeline',
      title: life ? `Lifeline of ${life.label}` : 'Lifeline',
      lead: life
        ? `Each wakeup of ${life.label} over time: who woke it, the sleep it ended, its run-queue wait and the run that followed; for wakeups by a thread, the chain goes back through that thread's own wakeup (dashed) to what woke it, up to an interrupt. Pick another thread with --tid.`
        : msg.reportNoLifeline(),
      body: life ? chartDiv('lifeline') : '',
    },
  ];
  const links: Record<string, SignalLink[]> = { 'state-timeline': STATE_TIMELINE_LINKS };
  const charts: PageChart[] = Object.entries(specs).map(([id, spec]) => ({
    id: `chart-${id}`,
    spec,
    links: links[id] ?? [],
  }));
  const html = pageHtml({
    title: `lifeline — ${shown.host}${shown.command ? ` — ${shown.command.join(' ')}` : ''}`,
    subtitle: `${start.shown} · ${formatDuration(durationNs)} · ${meta.cpus} CPUs · kernel ${shown.kernel}`,
    summary: summaryHtml({ meta, shown, result, start }),
    reduced,
    sections,
    charts,
    renderer: m.renderer,
  });
  return html;
}

/** Why it slept: per chosen thread its flame chart with its wakers beside it, then the sleep-reason table; one line without stacks. */
function offCpuSection(m: ReportModel, chartDiv: (id: string) => string): PageSection {
  const section = { id: 'offcpu', title: 'Why it slept (off-CPU stacks)' };
  if (m.offCpu === null || m.reasons === null)
    return {
      ...section,
      lead: m.meta.stacks === 'none' ? msg.reportNoStacks() : msg.reportStacksBefore(),
      body: '',
    };
  if (m.offCpu.threads.length === 0) return { ...section, lead: msg.reportNoOffCpuSleeps(), body: '' };
  const charts = m.offCpu.threads
    .map(
      (t, i) =>
        `<div class="offcpu">${chartDiv(`offcpu-${i}`)}<div><h3>Who woke ${e(t.label)}, from where</h3>${wakersTableHtml(t.wakers.rows, t.wakers.total)}</div></div>`,
    )
    .join('');
  return {
    ...section,
    lead: OFFCPU_TEXT.lead,
    body: `${charts}<h3>Sleep reasons</h3>${reasonTableHtml(m.reasons.rows)}`,
  };
}

/** Where the time went: per path its chart and its time by kind. */
function pathSection(m: ReportModel, chartDiv: (id: string) => string): PageSection {
  const section = { id: 'path', title: 'Where the time went (critical path)' };
  if (m.paths.length === 0) return { ...section, lead: msg.reportNoPath(), body: '' };
  return {
    ...section,
    lead: PATH_TEXT.lead,
    body: m.paths
      .map((p, i) => `${chartDiv(`path-${i}`)}<h3>Time of ${e(p.title)} by kind</h3>${pathSummaryHtml(p)}`)
      .join(''),
  };
}

/** The critical-path section's sentences. */
const PATH_TEXT = {
  lead:
    'The longest bursts of the selected thread (--tid) or the busiest one, each with the wait before it, accounted for nanosecond by nanosecond, walking back from its end: ' +
    'its own running (green), its waits for a CPU (yellow) charged to the task that held it, and for each sleep the work of whatever woke it — another thread, one lane each, recursively; the task that armed the timer or raised the softirq; a device — ' +
    'with interrupt handling (purple) and sleeps that end the path (blue: own timer, device, unknown cause) as their own segments. Hover a segment for what it waited on; docs/metrics.md, "Where the time went", defines it.',
};

/** First and last time (ns since the capture start) the detail covers; [0, duration] when it is empty. */
function timeExtent(detail: AnalysisDetail, durationNs: number): [number, number] {
  let from = Infinity;
  let to = -Infinity;
  for (const list of [detail.intervals, detail.cpuSpans]) {
    for (const span of list) {
      if (span.start < from) from = span.start;
      if (span.end > to) to = span.end;
    }
  }
  for (const w of detail.wakeups) {
    if (w.ts < from) from = w.ts;
    if (w.ts > to) to = w.ts;
  }
  return Number.isFinite(from) && to > from ? [Math.max(0, from), to] : [0, Math.max(1, durationNs)];
}

function processLegend(processes: string[]): string {
  const items = [
    ...processes.map((p, i) => [p, PROCESS_COLORS[i % PROCESS_COLORS.length]!] as const),
    [OTHER_PROCESSES, OTHER_COLOR] as const,
  ];
  return `<div class="legend">${items.map(([name, color]) => `<span><span class="sw" style="background:${color}"></span>${e(name)}</span>`).join('')}</div>`;
}
