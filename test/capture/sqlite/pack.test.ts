/**
 * The packed page read (native/sqlite-pack.c) and the text one (group_concat) must give the same
 * batches, and the same damage for a value that is not an integer, whatever the values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { NUMERIC_COLUMNS, type EventBatch } from '../../../src/capture/event-batch.js';
import { SqlitePages, sqlitePageLayout } from '../../../src/capture/sqlite/pages.js';
import { loadPack } from '../../../src/capture/sqlite-pack.js';

const fixtures = path.resolve(import.meta.dirname, '../../../fixtures');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-pack-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Each page of `file` read packed and as text: its columns and names, or the error it raised. */
function pagesBothWays(file: string, pageRows: number): { packed: unknown[]; text: unknown[]; wasPacked: boolean } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const layout = sqlitePageLayout(db, pageRows);
    const cpus = 64;
    const packed = new SqlitePages(file, db, layout, cpus);
    const text = new SqlitePages(file, db, layout, cpus, false);
    const read = (p: SqlitePages) =>
      Array.from({ length: p.pages }, (_, i) => {
        try {
          return columns(p.read(i));
        } catch (err) {
          return `error: ${(err as Error).message}`;
        }
      });
    return { packed: read(packed), text: read(text), wasPacked: packed.packed };
  } finally {
    db.close();
  }
}

function columns(b: EventBatch): Record<string, unknown> {
  const out: Record<string, unknown> = { length: b.length, names: [...b.names] };
  for (const c of NUMERIC_COLUMNS) out[c] = Array.from(b[c].subarray(0, b.length));
  return out;
}

describe('SQLite pages, packed and as text', () => {
  it('the extension loads here (it is built with the addon)', () => {
    const db = new Database(':memory:');
    try {
      expect(loadPack(db)).toBe(true);
      expect(db.prepare('SELECT length(ll_pack_page(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))').pluck().get()).toBe(44);
    } finally {
      db.close();
    }
  });

  for (const name of ['sleeper-stress.db', 'pingpong.db', 'ring.db']) {
    it(`read ${name} alike, page by page`, () => {
      const { packed, text, wasPacked } = pagesBothWays(path.join(fixtures, name), 1000);
      expect(wasPacked).toBe(true);
      expect(packed.length).toBeGreaterThan(1);
      expect(packed.every((p) => typeof p === 'object')).toBe(true);
      expect(packed).toEqual(text);
    });
  }

  it('wrap, refuse and accept alike: values beyond 32 bits, negative, NULL, REAL and numeric TEXT', () => {
    const file = path.join(dir, 'odd.db');
    fs.copyFileSync(path.join(fixtures, 'pingpong.db'), file);
    const db = new Database(file);
    const ids = db.prepare('SELECT rowid FROM events WHERE kind <> 255 ORDER BY rowid').pluck().all() as number[];
    const set = (col: string, v: unknown, k: number) =>
      db.prepare(`UPDATE events SET ${col} = ? WHERE rowid = ?`).run(v, ids[k]!);
    // pages of 100 rows: each change below lands in a page of its own
    set('a', -7, 10);
    set('c', 2 ** 32 - 1, 120); // wraps to -1 in an Int32Array, both ways
    set('b', 2 ** 40 + 3, 230);
    set('tid2', null, 340); // damaged
    set('a', 1.5, 450); // damaged
    db.prepare('UPDATE events SET flags = CAST(? AS TEXT) WHERE rowid = ?').run('0', ids[560]!); // text that reads as a number
    db.close();
    const { packed, text } = pagesBothWays(file, 100);
    expect(packed).toEqual(text);
    const errors = packed.filter((p) => typeof p === 'string') as string[];
    expect(errors.some((e) => /tid2 has NULLs or non-integers/.test(e))).toBe(true);
    expect(errors.some((e) => /column a has NULLs or non-integers/.test(e))).toBe(true);
  });
});
