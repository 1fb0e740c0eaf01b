/** The capture stage: the only module that knows file formats (docs/capture-format.md). */
export { openCapture } from './open/open-capture.js';
export { createWriter, isCaptureFormat, CAPTURE_FORMATS, type CreateWriterOptions } from './write/create-writer.js';
export {
  summarizeCapture,
  formatInfo,
  infoObject,
  metaFacts,
  type CaptureSummary,
  type WakeupContextCounts,
} from './summary.js';
export { detectFormat, type DetectedFormat } from './open/detect-format.js';
export { ReorderWindow, reorderBatches, REORDER_WINDOW_NS } from './open/reorder.js';
export * from './event-batch.js';
export { sliceRows } from './batch-rows.js';
export * from './meta.js';
export type { Capture, CaptureWriter } from './types.js';
