import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { analyze } from '../analyze/index.js';
import { openCapture } from '../capture/index.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { buildReport } from './build-report.js';
import { writeSvgs } from './render-svg.js';
import type { ReportOptions } from './types.js';

export interface WriteReportOptions extends ReportOptions {
  /** The HTML file to write; default reports/<capture name>.html. */
  out?: string;
  /** Also write each chart as DIR/<chart>.svg. */
  svgDir?: string;
  /** Analysis filters: processes, threads, names, and a window in ns since the capture start. */
  pid?: number[];
  tid?: number[];
  comm?: RegExp;
  fromNs?: number;
  toNs?: number;
}

export interface WrittenReport {
  path: string;
  svgs: string[];
  bytes: number;
}

export const DEFAULT_REPORT_DIR = 'reports';

/** The default report path for a capture: reports/<basename without extension>.html. */
export function defaultReportPath(capturePath: string): string {
  return join(DEFAULT_REPORT_DIR, `${basename(capturePath, extname(capturePath))}.html`);
}

/** Open a capture, analyze it with detail, and write the self-contained report (and SVGs). */
export async function writeReport(capturePath: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  const path = resolve(opts.out ?? defaultReportPath(capturePath));
  const dir = dirname(path);
  if (opts.out === undefined) await mkdir(dir, { recursive: true });
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new LifelineError('OUTPUT_DIR_MISSING', msg.reportDirMissing(dir));

  const capture = await openCapture(capturePath);
  try {
    const analysis = await analyze(capture, {
      ...(opts.pid && { pid: opts.pid }),
      ...(opts.tid && { tid: opts.tid }),
      ...(opts.comm && { comm: opts.comm }),
      ...(opts.fromNs !== undefined && { fromNs: opts.fromNs }),
      ...(opts.toNs !== undefined && { toNs: opts.toNs }),
      detail: true,
    });
    const { html, specs } = buildReport({ meta: capture.meta, analysis, options: opts });
    await writeFile(path, html);
    const svgs = opts.svgDir === undefined ? [] : await writeSvgs(specs, opts.svgDir);
    return { path, svgs, bytes: Buffer.byteLength(html) };
  } finally {
    capture.close();
  }
}
