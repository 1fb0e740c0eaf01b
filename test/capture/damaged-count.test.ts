/**
 * A complete capture that holds fewer events than its meta counts (rows lost to damage after it
 * was written) is said damaged by every output, with both counts; what could be read is shown.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';

describe('a capture missing rows its meta counts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-damaged-count-'));
  const cap = path.join(dir, 'cut.db');
  copyFileSync(path.join(ROOT, 'fixtures/ring.db'), cap);
  const db = new Database(cap);
  const before = (db.prepare('SELECT count(*) AS n FROM events WHERE kind <> 255').get() as { n: number }).n;
  db.prepare(
    'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE kind <> 255 LIMIT 100 OFFSET 1000)',
  ).run();
  db.close();
  const line = `DAMAGED: ${(before - 100).toLocaleString('en-US')} events could be read where the capture counts ${before.toLocaleString('en-US')}`;

  it('analyze (table and JSON), info and export say so, and still answer', () => {
    const table = cli(['analyze', cap]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain(`*** ${line}`);
    const json = JSON.parse(cli(['analyze', cap, '--json']).stdout) as { diagnostics: { id: string; count: number }[] };
    expect(json.diagnostics).toContainEqual(expect.objectContaining({ id: 'damaged', count: 100 }));
    expect(cli(['info', cap]).stdout).toContain(line);
    const ex = cli(['export', cap, '-o', path.join(dir, 'cut.pftrace')]);
    expect(ex.status).toBe(0);
    expect(ex.stderr).toContain(`lifeline: ${line}`);
  });

  it('an intact capture says nothing of the kind', () => {
    expect(cli(['analyze', path.join(ROOT, 'fixtures/ring.db')]).stdout).not.toContain('DAMAGED');
  });
});
