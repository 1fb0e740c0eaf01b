import { writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { checkOutputPath } from '../output-path.js';
import { buildReport } from './build-report.js';
import { writeSvgs } from './render-svg.js';
import type { ReportInput } from './types.js';

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

/**
 * Where the report of `capturePath` goes: `out`, or reports/<name>.html (made when
 * missing). Refuses a directory that does not exist, before anything is read.
 */
export async function reportPath(capturePath: string, out: string | undefined): Promise<string> {
  const path = resolve(out ?? defaultReportPath(capturePath));
  checkOutputPath(path, 'report', { createDir: out === undefined, overwrite: true, inputs: [capturePath] });
  return path;
}

/** Writes the self-contained report of an analysis to `path` (and each chart as an SVG into `svgDir`). */
export async function writeReportFiles(path: string, input: ReportInput, svgDir?: string): Promise<WrittenReport> {
  const { html, specs } = buildReport(input);
  await writeFile(path, html);
  const svgs = svgDir === undefined ? [] : await writeSvgs(specs, svgDir);
  return { path, svgs, bytes: Buffer.byteLength(html) };
}
