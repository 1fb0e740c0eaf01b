/**
 * lifeline's programmatic API: everything the CLI does, callable from code.
 * Pipeline stages: record -> capture -> analyze -> report / export.
 */
export { record, type RecordOptions, type RecordResult, type RecordProgress } from './record/recorder.js';
export { openCapture } from './capture/index.js';
export type { Capture, CaptureWriter } from './capture/types.js';
export type { CaptureMeta, CaptureFormat } from './capture/meta.js';
export { LifelineError } from './errors.js';
