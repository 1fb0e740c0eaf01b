import { it, expect } from 'vitest';
import { writeReport } from '../../src/report/index.js';
import { launch, visit } from './browser.js';
it('real', async () => {
  await writeReport('/tmp/ll-demo.db', { out: '/tmp/shots/real.html', renderer: 'svg' });
  const b = await launch();
  const v = await visit(b, '/tmp/shots/real.html');
  console.log(v.renderMs, v.marks, v.consoleErrors, v.requests, v.chartErrors);
  await b.close();
}, 60000);
