// npm run docs:metrics: rewrite the field table of docs/metrics.md from the metric catalogue
// (src/analyze/catalogue.ts, built into dist/ by the npm script first). `--check` only says
// whether the file is current (exit 1 when stale); test/analyze/catalogue.test.ts checks the same.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { withFieldTable } = await import(path.join(root, 'dist/analyze/index.js'));
const file = path.join(root, 'docs/metrics.md');
const doc = readFileSync(file, 'utf8');
const next = withFieldTable(doc);
if (next === undefined) {
  console.error('docs:metrics: docs/metrics.md lacks the field table markers');
  process.exit(1);
}
if (process.argv.includes('--check')) {
  console.log(next === doc ? 'docs/metrics.md is current' : 'docs/metrics.md is stale: run npm run docs:metrics');
  process.exit(next === doc ? 0 : 1);
}
if (next !== doc) writeFileSync(file, next);
console.log(next === doc ? 'docs/metrics.md was current' : 'docs/metrics.md: field table rewritten');
