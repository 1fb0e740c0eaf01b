/**
 * `lifeline export`: a capture into another tool's format (formats.ts). Options
 * come checked from the API boundary; the output is renamed into place only
 * when complete.
 */
import { basename, extname, join, resolve } from 'node:path';
import { analyze, windowFor, type CriticalPath, type PathQuery } from '../analyze/index.js';
import { metaFacts, openCapture } from '../capture/index.js';
import { diagnose, noteLine } from '../diagnostics.js';
import { checkOutputPath } from '../output-path.js';
import { OutputFile } from './output-file.js';
import { DEFAULT_EXPORT_FORMAT, exportFormat, type FormatStats } from './formats.js';

export interface ExportOptions {
  /** A format of the registry (formats.ts); default perfetto. */
  format?: string;
  /** The file to write; default reports/<capture name> with the format's extension. */
  out?: string;
  /** Window in ns since the capture start (checked at the API boundary). */
  fromNs?: number;
  toNs?: number;
  /** Also the critical paths of these intervals, as tracks of slices (a replay of the capture first). */
  path?: PathQuery;
  /** Events written so far, of `total` in the capture. */
  onProgress?: (done: number, total: number) => void;
}

export type ExportResult = FormatStats & {
  format: string;
  path: string;
  bytes: number;
  /** One-line notes for the user (e.g. the assumed clock offset). */
  notes: string[];
};

export const DEFAULT_EXPORT_DIR = 'reports';

export function defaultExportPath(capturePath: string, format: string = DEFAULT_EXPORT_FORMAT): string {
  return join(DEFAULT_EXPORT_DIR, `${basename(capturePath, extname(capturePath))}${exportFormat(format).extension}`);
}

export async function exportCapture(capturePath: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const format = exportFormat(opts.format ?? DEFAULT_EXPORT_FORMAT);
  const path = resolve(opts.out ?? defaultExportPath(capturePath, format.name));
  checkOutputPath(path, 'export', { createDir: opts.out === undefined, overwrite: true, inputs: [capturePath] });
  const capture = await openCapture(capturePath);
  let file: OutputFile | null = null;
  try {
    const window = windowFor(capture.meta.startNs, opts.fromNs, opts.toNs);
    file = new OutputFile(path);
    const sinkTo = file;
    const total = capture.meta.events;
    const onProgress = opts.onProgress && ((done: number) => opts.onProgress!(done, total));
    // the paths need the analysis: one replay before the export's own pass
    const paths: CriticalPath[] =
      opts.path !== undefined ? ((await analyze(capture, { path: opts.path })).path ?? []) : [];
    const writer = await format.load();
    const res = await writer.write(capture, { ...window, onProgress, paths }, (b) => sinkTo.write(b));
    file.commit();
    // what the trace cannot show (diagnostics of the capture) comes first, then the format's own notes
    const diagnostics = diagnose(metaFacts(capture.meta, res.events)).map(noteLine);
    return { ...res, format: format.name, path, bytes: file.bytes, notes: [...diagnostics, ...writer.notes(res)] };
  } catch (e) {
    file?.abort();
    throw e;
  } finally {
    capture.close();
  }
}
