/** The report stage: analysis results → one self-contained HTML file (and optional SVGs). */
export { buildReport } from './build-report.js';
export { renderSvg, writeSvgs } from './render-svg.js';
export { DEFAULT_REPORT_BUDGET, reportPathQuery, resolveBudget } from './budget.js';
export type { BuiltReport, ReportBudget, ReportInput, ReportOptions, Row, VegaLiteSpec } from './types.js';
export { defaultReportPath, reportPath, writeReportFiles, type WrittenReport } from './write-report.js';
