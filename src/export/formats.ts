/**
 * The export formats: `lifeline export --to NAME`, the options' checks and the API iterate this
 * list. Adding a format is a folder (its writer and its `ExportFormat` line) and one entry here.
 */
import { parquetFormat } from './parquet/format.js';
import { perfettoFormat } from './perfetto/format.js';

export const EXPORT_FORMATS = [perfettoFormat, parquetFormat] as const;

export type ExportFormatName = (typeof EXPORT_FORMATS)[number]['name'];
export const EXPORT_FORMAT_NAMES: readonly string[] = EXPORT_FORMATS.map((f) => f.name);
/** The format written when none is named. */
export const DEFAULT_EXPORT_FORMAT = EXPORT_FORMATS[0].name;

/** What the file formats count, as their writers return it. */
export type FormatStats = Awaited<ReturnType<Awaited<ReturnType<(typeof perfettoFormat)['load']>>['write']>>;
/** What the dataset formats count. */
export type DatasetStats = Awaited<ReturnType<Awaited<ReturnType<(typeof parquetFormat)['load']>>['writeDataset']>>;

export function exportFormat(name: string): (typeof EXPORT_FORMATS)[number] {
  const f = EXPORT_FORMATS.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no export format ${name}`);
  return f;
}

/** Whether the format writes a directory of tables rather than one file. */
export function isDatasetFormat(name: string): boolean {
  return exportFormat(name).output === 'dataset';
}
