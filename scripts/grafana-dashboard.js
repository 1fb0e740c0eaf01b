// Writes grafana/lifeline-dashboard.json from src/serve/grafana-dashboard.ts (compiled in dist/).
// --check: exit 1 when the file is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboard } from '../dist/serve/grafana-dashboard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'grafana/lifeline-dashboard.json');
const text = `${JSON.stringify(dashboard(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  const have = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (have !== text) {
    process.stderr.write('grafana/lifeline-dashboard.json is stale: run npm run grafana:dashboard\n');
    process.exit(1);
  }
} else {
  fs.writeFileSync(file, text);
  process.stderr.write('grafana/lifeline-dashboard.json written\n');
}
