/** src/analyze: the offline replay of a capture into per-thread and per-process metrics. */
export { analyze } from './analyze.js';
export { chainFor, describeWakeup, formatChain, DEFAULT_CHAIN_DEPTH, type ChainTextOptions } from './chain.js';
export { formatTable, localTime, SORT_KEYS, type GroupBy, type SortKey, type TableOptions } from './format-table.js';
export { toJson, type AnalysisJson, type JsonProcess, type JsonSource, type JsonThread } from './json.js';
export { DEFAULT_BUDGET } from './detail-budget.js';
export { emptyMetrics, type MetricFields } from './result.js';
export * from './catalogue.js';
export { fieldTable, withFieldTable } from './catalogue-doc.js';
export { sourceLabel, wakerLabel } from './sources.js';
export { sanitize } from './text.js';
export type * from './types.js';
