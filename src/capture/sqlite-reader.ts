/**
 * Reads an SQLite capture without modifying it: opened read-only (a -wal
 * left by a killed recorder is read through SQLite's own WAL index), and
 * when that is impossible (a -wal in a directory we may not write to) from a
 * private copy in the temp directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { Kind } from '../record/event-layout.js';
import { captureErrors, firstLine } from './capture-errors.js';
import { allocBatch, NUMERIC_COLUMNS, type EventBatch } from './event-batch.js';
import type { CaptureMeta } from './meta.js';
import { metaFromRows } from './meta-codec.js';
import { reorderBatches } from './reorder.js';
import type { Capture } from './types.js';

/** Rows fetched per query while reading. */
export const SQLITE_READ_ROWS = 65536;

const HEADER_SIZE = 100;

/** Refuses a database file shorter than its own header says (e.g. cut in half by a copy). */
function checkLength(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const header = Buffer.alloc(HEADER_SIZE);
    const got = fs.readSync(fd, header, 0, HEADER_SIZE, 0);
    if (got < HEADER_SIZE) throw captureErrors.damaged(path, msg.damageShort(size, HEADER_SIZE));
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    // The in-header page count is valid only when both change counters agree.
    const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
    const hasWal = fs.existsSync(`${path}-wal`);
    if (countValid && !hasWal && pages * pageSize > size) {
      throw captureErrors.damaged(path, msg.damageShort(size, pages * pageSize));
    }
  } finally {
    fs.closeSync(fd);
  }
}

interface SqliteErrorLike {
  code?: unknown;
  message: string;
}

function sqliteCode(err: unknown): string {
  const code = (err as SqliteErrorLike | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Library errors while reading become one-line LifelineErrors. */
function asCaptureError(path: string, err: unknown): Error {
  if (err instanceof LifelineError) return err;
  return captureErrors.damaged(path, msg.damageSqlite(firstLine(err)));
}

interface OpenedDb {
  db: Database.Database;
  /** Removes a private copy made for reading, if any. */
  cleanup: () => void;
}

function probe(db: Database.Database): void {
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
}

/** Read-only open; falls back to a private copy when the WAL cannot be read in place. */
function openDb(path: string): OpenedDb {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    probe(db);
    return { db, cleanup: () => undefined };
  } catch (err) {
    db?.close();
    const code = sqliteCode(err);
    const walBlocked = code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY');
    if (!walBlocked || !fs.existsSync(`${path}-wal`)) throw asCaptureError(path, err);
  }
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'lifeline-read-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const copy = nodePath.join(dir, 'capture.db');
    fs.copyFileSync(path, copy);
    fs.copyFileSync(`${path}-wal`, `${copy}-wal`);
    const copyDb = new Database(copy, { fileMustExist: true });
    probe(copyDb);
    return { db: copyDb, cleanup };
  } catch (err) {
    cleanup();
    throw asCaptureError(path, err);
  }
}

function readMeta(path: string, db: Database.Database): CaptureMeta {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name IN ('meta', 'events')").all();
  if (table.length < 2) throw captureErrors.foreignSqlite(path);
  const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
  const meta = metaFromRows(path, rows);
  if (!meta) throw captureErrors.foreignSqlite(path);
  if (!meta.complete) {
    // A recorder killed mid-run never wrote its final count: count what is there.
    const row = db.prepare(`SELECT count(*) AS n FROM events WHERE kind <> ${Kind.META}`).get() as { n: number };
    meta.events = row.n;
  }
  return meta;
}

export function openSqliteCapture(path: string): Capture {
  checkLength(path);
  const { db, cleanup } = openDb(path);
  try {
    const meta = readMeta(path, db);
    return new SqliteCapture(path, db, meta, cleanup);
  } catch (err) {
    db.close();
    cleanup();
    throw asCaptureError(path, err);
  }
}

/**
 * One page of events per query, each numeric column aggregated into one
 * comma-separated string: far fewer JS values than a row at a time (about
 * twice as fast to read). The aggregates all consume the subquery's rows in
 * its rowid order, so the columns stay aligned row for row.
 */
const PAGE_SQL = `SELECT count(*), max(rowid), count(name),
  ${NUMERIC_COLUMNS.map((c) => `group_concat(${c})`).join(', ')}, json_group_array(name)
  FROM (SELECT rowid, * FROM events WHERE rowid > ? AND kind <> ${Kind.META} ORDER BY rowid LIMIT ?)`;

type PageRow = [number, number | null, number, ...Array<string | null>];

function parseNumbers(list: string | null | undefined): number[] {
  return list ? (JSON.parse(`[${list}]`) as number[]) : [];
}

class SqliteCapture implements Capture {
  readonly format = 'sqlite' as const;
  private readonly page: Database.Statement;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly db: Database.Database,
    readonly meta: CaptureMeta,
    private readonly cleanup: () => void,
  ) {
    this.page = db.prepare(PAGE_SQL).raw(true);
  }

  batches(): AsyncIterable<EventBatch> {
    return reorderBatches(this.fileOrder());
  }

  /** Events in file (rowid) order, a page at a time. */
  async *fileOrder(): AsyncGenerator<EventBatch> {
    let after = 0;
    for (;;) {
      const { batch, lastRowid } = this.readPage(after);
      if (batch.length === 0) return;
      after = lastRowid;
      yield batch;
      if (batch.length < SQLITE_READ_ROWS) return;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.cleanup();
  }

  private readPage(after: number): { batch: EventBatch; lastRowid: number } {
    let row: PageRow;
    try {
      row = this.page.get(after, SQLITE_READ_ROWS) as PageRow;
    } catch (err) {
      throw asCaptureError(this.path, err);
    }
    const [n, lastRowid, named] = row;
    const lists = row.slice(3) as Array<string | null>;
    const out = allocBatch(n);
    out.length = n;
    NUMERIC_COLUMNS.forEach((col, j) => out[col].set(parseNumbers(lists[j])));
    if (named > 0) {
      const names = JSON.parse(lists[NUMERIC_COLUMNS.length] ?? '[]') as Array<string | null>;
      names.forEach((name, i) => {
        if (name !== null) out.names.set(i, name);
      });
    }
    return { batch: out, lastRowid: lastRowid ?? after };
  }
}
