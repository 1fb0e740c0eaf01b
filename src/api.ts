/**
 * lifeline's programmatic API: everything the CLI does, callable from code.
 * Pipeline stages: record -> capture -> analyze -> report / export.
 */
import { openCapture, summarizeCapture, formatInfo } from './capture/index.js';
import type { Capture } from './capture/types.js';
import { analyze, formatChain, formatTable, toJson, type TableOptions } from './analyze/index.js';
import type { Analysis, AnalyzeOptions } from './analyze/types.js';
import { LifelineError } from './errors.js';
import { msg } from './messages.js';

import type { RecordOptions, RecordResult } from './record/recorder.js';
export type { RecordOptions, RecordResult, RecordProgress } from './record/recorder.js';
export { openCapture, createWriter, summarizeCapture } from './capture/index.js';
export { analyze } from './analyze/index.js';
export type { Capture, CaptureWriter } from './capture/types.js';
export type { CaptureMeta, CaptureFormat } from './capture/meta.js';
export type { Analysis, AnalysisResult, AnalyzeOptions } from './analyze/types.js';
export { LifelineError } from './errors.js';
export type { WriteReportOptions, WrittenReport } from './report/index.js';
import type { WriteReportOptions, WrittenReport } from './report/index.js';

/** `lifeline record`: record the whole machine (or a command) into a capture (the recorder loads only here). */
export async function record(opts: RecordOptions = {}): Promise<RecordResult> {
  return (await import('./record/recorder.js')).record(opts);
}

/** `lifeline report`: the self-contained HTML report (vega is loaded only here). */
export async function writeReport(capturePath: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  return (await import('./report/index.js')).writeReport(capturePath, opts);
}

async function withCapture<T>(path: string, fn: (c: Capture) => Promise<T>): Promise<T> {
  const cap = await openCapture(path);
  try {
    return await fn(cap);
  } finally {
    cap.close();
  }
}

/** `lifeline info`: meta facts and counts, as text or JSON. */
export function info(path: string, opts: { json?: boolean } = {}): Promise<string> {
  return withCapture(path, async (cap) => formatInfo(await summarizeCapture(cap), opts));
}

/** Open and analyze a capture. */
export function analyzeFile(path: string, opts: AnalyzeOptions = {}): Promise<{ analysis: Analysis; capture: Capture }> {
  return withCapture(path, async (cap) => ({ analysis: await analyze(cap, opts), capture: cap }));
}

/** `lifeline analyze`: the terminal table, or the JSON object with `json`. */
export async function analyzeCapture(
  path: string,
  opts: AnalyzeOptions & Omit<TableOptions, 'meta'> & { json?: boolean } = {},
): Promise<string> {
  const { analysis, capture } = await analyzeFile(path, opts);
  if (opts.json) return JSON.stringify(toJson(analysis), null, 2) + '\n';
  return formatTable(analysis, { by: opts.by, sort: opts.sort, top: opts.top, meta: capture.meta });
}

/** `lifeline chain`: each wakeup of a thread (or of every thread of a process) and its chain back. */
export async function chain(
  path: string,
  opts: AnalyzeOptions & { target: { tid: number } | { pid: number }; depth?: number; limit?: number },
): Promise<string> {
  const { analysis } = await analyzeFile(path, { ...opts, detail: true });
  const target = opts.target;
  const tids =
    'tid' in target
      ? [target.tid]
      : analysis.result.threads.filter((t) => t.tgid === target.pid).map((t) => t.tid);
  const parts = tids
    .filter((tid) => analysis.detail?.wakeups.some((w) => w.tid === tid))
    .map((tid) => formatChain(analysis.detail, tid, { depth: opts.depth, limit: opts.limit }));
  if (parts.length === 0)
    throw new LifelineError('OPTION_NO_MATCH', msg.noSuchThread('tid' in target ? `thread ${target.tid}` : `process ${target.pid}`));
  return parts.join('\n');
}
