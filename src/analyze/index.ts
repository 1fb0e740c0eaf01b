/** src/analyze: the offline replay of a capture into per-thread and per-process metrics. */
export { analyze } from './analyze.js';
export { chainFor, describeWakeup, formatChain, DEFAULT_CHAIN_DEPTH, type ChainTextOptions } from './detail/chain.js';
export {
  formatTable,
  localTime,
  SORT_KEYS,
  type GroupBy,
  type SortKey,
  type TableOptions,
} from './output/format-table.js';
export { formatFolded, type FoldedOptions } from './output/folded.js';
export {
  jsonChunks,
  toJson,
  type AnalysisJson,
  type JsonProcess,
  type JsonSource,
  type JsonThread,
} from './output/json.js';
export { DEFAULT_BUDGET } from './detail/detail-budget.js';
export { emptyMetrics, type MetricFields } from './output/result.js';
export * from './catalogue/catalogue.js';
export { fieldTable, withFieldTable } from './catalogue/catalogue-doc.js';
export { sourceLabel, wakerLabel } from './engine/sources.js';
export { sourceId } from './metrics/wakers.js';
export { reasonShares, reasonsText, sleepReasonOf, wakeFrameOf, NO_STACK } from './metrics/sleep-reasons.js';
export { sanitize } from './output/text.js';
export { factsOf } from './output/facts.js';
export type * from './types.js';
export { SOURCE_KINDS, INTERRUPT_KINDS, HISTOGRAM_KEYS, PATH_STATES } from './types.js';
export { LiveAnalysis, type LiveProcess } from './live.js';
export { windowFor } from './engine/window.js';
export { St, timelineState } from './engine/codes.js';
export type { Log2Histogram } from './metrics/log2-histograms.js';
export { DURATION_BOUNDS_NS } from './metrics/log2-histograms.js';
export { formatPath, formatPaths } from './path/path-text.js';
export { PATH_MAX_DEPTH } from './path/critical-path.js';
