import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchFromRows } from '../../src/capture/event-batch.js';
import { createWriter } from '../../src/capture/index.js';
import { LifelineError } from '../../src/errors.js';
import { writeReport } from '../../src/api.js';
import { defaultReportPath } from '../../src/report/index.js';
import { syntheticRows, testMeta } from '../capture/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function captureFile(name: string): Promise<string> {
  const file = join(dir, name);
  const meta = testMeta({ hostname: 'report-host', command: ['stress', '--cpu', '2'] });
  const writer = await createWriter(file, 'sqlite', meta);
  const rows = syntheticRows({ events: 20_000, startNs: meta.startNs, skewNs: 0 });
  for (let i = 0; i < rows.length; i += 4096) await writer.append(batchFromRows(rows.slice(i, i + 4096)));
  await writer.finish(testMeta({ ...meta, endNs: rows[rows.length - 1]!.ts, exitCode: 0, events: rows.length }));
  return file;
}

describe('writeReport', () => {
  it('writes one self-contained HTML file and an SVG per chart', async () => {
    const capture = await captureFile('run.db');
    const out = join(dir, 'run.html');
    const svgDir = join(dir, 'svg');
    const written = await writeReport(capture, { out, svgDir });
    expect(written.path).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(written.bytes).toBe(Buffer.byteLength(html));
    expect(html).toContain('report-host');
    expect(/<script[^>]+src=|<link[^>]+href=/.test(html), 'no external scripts or styles').toBe(false);
    expect(written.svgs.length).toBeGreaterThanOrEqual(8);
    expect(readdirSync(svgDir).sort()).toEqual(written.svgs.map((p) => p.slice(svgDir.length + 1)).sort());
    for (const svg of written.svgs) {
      const text = readFileSync(svg, 'utf8');
      expect(text.startsWith('<svg'), svg).toBe(true);
      expect(text).toMatch(/<path|<line/);
    }
  }, 60_000);

  it('refuses an output directory that does not exist', async () => {
    const capture = await captureFile('again.db');
    const err = await writeReport(capture, { out: join(dir, 'missing', 'x.html') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifelineError);
    expect((err as LifelineError).code).toBe('OUTPUT_DIR_MISSING');
    expect((err as LifelineError).message).toContain(join(dir, 'missing'));
  }, 60_000);

  it('defaults to reports/<capture name>.html', () => {
    expect(defaultReportPath('/data/runs/stress-vs-node.db')).toBe(join('reports', 'stress-vs-node.html'));
    expect(defaultReportPath('run.arrow')).toBe(join('reports', 'run.html'));
  });
});
