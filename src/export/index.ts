/** The export stage: a capture's ordered event stream into other tools' formats. */
export { exportCapture, defaultExportPath, type ExportOptions, type ExportResult } from './export-capture.js';
export { EXPORTED_KINDS, NOT_EXPORTED_KINDS } from './perfetto/kinds.js';
export {
  DEFAULT_EXPORT_FORMAT,
  EXPORT_FORMATS,
  EXPORT_FORMAT_NAMES,
  exportFormat,
  isDatasetFormat,
  type ExportFormatName,
} from './formats.js';
export type {
  ExportFormat,
  FormatWriter,
  FormatRunOptions,
  DatasetFormat,
  DatasetWriter,
  DatasetRunOptions,
} from './format.js';
