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

/** Where a dataset's tables go and what every row of them says of its origin. */
export interface DatasetRunOptions extends FormatRunOptions {
  /** The `host` and `capture` columns of every table. */
  host: string;
  capture: string;
  /** The file of each table (absolute paths); none of them exists unless it may be replaced. */
  tablePath: (table: string) => string;
}

/** A dataset format's writer: several files, one per table. */
export interface DatasetWriter<R extends { events: number; files: number }> {
  writeDataset(capture: Capture, opts: DatasetRunOptions): Promise<R>;
  notes(res: R): string[];
}

interface FormatLine {
  /** The name `--to` takes. */
  readonly name: string;
  /** The default output's extension (or a directory's suffix), with its dot or dash. */
  readonly extension: string;
  /** What the file is for, in the CLI's help. */
  readonly about: string;
}

export interface ExportFormat<R extends { events: number }> extends FormatLine {
  readonly output?: 'file';
  load(): Promise<FormatWriter<R>>;
}

export interface DatasetFormat<R extends { events: number; files: number }> extends FormatLine {
  readonly output: 'dataset';
  /** The tables it writes, one file each. */
  readonly tables: readonly string[];
  load(): Promise<DatasetWriter<R>>;
}
