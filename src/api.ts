/**
 * lifeline's programmatic API: everything the CLI does, callable from code, and the
 * one boundary where options are checked (src/options) — before a capture is opened or
 * the recorder loads. Pipeline stages: record -> capture -> analyze -> report / export.
 */
import { openCapture, summarizeCapture, formatInfo } from './capture/index.js';
import type { Capture } from './capture/index.js';
import { diagnose, terminalLine } from './diagnostics.js';
import { inertJson, sanitize } from './sanitize.js';
import type { Analysis, AnalyzeOptions } from './analyze/index.js';
import { LifelineError } from './errors.js';
import { msg } from './messages.js';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkOutputPath, writeFailure } from './output-path.js';
import {
  checkChain,
  checkFilters,
  checkPath,
  checkRecord,
  checkReport,
  checkServe,
  checkTable,
  type ChainInput,
  type FilterInput,
  type PathInput,
  type RecordInput,
  type ReportInput,
  type ServeInput,
  type TableInput,
} from './options/commands.js';
import { checkExport, type ExportInput } from './options/commands.js';
import type { ExportResult } from './export/index.js';
import type { ServeHooks, ServeResult } from './serve/serve.js';
import type { RecordProgress, RecordResult } from './record/recorder.js';
import type { WrittenReport } from './report/index.js';

export type { RecordResult, RecordProgress } from './record/recorder.js';
export { openCapture, createWriter, summarizeCapture } from './capture/index.js';
export type { Capture, CaptureWriter } from './capture/index.js';
export type { EventBatch, EventRow } from './capture/index.js';
export { batchFromRows } from './capture/index.js';
export type { CaptureMeta, CaptureFormat } from './capture/index.js';
export { blankMeta } from './capture/index.js';
export type { Analysis, AnalysisResult } from './analyze/index.js';
export { LifelineError, ERROR_CODES, type ErrorCode } from './errors.js';
export { sanitize } from './sanitize.js';
export { DIAGNOSTICS, diagnose, type DiagnosticFacts } from './diagnostics.js';
export type { WrittenReport } from './report/index.js';
export type { ExportInput } from './options/commands.js';
export type { ExportResult } from './export/index.js';
export type {
  ChainInput,
  FilterInput,
  PathInput,
  RecordInput,
  ReportInput,
  ServeInput,
  TableInput,
} from './options/commands.js';
export type { ServeHooks, ServeResult } from './serve/serve.js';

/**
 * The analysis stage, imported when a command replays a capture: `lifeline info` and `record`
 * start without it (issue 23: a command imports its modules only when it runs).
 */
const analysisStage = () => import('./analyze/index.js');

/** Replay a capture (the analysis stage's `analyze`). */
async function replay(capture: Capture, options: AnalyzeOptions): Promise<Analysis> {
  return (await analysisStage()).analyze(capture, options);
}

/** Called now and then during a replay: events replayed so far, of `total` in the capture. */
export type ProgressCallback = (done: number, total: number) => void;

export interface AnalyzeInput extends FilterInput {
  /** Also collect the per-wakeup / per-interval detail (report, chain), within a budget. */
  detail?: AnalyzeOptions['detail'];
  onProgress?: ProgressCallback;
}

async function withCapture<T>(path: string, fn: (c: Capture) => Promise<T>): Promise<T> {
  const cap = await openCapture(path);
  try {
    return await fn(cap);
  } finally {
    cap.close();
  }
}

function replayOptions(
  cap: Capture,
  filters: AnalyzeOptions,
  onProgress: ProgressCallback | undefined,
): AnalyzeOptions {
  // a window that starts after the capture ends selects nothing: said, not answered with zeros
  const { startNs, endNs } = cap.meta;
  if (filters.fromNs !== undefined && endNs > startNs && filters.fromNs > endNs - startNs)
    throw new LifelineError('OPTION_BAD_WINDOW', msg.windowAfterCapture(filters.fromNs / 1e9, (endNs - startNs) / 1e9));
  const total = cap.meta.events;
  return onProgress === undefined ? filters : { ...filters, onProgress: (done) => onProgress(done, total) };
}

/** A --pid, --tid or --comm that matched no thread is a mistake to say, not a table of nothing. */
function requireMatch(analysis: Analysis, filters: AnalyzeOptions): void {
  const asked = [
    ...(filters.pid ?? []).map((p) => `--pid ${p}`),
    ...(filters.tid ?? []).map((t) => `--tid ${t}`),
    ...(filters.comm ? [`--comm ${sanitize(filters.comm.source)}`] : []),
  ];
  if (asked.length > 0 && analysis.result.threads.length === 0)
    throw new LifelineError('OPTION_NO_MATCH', msg.noThreadMatched(asked.join(' ')));
}

/** Replay an open capture into every metric (the options are checked first). */
export async function analyze(capture: Capture, opts: AnalyzeInput = {}): Promise<Analysis> {
  const filters = checkFilters(opts);
  return replay(capture, replayOptions(capture, { ...filters, detail: opts.detail }, opts.onProgress));
}

/** Open and analyze a capture. */
export async function analyzeFile(path: string, opts: AnalyzeInput = {}): Promise<Analysis> {
  const filters = checkFilters(opts);
  return withCapture(path, (cap) =>
    replay(cap, replayOptions(cap, { ...filters, detail: opts.detail }, opts.onProgress)),
  );
}

/** `lifeline record`: record the whole machine (or a command) into a capture (the recorder loads only here). */
export async function record(
  opts: RecordInput & {
    onProgress?: (p: RecordProgress) => void;
    signal?: AbortSignal;
    stdio?: 'inherit' | 'ignore' | 'pipe';
  } = {},
): Promise<RecordResult> {
  const checked = checkRecord(opts);
  const { record: run } = await import('./record/recorder.js');
  return run({ ...checked, onProgress: opts.onProgress, signal: opts.signal, stdio: opts.stdio });
}

/** The lines `lifeline record` prints when it stops. */
export async function formatRecordSummary(res: RecordResult): Promise<string> {
  return (await import('./record/summary.js')).formatRecordSummary(res);
}

/** `lifeline info`: meta facts and counts, as text or JSON. */
export function info(path: string, opts: { json?: boolean } = {}): Promise<string> {
  return withCapture(path, async (cap) => formatInfo(await summarizeCapture(cap), opts));
}

/** `lifeline analyze`: the terminal table, or the JSON object with `json`; the capture is opened once. */
export async function analyzeCapture(
  path: string,
  opts: AnalyzeInput & TableInput & { json?: boolean } = {},
): Promise<string> {
  const parts: string[] = [];
  await analyzeCaptureTo(path, opts, (chunk) => {
    parts.push(chunk);
  });
  return parts.join('');
}

/**
 * `lifeline analyze`, its text handed to `write` in pieces as it is made (the JSON in pieces of some
 * tens of kilobytes, so that memory stays flat whatever the size of the output), each write awaited; the
 * text is analyzeCapture's.
 */
export async function analyzeCaptureTo(
  path: string,
  opts: AnalyzeInput & TableInput & { json?: boolean },
  write: (chunk: string) => void | Promise<void>,
): Promise<void> {
  const { SORT_KEYS, jsonChunks, formatTable } = await analysisStage();
  const table = checkTable(opts, SORT_KEYS);
  const filters = checkFilters(opts);
  await withCapture(path, async (cap) => {
    // only what the output prints: the JSON has no process graph; the table no graph, one kind of
    // row, and of each sleep reason its share of the time alone (no stacks, no wakers)
    const parts = opts.json
      ? { processEdges: false }
      : { processes: table.by === 'process', edges: false, processEdges: false, reasonStacks: false };
    const analysis = await replay(cap, { ...replayOptions(cap, filters, opts.onProgress), parts });
    requireMatch(analysis, filters);
    if (!opts.json) return write(formatTable(analysis, { ...table, meta: cap.meta }));
    for (const chunk of jsonChunks(analysis, undefined, cap.meta)) await write(chunk);
    await write('\n');
  });
}

/** `lifeline stacks`: the off-CPU stacks of the selected threads as folded text (with `waker`, the wakers' too). */
export async function stacks(path: string, opts: AnalyzeInput & { waker?: boolean } = {}): Promise<string> {
  const filters = checkFilters(opts);
  const { formatFolded } = await analysisStage();
  return withCapture(path, async (cap) => {
    if (cap.meta.stacks !== 'kernel') throw new LifelineError('CAPTURE_NO_STACKS', msg.noStacks(cap.path));
    const analysis = await replay(cap, { ...replayOptions(cap, filters, opts.onProgress), offCpu: true });
    requireMatch(analysis, filters);
    return formatFolded(analysis, { waker: opts.waker === true });
  });
}

/** `lifeline chain`: each wakeup of a thread (or of every thread of a process) and its chain back. */
export async function chain(path: string, opts: ChainInput & { onProgress?: ProgressCallback }): Promise<string> {
  const { filters, target, depth, limit } = checkChain(opts);
  const { factsOf, formatChain } = await analysisStage();
  const { analysis, meta } = await withCapture(path, async (cap) => ({
    analysis: await replay(cap, replayOptions(cap, { ...filters, detail: true }, opts.onProgress)),
    meta: cap.meta,
  }));
  const tids =
    'tid' in target ? [target.tid] : analysis.result.threads.filter((t) => t.tgid === target.pid).map((t) => t.tid);
  const parts = tids
    .filter((tid) => analysis.detail?.wakeups.some((w) => w.tid === tid))
    .map((tid) => formatChain(analysis.detail, tid, { depth, limit }));
  if (parts.length === 0)
    throw new LifelineError(
      'OPTION_NO_MATCH',
      msg.noSuchThread('tid' in target ? `thread ${target.tid}` : `process ${target.pid}`),
    );
  // what to distrust first (the diagnostics catalogue), as analyze's table says it
  const warnings = diagnose(factsOf(analysis, meta)).map((d) => sanitize(terminalLine(d)));
  return [...warnings, ...parts].join('\n');
}

/** `lifeline path`: the critical path of a thread's interval or bursts, as text or (`json`) JSON. */
export async function path(
  file: string,
  opts: PathInput & { json?: boolean; onProgress?: ProgressCallback },
): Promise<string> {
  const { query, filters } = checkPath(opts);
  const { factsOf, formatPaths } = await analysisStage();
  return withCapture(file, async (cap) => {
    // an interval that starts after the capture ends is said, as analyze's window is
    const { startNs, endNs } = cap.meta;
    if (query.fromNs !== undefined && endNs > startNs && query.fromNs > endNs - startNs)
      throw new LifelineError('OPTION_BAD_WINDOW', msg.windowAfterCapture(query.fromNs / 1e9, (endNs - startNs) / 1e9));
    // the whole capture is replayed (no window): the bursts and the states before the interval are needed
    // the path needs its recorder and the capture's facts (the diagnostics), no per-thread metric
    const analysis = await replay(
      cap,
      replayOptions(cap, { ...filters, path: query, parts: { threads: false } }, opts.onProgress),
    );
    const paths = analysis.path ?? [];
    const diagnostics = diagnose(factsOf(analysis, cap.meta));
    if (opts.json) {
      // the diagnostics as analyze --json gives them
      const said = diagnostics.map((d) => ({ id: d.id, severity: d.severity, count: d.count, message: d.line }));
      return inertJson({ diagnostics: said, paths }, 2) + '\n';
    }
    const warnings = diagnostics.map((d) => sanitize(terminalLine(d)));
    return [...warnings, formatPaths(paths)].join('\n');
  });
}

/** `lifeline report`: the self-contained HTML report (vega is loaded only here). */
export async function writeReport(
  capturePath: string,
  opts: ReportInput & { onProgress?: ProgressCallback } = {},
): Promise<WrittenReport> {
  const o = checkReport(opts);
  const { reportPath, reportPathQuery, writeReportFiles } = await import('./report/index.js');
  const path = await reportPath(capturePath, o.out);
  // an existing report is replaced only when asked (--force), as record's capture is
  checkOutputPath(path, 'report', { overwrite: o.force, inputs: [capturePath] });
  return withCapture(capturePath, async (cap) => {
    // the critical paths of the selected (or busiest) thread's longest bursts
    const paths = reportPathQuery(o.budget, o.filters.tid?.[0]);
    const analysis = await replay(
      cap,
      replayOptions(cap, { ...o.filters, detail: true, path: paths }, opts.onProgress),
    );
    requireMatch(analysis, o.filters);
    const options = { utc: o.utc, top: o.top, tid: o.filters.tid, renderer: o.renderer, budget: o.budget };
    // written beside its name and renamed into place once whole: a failed write (the disk full)
    // leaves no half page, and the report it was to replace (--force) stays as it was
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      const res = await writeReportFiles(tmp, { meta: cap.meta, analysis, options }, o.svgDir);
      renameSync(tmp, path);
      return { ...res, path };
    } catch (e) {
      rmSync(tmp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
        throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(path, writeFailure(e)));
      throw e;
    }
  });
}

/** `lifeline export`: the capture in a format of the registry (src/export/formats.ts; Perfetto by default). */
export async function exportCapture(
  capturePath: string,
  opts: ExportInput & { onProgress?: ProgressCallback } = {},
): Promise<ExportResult> {
  const o = checkExport(opts);
  const { exportCapture: run, defaultExportPath, isDatasetFormat } = await import('./export/index.js');
  // an existing output is replaced only when asked (--force), as record's capture is; a dataset's
  // files are checked one by one once its host and date are known (src/export/export-capture.ts)
  if (!isDatasetFormat(o.format))
    checkOutputPath(o.out ?? defaultExportPath(capturePath, o.format), 'export', {
      createDir: o.out === undefined,
      overwrite: o.force,
      inputs: [capturePath],
    });
  return run(capturePath, {
    format: o.format,
    out: o.out,
    fromNs: o.fromNs,
    toNs: o.toNs,
    ...(o.path !== undefined && { path: o.path }),
    onProgress: opts.onProgress,
    force: o.force,
    host: o.host,
    partition: o.partition,
  });
}

/** `lifeline serve`: a Prometheus exporter fed by the live replay engine; resolves when stopped. */
export async function serve(opts: ServeInput & ServeHooks = {}): Promise<ServeResult> {
  const o = checkServe(opts);
  const { serve: run } = await import('./serve/serve.js');
  return run({
    ...o,
    signal: opts.signal,
    onMessage: opts.onMessage,
    rotateMs: opts.rotateMs,
    retireMs: opts.retireMs,
    stallReplayMs: opts.stallReplayMs,
  });
}
