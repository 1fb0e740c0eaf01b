/**
 * `lifeline export`: a capture into another tool's format (formats.ts). Options
 * come checked from the API boundary; the output is renamed into place only
 * when complete.
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { analyze, windowFor, type CriticalPath, type PathQuery } from '../analyze/index.js';
import { metaFacts, openCapture } from '../capture/index.js';
import { diagnose, noteLine } from '../diagnostics.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { checkOutputPath, writeFailure } from '../output-path.js';
import type { Capture } from '../capture/index.js';
import { OutputFile } from './output-file.js';
import { DEFAULT_EXPORT_FORMAT, exportFormat, type DatasetStats, type FormatStats } from './formats.js';
import type { DatasetFormat } from './format.js';
import { tablePath } from './parquet/layout.js';

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
  /** A dataset format: replace files of the dataset that exist (never the capture). */
  force?: boolean;
  /** A dataset format: the `host` column (default: the capture's hostname). */
  host?: string;
  /** A dataset format: hive-style host=…/date=… folders under each table's folder. */
  partition?: boolean;
}

/** What an export counted: a file format's stats, or a dataset's (the other's fields absent). */
export type ExportResult = (FormatStats & Partial<Omit<DatasetStats, 'events'>>) & {
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
  if (format.output === 'dataset') return exportDataset(format, capturePath, opts);
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

/** The directory of a dataset: made when missing (its parent must exist, unless it is the default). */
function datasetDir(dir: string, createParents: boolean): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st !== undefined && !st.isDirectory()) throw new LifelineError('OUTPUT_NOT_DIRECTORY', msg.datasetNotDir(dir));
  if (st !== undefined) return;
  if (!createParents && !statSync(dirname(dir), { throwIfNoEntry: false })?.isDirectory())
    throw new LifelineError('OUTPUT_DIR_MISSING', msg.outputDirMissing('export', dirname(dir)));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new LifelineError('OUTPUT_WRITE_FAILED', msg.outputWriteFailed(dir, writeFailure(e)));
  }
}

/** The capture's name in the `capture` column: its file name without the extension. */
function captureName(capturePath: string): string {
  return basename(capturePath, extname(capturePath));
}

async function exportDataset(
  format: DatasetFormat<DatasetStats>,
  capturePath: string,
  opts: ExportOptions,
): Promise<ExportResult> {
  const dir = resolve(opts.out ?? defaultExportPath(capturePath, format.name));
  const capture: Capture = await openCapture(capturePath);
  try {
    const meta = capture.meta;
    const window = windowFor(meta.startNs, opts.fromNs, opts.toNs);
    const layout = {
      dir,
      partition: opts.partition === true,
      host: opts.host ?? meta.hostname,
      capture: captureName(capturePath),
      startWallMs: meta.startNs / 1e6 + meta.clockOffsetMs,
    };
    // every file is checked before any is written: an existing one stays unless --force
    datasetDir(dir, opts.out === undefined);
    const paths = new Map(format.tables.map((t) => [t, tablePath(layout, t)]));
    for (const p of paths.values()) {
      mkdirSync(dirname(p), { recursive: true });
      checkOutputPath(p, 'export', { overwrite: opts.force === true, inputs: [capturePath] });
    }
    const total = meta.events;
    const onProgress = opts.onProgress && ((done: number) => opts.onProgress!(done, total));
    const writer = await format.load();
    const res = await writer.writeDataset(capture, {
      ...window,
      onProgress,
      host: layout.host,
      capture: layout.capture,
      tablePath: (t) => paths.get(t) ?? tablePath(layout, t),
    });
    const diagnostics = diagnose(metaFacts(capture.meta, res.events)).map(noteLine);
    const result = { ...res, format: format.name, path: dir, notes: [...diagnostics, ...writer.notes(res)] };
    // a dataset has none of a file format's own counts
    return result as unknown as ExportResult;
  } finally {
    capture.close();
  }
}
