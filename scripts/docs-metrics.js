// npm run docs:metrics: rewrite the field table of docs/metrics.md from the metric catalogue
// (src/analyze/catalogue/catalogue.ts, built into dist/ by the npm script first) and the README's table of
// serve's metric families from the families themselves (src/serve/metric-table.ts), and the
// contract's tables of docs/capture-format.md (src/format/contract-doc.ts). `--check`
// only says whether the files are current (exit 1 when stale); test/analyze/catalogue.test.ts
// and test/serve/metric-table.test.ts check the same.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { withFieldTable } = await import(path.join(root, 'dist/analyze/index.js'));
const { withMetricTable } = await import(path.join(root, 'dist/serve/metric-table.js'));
const { withContractTables } = await import(path.join(root, 'dist/format/contract-doc.js'));
const { withDiagnosticsTable } = await import(path.join(root, 'dist/diagnostics.js'));
let stale = false;
for (const [name, rewrite] of [
  ['docs/metrics.md', withFieldTable],
  ['README.md', withMetricTable],
  ['docs/capture-format.md', withContractTables],
  ['README.md', withDiagnosticsTable],
]) {
  const file = path.join(root, name);
  const doc = readFileSync(file, 'utf8');
  const next = rewrite(doc);
  if (next === undefined) {
    console.error(`docs:metrics: ${name} lacks its table markers`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    console.log(next === doc ? `${name} is current` : `${name} is stale: run npm run docs:metrics`);
    stale ||= next !== doc;
  } else {
    if (next !== doc) writeFileSync(file, next);
    console.log(next === doc ? `${name} was current` : `${name}: table rewritten`);
  }
}
process.exit(stale ? 1 : 0);
