import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PAGE_NAMES_SQL, pageStatementSql } from '../../../src/capture/sqlite/pages.js';
import { loadPack } from '../../../src/capture/sqlite-pack.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures');

/**
 * A page's columns are aggregated by one statement each, and stay aligned row for row only because
 * the statement visits the rows in rowid order: one range search of the rowid b-tree, nothing
 * materialized or sorted in between. This is SQLite's own account of the plan.
 */
describe('the SQLite page statements', () => {
  for (const name of ['sleeper-stress.db', 'pingpong.db']) {
    it(`are one rowid range search of ${name}`, () => {
      const db = new Database(path.join(fixtures, name), { readonly: true, fileMustExist: true });
      try {
        // the packed statement (the extension loaded), the text one, the names
        expect(loadPack(db)).toBe(true);
        for (const sql of [pageStatementSql(db, true), pageStatementSql(db, false), PAGE_NAMES_SQL]) {
          const plan = db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(1, 32768)
            .map((r) => (r as { detail: string }).detail);
          expect(plan).toEqual(['SEARCH events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)']);
        }
      } finally {
        db.close();
      }
    });
  }
});
