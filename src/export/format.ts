/** What an export format is: the registry (formats.ts) holds one of these per format. */
import type { CriticalPath } from '../analyze/index.js';
import type { Capture } from '../capture/index.js';

export interface FormatRunOptions {
  /** Absolute monotonic ns window (events outside it only name threads). */
  from: number;
  to: number;
  /** Events written so far. */
  onProgress?: (events: number) => void;
  /** Critical paths to write beside the events (times relative to the capture start). */
  paths?: readonly CriticalPath[];
}

/** A format's writer, loaded on use. */
export interface FormatWriter<R extends { events: number }> {
  /** Writes the capture's ordered event stream to `sink`; returns what the format counted. */
  write(capture: Capture, opts: FormatRunOptions, sink: (bytes: Uint8Array) => void): Promise<R>;
  /** One-line notes for the user about this export (e.g. an assumed clock offset). */
  notes(res: R): string[];
}

export interface ExportFormat<R extends { events: number }> {
  /** The name `--to` takes. */
  readonly name: string;
  /** The default output's extension, with its dot. */
  readonly extension: string;
  /** What the file is for, in the CLI's help. */
  readonly about: string;
  load(): Promise<FormatWriter<R>>;
}
