/**
 * `lifeline export`: a capture into another tool's format (Perfetto's native
 * protobuf). Options come checked from the API boundary; the output is renamed
 * into place only when complete.
 */
import { basename, extname, join, resolve } from 'node:path';
import { windowFor } from '../analyze/window.js';
import { openCapture } from '../capture/index.js';
import { msg } from '../messages.js';
import { checkOutputPath, OutputFile } from './output-file.js';
import { exportPerfetto, type PerfettoExportResult } from './perfetto/export-perfetto.js';

export interface ExportOptions {
  /** The file to write; default reports/<capture name>.pftrace. */
  out?: string;
  /** Window in ns since the capture start (checked at the API boundary). */
  fromNs?: number;
  toNs?: number;
  /** Events written so far, of `total` in the capture. */
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult extends PerfettoExportResult {
  path: string;
  bytes: number;
  /** One-line notes for the user (e.g. the assumed clock offset). */
  notes: string[];
}

export const DEFAULT_EXPORT_DIR = 'reports';

export function defaultExportPath(capturePath: string): string {
  return join(DEFAULT_EXPORT_DIR, `${basename(capturePath, extname(capturePath))}.pftrace`);
}

export async function exportCapture(capturePath: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const path = resolve(opts.out ?? defaultExportPath(capturePath));
  checkOutputPath(path, opts.out === undefined);
  const capture = await openCapture(capturePath);
  let file: OutputFile | null = null;
  try {
    const window = windowFor(capture.meta.startNs, opts.fromNs, opts.toNs);
    file = new OutputFile(path);
    const sinkTo = file;
    const total = capture.meta.events;
    const onProgress = opts.onProgress && ((done: number) => opts.onProgress!(done, total));
    const res = await exportPerfetto(capture, { ...window, onProgress }, (b) => sinkTo.write(b));
    file.commit();
    return {
      ...res,
      path,
      bytes: file.bytes,
      notes: [
        ...(res.bootOffsetAssumed ? [msg.exportNoBootOffset()] : []),
        ...(res.irqSpanEvents > 0 && res.hrtimerExpiries === 0 ? [msg.exportNoExpirySpans()] : []),
      ],
    };
  } catch (e) {
    file?.abort();
    throw e;
  } finally {
    capture.close();
  }
}
