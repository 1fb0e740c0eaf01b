import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rowAt, type EventBatch, type EventRow } from '../../src/capture/event-batch.js';
import type { PageSource, PageSpec } from '../../src/capture/pages/pages.js';
import { readPages } from '../../src/capture/pages/parallel-pages.js';
import { SQLITE_PAGE_ROWS, SqlitePages, sqlitePageLayout } from '../../src/capture/sqlite/pages.js';
import { LifelineError } from '../../src/errors.js';
import { errorOf, EXT, readRows, tempDir, writeCapture } from './helpers.js';
import { expectedOrder, syntheticRows, toBatches } from './synthetic.js';

// Pages read by worker threads (parallel-pages.ts, whose worker runs the compiled dist/ code)
// must give exactly the stream read in one thread.
describe('reading pages in worker threads', () => {
  const dir = tempDir();
  // Several SQLite pages and many Arrow batches; CPUs skewed so that the seams between pages need merging.
  const rows = syntheticRows({ events: 3 * SQLITE_PAGE_ROWS + 1234, seed: 5, cpus: 2, skewNs: 300_000 });

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

  /** An SQLite capture's pages (small ones: many of them) and the spec workers open them with. */
  async function sqlitePages(file: string, workerPath = file) {
    const db = new Database(file, { readonly: true });
    const layout = sqlitePageLayout(db, 5000);
    const local = new SqlitePages(file, db, layout, 0);
    const spec: PageSpec = { format: 'sqlite', path: workerPath, shownAs: file, ...layout, cpus: 0 };
    return { db, local, spec };
  }

  async function collect(gen: AsyncGenerator<EventBatch>): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for await (const b of gen) for (let i = 0; i < b.length; i++) out.push(rowAt(b, i));
    return out;
  }

  it('pages read only by workers come back whole and in page order', async () => {
    const file = await writeCapture(path.join(dir, 'only-workers.db'), 'sqlite', toBatches(rows, 20_000));
    const { db, local, spec } = await sqlitePages(file);
    try {
      const served = { workers: 0, main: 0 };
      const got = await collect(readPages(local, spec, 2, { mainThreadHelps: false, served }));
      const here = await collect(readPages(local, spec, 0));
      expect(served).toEqual({ workers: local.pages, main: 0 });
      expect(local.pages).toBeGreaterThan(10);
      expect(got).toEqual(here);
    } finally {
      db.close();
    }
  });

  /** The pages of `local` from memory: the calling thread reads them at once, where a worker queries SQLite. */
  function inMemory(local: SqlitePages, fail = (_page: number): Error | null => null): PageSource {
    const pages = Array.from({ length: local.pages }, (_, p) => local.read(p));
    return {
      pages: pages.length,
      read: (p) => {
        const e = fail(p);
        if (e !== null) throw e;
        return pages[p]!;
      },
      close: () => undefined,
    };
  }

  /** Reads every page, pausing after the first (the worker is then ready and holds its share); page numbers too. */
  async function readAfterPause(gen: AsyncGenerator<EventBatch>, seen: number[] = []): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for await (const b of gen) {
      if (out.length === 0) await new Promise((r) => setTimeout(r, 300));
      seen.push(seen.length);
      for (let i = 0; i < b.length; i++) out.push(rowAt(b, i));
    }
    return out;
  }

  it('the calling thread reads the next pages itself rather than wait for a busy worker, each page once', async () => {
    const file = await writeCapture(path.join(dir, 'ahead.db'), 'sqlite', toBatches(rows, 20_000));
    const { db, local, spec } = await sqlitePages(file);
    try {
      const served = { workers: 0, main: 0 };
      const got = await readAfterPause(readPages(inMemory(local), spec, 1, { served }));
      expect(got).toEqual(await collect(readPages(local, spec, 0)));
      expect(served.workers + served.main).toBe(local.pages);
      // past the pause the worker holds the next pages; waiting for it, the calling thread would read none
      expect(served.main).toBeGreaterThan(local.pages / 3);
      expect(served.workers).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('a page the calling thread read ahead and could not read fails the read when its turn comes, not before', async () => {
    const file = await writeCapture(path.join(dir, 'ahead-damaged.db'), 'sqlite', toBatches(rows, 20_000));
    const { db, local, spec } = await sqlitePages(file);
    const from = 5;
    // the calling thread cannot read pages from the fifth on (the worker can)
    const fail = (p: number) => (p >= from ? new LifelineError('CAPTURE_DAMAGED', `page ${p} is damaged`) : null);
    try {
      const seen: number[] = [];
      const err = await errorOf(() => readAfterPause(readPages(inMemory(local, fail), spec, 1), seen));
      expect(err).toBeInstanceOf(LifelineError);
      expect((err as LifelineError).code).toBe('CAPTURE_DAMAGED');
      // every page before the failed one came, in order
      const failed = Number(/page (\d+)/.exec(err.message)![1]);
      expect(failed).toBeGreaterThanOrEqual(from);
      expect(seen).toEqual(Array.from({ length: failed }, (_, i) => i));
    } finally {
      db.close();
    }
  });

  it('workers that cannot open the file leave the pages to the calling thread', async () => {
    const file = await writeCapture(path.join(dir, 'no-workers.db'), 'sqlite', toBatches(rows, 20_000));
    const { db, local, spec } = await sqlitePages(file, path.join(dir, 'not-there.db'));
    try {
      const served = { workers: 0, main: 0 };
      const got = await collect(readPages(local, spec, 2, { mainThreadHelps: false, served }));
      expect(served).toEqual({ workers: 0, main: local.pages });
      expect(got).toEqual(await collect(readPages(local, spec, 0)));
    } finally {
      db.close();
    }
  });

  it('a page that a worker cannot read fails the read with one line', async () => {
    const file = await writeCapture(path.join(dir, 'damaged.db'), 'sqlite', toBatches(rows, 20_000));
    // The workers read a damaged copy, the calling thread the whole file: the error can only come from a worker.
    const copy = path.join(dir, 'damaged-copy.db');
    fs.copyFileSync(file, copy);
    const { db, local, spec } = await sqlitePages(file, copy);
    // Overwrite the middle third of the copy (table pages), keeping the header and schema readable.
    const fd = fs.openSync(copy, 'r+');
    const size = fs.fstatSync(fd).size;
    const third = Math.floor(size / 3);
    fs.writeSync(fd, Buffer.alloc(third, 0xa5), 0, third, third);
    fs.closeSync(fd);
    try {
      const err = await errorOf(() => collect(readPages(local, spec, 2, { mainThreadHelps: false })));
      expect(err).toBeInstanceOf(LifelineError);
      expect((err as LifelineError).code).toBe('CAPTURE_DAMAGED');
      expect(err.message).toMatch(/damaged\.db is damaged: SQLite says/);
      expect(err.message).not.toContain('\n');
      // and through the capture reader, whoever reads the page
      const viaCapture = await errorOf(() => readRows(copy, { workers: 2 }));
      expect((viaCapture as LifelineError).code).toBe('CAPTURE_DAMAGED');
    } finally {
      db.close();
    }
  });

  it('reads an SQLite capture whose rowids were made sparse by hand (rows deleted, one far away)', async () => {
    const file = await writeCapture(path.join(dir, 'sparse.db'), 'sqlite', toBatches(rows, 20_000));
    const db = new Database(file);
    db.exec('DELETE FROM events WHERE rowid BETWEEN 1000 AND 40000');
    db.exec(`INSERT INTO events(rowid, ts, cpu, kind, flags, tid, tid2, a, b, c, name)
      SELECT 1e12, ts + 1, cpu, kind, flags, tid, tid2, a, b, c, name FROM events WHERE rowid = 999`);
    const left = db.prepare('SELECT count(*) FROM events WHERE kind <> 15').pluck().get() as number;
    const all = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    // cut by rank: no page holds more than a page of rows
    const layout = sqlitePageLayout(db);
    expect(layout.starts.length).toBe(Math.ceil(all / SQLITE_PAGE_ROWS));
    db.close();
    for (const workers of [0, 2]) {
      const got = await readRows(file, { workers });
      expect(got.rows).toHaveLength(left);
      expect(got.rows.every((r, i) => i === 0 || r.ts >= got.rows[i - 1]!.ts)).toBe(true);
    }
  });
});
