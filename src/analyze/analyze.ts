/**
 * analyze(): replay a capture once and compute every metric.
 *
 * 1. set up the window;
 * 2. build the metric modules (and the detail modules when asked);
 * 3. replay the batches through the engine;
 * 4. close the open states at the capture end;
 * 5. select threads (filters) and assemble the result and the detail.
 */
import type { Capture } from '../capture/index.js';
import { CpuSpans } from './detail/cpu-spans.js';
import { resolveBudget } from './detail/detail-budget.js';
import { Engine } from './engine/engine.js';
import { threadFilter } from './engine/filters.js';
import type { Metric } from './engine/metric.js';
import { metricModules } from './metrics/modules.js';
import { buildResult, selectThreads } from './output/result.js';
import { Names } from './engine/sources.js';
import { ThreadTable } from './engine/thread-table.js';
import { Timeline } from './detail/timeline.js';
import type { Analysis, AnalysisDetail, AnalyzeOptions } from './types.js';
import { WakeupLog } from './detail/wakeup-log.js';
import { ThreadHistograms } from './detail/thread-histograms.js';
import { WakeupStream } from './detail/wakeup-stream.js';
import { PathRecorder } from './path/path-recorder.js';
import { PathWalker, pathsFor } from './path/critical-path.js';
import { windowFor } from './engine/window.js';

export async function analyze(capture: Capture, opts: AnalyzeOptions = {}): Promise<Analysis> {
  // 1. window (the options were checked at the API boundary, src/options)
  const meta = capture.meta;
  const window = windowFor(meta.startNs, opts.fromNs, opts.toNs);

  // 2. modules
  const threads = new ThreadTable();
  const names = new Names();
  const {
    slices,
    sleeps,
    wakers,
    sleepReasons,
    all: metrics,
  } = metricModules(threads, names, false, opts.parts?.reasonStacks !== false);
  const budget = resolveBudget(opts.detail);
  const detailMetrics: Metric[] =
    budget === null
      ? []
      : [
          new Timeline(threads, budget.maxIntervals),
          new CpuSpans(threads, names, budget.maxCpuSpans),
          new WakeupLog(threads, names, budget.maxWakeups),
        ];
  const histograms = opts.histograms === true ? new ThreadHistograms(threads) : null;
  if (histograms !== null) detailMetrics.push(histograms);
  const startOf = (): number => (meta.startNs > 0 ? meta.startNs : Number.isNaN(engine.firstTs) ? 0 : engine.firstTs);
  const stream = opts.onWakeup !== undefined ? new WakeupStream(threads, names, startOf, opts.onWakeup) : null;
  if (stream !== null) detailMetrics.push(stream);
  // the critical path's facts are collected only when a path is asked for
  const pathRec = opts.path !== undefined ? new PathRecorder() : null;
  const withMetrics = opts.parts?.threads !== false;
  const fed = [...(withMetrics ? metrics : []), ...detailMetrics, ...(pathRec ? [pathRec] : [])];
  const engine = new Engine(threads, names, fed, {
    startNs: meta.startNs,
    cpus: meta.cpus,
    window,
  });

  // 3. replay
  for await (const batch of capture.batches()) {
    engine.feed(batch);
    opts.onProgress?.(engine.events);
  }

  // 4. capture end
  const startNs = meta.startNs > 0 ? meta.startNs : Number.isNaN(engine.firstTs) ? 0 : engine.firstTs;
  const lastTs = Number.isNaN(engine.lastTs) ? startNs : engine.lastTs;
  const endNs = Math.max(meta.endNs, lastTs);
  engine.finish(endNs);
  stream?.finish();

  // 5. result and detail
  const filter = threadFilter(opts, threads);
  const input = {
    format: capture.format,
    meta,
    events: engine.events,
    contradictions: engine.contradictions,
    startNs,
    endNs,
    threads,
    names,
    metrics,
    slices,
    sleeps,
    wakers,
    filter,
  };
  const selected = withMetrics ? selectThreads(input) : [];
  const result = buildResult(input, selected, opts.parts);
  const offCpu = opts.offCpu ? { offCpu: sleepReasons.offCpu(selected) } : {};
  const log2 = histograms !== null ? { histograms: histograms.read(selected) } : {};
  let path = {};
  if (pathRec !== null && opts.path !== undefined) {
    pathRec.index(threads.recs.length);
    const q = opts.path;
    const walker = new PathWalker(
      pathRec,
      threads,
      names,
      startNs,
      q.maxDepth,
      undefined,
      q.selected ? filter : undefined,
    );
    path = { path: pathsFor(walker, q, startNs) };
  }
  if (budget === null) return { result, ...offCpu, ...log2, ...path };
  const detail: AnalysisDetail = { intervals: [], cpuSpans: [], wakeups: [], reduced: [] };
  for (const m of detailMetrics) m.fillDetail?.(filter, { startNs }, detail);
  return { result, detail, ...offCpu, ...log2, ...path };
}
