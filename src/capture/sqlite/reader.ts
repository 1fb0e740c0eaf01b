/**
 * Reads an SQLite capture without modifying it: opened read-only (a -wal
 * left by a killed recorder is read through SQLite's own WAL index), and
 * when that is impossible (a -wal in a directory we may not write to) from a
 * private copy in the temp directory.
 */
import fs from 'node:fs';
import os, { availableParallelism } from 'node:os';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { KIND_META } from '../../format/index.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import type { EventBatch } from '../event-batch.js';
import type { CaptureMeta } from '../meta.js';
import { metaFromRows } from '../meta-codec.js';
import { readPages } from '../pages/parallel-pages.js';
import { reorderBatches } from '../open/reorder.js';
import { sqlitePageLayout, SqlitePages, type SqliteLayout } from './pages.js';
import type { Capture, ReadOptions } from '../types.js';

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
  /** The file opened: the capture, or a private copy of it. */
  readPath: string;
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
    return { db, readPath: path, cleanup: () => undefined };
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
    return { db: copyDb, readPath: copy, cleanup };
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
    const row = db.prepare(`SELECT count(*) AS n FROM events WHERE kind <> ${KIND_META}`).get() as { n: number };
    meta.events = row.n;
  }
  return meta;
}

export function openSqliteCapture(path: string): Capture {
  checkLength(path);
  const { db, readPath, cleanup } = openDb(path);
  try {
    const meta = readMeta(path, db);
    return new SqliteCapture(path, readPath, db, meta, cleanup);
  } catch (err) {
    db.close();
    cleanup();
    throw asCaptureError(path, err);
  }
}

/**
 * Reading SQLite is the heavy part of a replay: workers (defaultWorkers) read
 * pages, once there are enough of them to pay for starting the workers (and
 * their memory). Measured with packed pages (analyze, medians of
 * 5, 2 CPUs, workers against none): 19 pages (602 K events) 0.93 / 0.91 s and
 * 169 / 124 MiB; 38 pages (1.24 M) 1.16 / 1.18 s and 212 / 134 MiB; 137 pages
 * (4.47 M) 1.25 / 1.65 s and 237 / 115 MiB. Since the calling thread reads
 * pages ahead whenever it would wait for the worker, one worker on 4.2 M events
 * (pipe ping-pong, reading-bound): 1.89 -> 1.44 s (interleaved medians of 9).
 */
const WORKERS_FROM_PAGES = 64;

function defaultWorkers(pages: number): number {
  // the main thread replays beside them: one worker per other CPU, up to two (on 2 CPUs a second
  // worker gained nothing and cost 90 MiB: 4.47 M events, 1.59 s and 244 MiB against 1.60 s and 156)
  return pages >= WORKERS_FROM_PAGES ? Math.max(1, Math.min(2, availableParallelism() - 1)) : 0;
}

class SqliteCapture implements Capture {
  readonly format = 'sqlite' as const;
  private closed = false;

  constructor(
    readonly path: string,
    /** The file read: `path`, or a private copy of it. */
    private readonly readPath: string,
    private readonly db: Database.Database,
    readonly meta: CaptureMeta,
    private readonly cleanup: () => void,
  ) {}

  batches(opts: ReadOptions = {}): AsyncIterable<EventBatch> {
    const ordered = opts.ordered !== false;
    const rows = this.fileOrder(opts.workers, ordered);
    return ordered ? reorderBatches(rows) : rows;
  }

  /** Events in file (rowid) order, a page at a time (each sorted, but with `sorted` false and no workers). */
  async *fileOrder(workers: number | undefined, sorted: boolean): AsyncGenerator<EventBatch> {
    let local: SqlitePages;
    let layout: SqliteLayout;
    try {
      layout = sqlitePageLayout(this.db);
      local = new SqlitePages(this.path, this.db, layout, this.meta.cpus);
    } catch (err) {
      throw asCaptureError(this.path, err);
    }
    const spec = {
      format: 'sqlite',
      path: this.readPath,
      shownAs: this.path,
      ...layout,
      cpus: this.meta.cpus,
    } as const;
    yield* readPages(local, spec, workers ?? defaultWorkers(local.pages), { sorted });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.cleanup();
  }
}
