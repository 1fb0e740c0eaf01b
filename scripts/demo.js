// npm run demo: record `stress --cpu 2` beside a node process doing timers and
// IPC, then print the analysis and write the HTML report: through the public API
// (the package entry, dist/api.js as package.json exports it), as a user's script would.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as api from 'lifeline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const capture = path.join(root, 'reports/demo.db');
for (const f of [capture, `${capture}-wal`, `${capture}-shm`]) if (existsSync(f)) rmSync(f);

const workload = path.join(root, 'test/workloads/node-timers-ipc.js');
const seconds = Number(process.env.LIFELINE_DEMO_SECONDS ?? 4);
console.error(`recording stress --cpu 2 beside a node process with timers and IPC for ${seconds} s ...`);
try {
  const res = await api.record({
    output: capture,
    command: [
      'sh',
      '-c',
      `stress --cpu 2 --timeout ${seconds + 1} >/dev/null 2>&1 & ${JSON.stringify(process.execPath)} ${JSON.stringify(workload)} ${seconds}; kill $! 2>/dev/null; wait`,
    ],
  });
  process.stderr.write(await api.formatRecordSummary(res));
  process.stdout.write(
    '\n' + (await api.analyzeCapture(capture, { top: 15, comm: '^(node-timers|node-ipc|stress)' })) + '\n',
  );
  const rep = await api.writeReport(capture, {
    out: path.join(root, 'reports/demo.html'),
    // the demo reruns to the same report: replace the last one
    force: true,
    comm: '^(node-timers|node-ipc|stress|sh)$',
  });
  console.log(`\nreport: ${rep.path}`);
} catch (e) {
  if (e instanceof api.LifelineError) {
    console.error(`lifeline: ${e.message}`);
    process.exit(e.exitCode);
  }
  throw e;
}
