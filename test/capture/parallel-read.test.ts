import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaptureErrorCode } from '../../src/capture/capture-errors.js';
import { LifelineError } from '../../src/errors.js';
import { SQLITE_PAGE_ROWS } from '../../src/capture/sqlite-pages.js';
import { errorOf, EXT, readRows, tempDir, writeCapture } from './helpers.js';
import { expectedOrder, syntheticRows, toBatches } from './synthetic.js';

// Pages read by worker threads (parallel-pages.ts) must give exactly the stream read in one thread.
describe('reading pages in worker threads', () => {
  const dir = tempDir();
  // Several SQLite pages and many Arrow batches; CPUs skewed so that the seams between pages need merging.
  const rows = syntheticRows({ events: 3 * SQLITE_PAGE_ROWS + 1234, seed: 5, cpus: 4, skewNs: 300_000 });

  for (const format of ['sqlite', 'arrow'] as const) {
    it(`${format}: workers yield the same events, in ts order, as the calling thread`, async () => {
      const file = await writeCapture(path.join(dir, `pages.${EXT[format]}`), format, toBatches(rows, 20_000));
      const here = await readRows(file, { workers: 0 });
      const two = await readRows(file, { workers: 2 });
      expect(here.rows).toHaveLength(rows.length);
      expect(two.rows).toEqual(here.rows);
      expect(here.rows).toEqual(expectedOrder(rows));
    });
  }

  it('reads an SQLite capture whose rowids were made sparse by hand (rows deleted, one far away)', async () => {
    const file = await writeCapture(path.join(dir, 'sparse.db'), 'sqlite', toBatches(rows, 20_000));
    const db = new Database(file);
    db.exec('DELETE FROM events WHERE rowid BETWEEN 1000 AND 40000');
    db.exec(`INSERT INTO events(rowid, ts, cpu, kind, flags, tid, tid2, a, b, c, name)
      SELECT 1e12, ts + 1, cpu, kind, flags, tid, tid2, a, b, c, name FROM events WHERE rowid = 999`);
    const left = db.prepare('SELECT count(*) FROM events WHERE kind <> 15').pluck().get() as number;
    db.close();
    for (const workers of [0, 2]) {
      const got = await readRows(file, { workers });
      expect(got.rows).toHaveLength(left);
      expect(got.rows.every((r, i) => i === 0 || r.ts >= got.rows[i - 1]!.ts)).toBe(true);
    }
  });

  it('a page that cannot be read in a worker fails with one line, not a crash', async () => {
    const file = await writeCapture(path.join(dir, 'damaged.db'), 'sqlite', toBatches(rows, 20_000));
    // Overwrite the middle third of the file (table pages), keeping the header and schema readable.
    const fd = fs.openSync(file, 'r+');
    const size = fs.fstatSync(fd).size;
    const third = Math.floor(size / 3);
    fs.writeSync(fd, Buffer.alloc(third, 0xa5), 0, third, third);
    fs.closeSync(fd);
    const err = await errorOf(() => readRows(file, { workers: 2 }));
    expect(err).toBeInstanceOf(LifelineError);
    expect((err as LifelineError).code).toBe(CaptureErrorCode.DAMAGED);
    expect(err.message).toMatch(/damaged\.db is truncated or damaged: SQLite says/);
    expect(err.message).not.toContain('\n');
  });
});
