/**
 * The import rules of lifeline's pipeline (docs/architecture.md, "What each
 * stage may import"), checked by test/architecture/import-graph.test.ts.
 * A stage imports only the stages listed for it; every module of src/ belongs
 * to a stage; there is no import cycle (type-only and dynamic imports count).
 */
const STAGES = {
  // the event contract, generated from bpf/lifeline.h: below everything
  format: { path: '^src/format/', may: [] },
  // small modules every stage uses: error type, sentences, sanitizer, clocks, worker file paths,
  // the one copy of apache-arrow
  shared: {
    path: '^src/(arrow-lib|diagnostics|errors|messages|output-path|sanitize|version|wall-time|worker-url)\\.ts$',
    may: ['format'],
  },
  capture: { path: '^src/capture/', may: ['format', 'shared'] },
  record: { path: '^src/record/', may: ['format', 'shared', 'capture'] },
  analyze: { path: '^src/analyze/', may: ['format', 'shared', 'capture'] },
  report: { path: '^src/report/', may: ['format', 'shared', 'capture', 'analyze'] },
  export: { path: '^src/export/', may: ['format', 'shared', 'capture', 'analyze'] },
  serve: { path: '^src/serve/', may: ['format', 'shared', 'capture', 'record', 'analyze'] },
  options: {
    path: '^src/options/',
    may: ['format', 'shared', 'capture', 'record', 'analyze', 'report', 'export', 'serve'],
  },
  api: {
    path: '^src/api\\.ts$',
    may: ['format', 'shared', 'capture', 'record', 'analyze', 'report', 'export', 'serve', 'options'],
  },
  cli: { path: '^src/cli/', may: ['shared', 'options', 'api'] },
};

/** Stages whose folder has sub-folders by role: other stages enter through the folder's index only. */
const DOORS = ['analyze', 'capture'];
const doorRules = DOORS.map((name) => ({
  name: `${name}-door`,
  comment: `other stages import src/${name}/ through src/${name}/index.ts only (docs/architecture.md)`,
  severity: 'error',
  from: { path: '^src/', pathNot: STAGES[name].path },
  to: { path: STAGES[name].path, pathNot: `^src/${name}/index\\.ts$` },
}));

const stageRules = Object.entries(STAGES).map(([name, stage]) => ({
  name: `${name}-imports`,
  comment: `${name} may import only: ${stage.may.join(', ') || 'itself'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: stage.path },
  to: { path: '^src/', pathNot: [stage.path, ...stage.may.map((s) => STAGES[s].path)] },
}));

module.exports = {
  forbidden: [
    ...stageRules,
    ...doorRules,
    {
      name: 'no-stage',
      comment: 'every module of src/ belongs to a stage: add a new folder to STAGES and to docs/architecture.md',
      severity: 'error',
      from: { path: '^src/', pathNot: Object.values(STAGES).map((s) => s.path) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import cycle in src/ (a stage that needs a lower one passes it down instead)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
