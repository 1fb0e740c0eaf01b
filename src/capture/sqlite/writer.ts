/**
 * Writes a capture as an SQLite database: WAL journal, one transaction per
 * appended batch, so a recorder killed after append() returned leaves every
 * appended batch in the file (or in its -wal, which readers recover).
 */
import Database from 'better-sqlite3';
import type { EventBatch } from '../event-batch.js';
import { captureBytes } from '../write/file-size.js';
import type { CaptureMeta } from '../meta.js';
import { metaToRows } from '../meta-codec.js';
import { captureDdl, EVENT_COLUMNS } from './schema.js';
import type { CaptureWriter } from '../types.js';
import { sliceRows } from '../batch-rows.js';
import { captureWriteError, isDiskFull, isWriteFailure, MIN_FIT_ROWS } from '../write/write-failure.js';

/** Rows per multi-row INSERT: fewer statement steps, same per-value binding. */
const ROWS_PER_INSERT = 64;
const WIDTH = EVENT_COLUMNS.length;

function insertSql(rows: number): string {
  const one = `(${EVENT_COLUMNS.map(() => '?').join(',')})`;
  return `INSERT INTO events VALUES ${new Array<string>(rows).fill(one).join(',')}`;
}

export class SqliteCaptureWriter implements CaptureWriter {
  readonly format = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly insertMany: Database.Statement;
  private readonly insertOne: Database.Statement;
  private readonly params = new Array<number | string | null>(ROWS_PER_INSERT * WIDTH).fill(null);
  private readonly row = new Array<number | string | null>(WIDTH).fill(null);
  private readonly appendTx: (batch: EventBatch) => void;
  private readonly writeMetaTx: (meta: CaptureMeta) => void;
  private events = 0;
  private closed = false;
  /** The meta written when the capture was created, for the count kept after a failed write. */
  private readonly startMeta: CaptureMeta;
  /** finish() wrote the final meta (complete, with every count). */
  private finalMeta = false;

  /** Creates the database at `path`, which must not exist or be empty. */
  constructor(
    readonly path: string,
    meta: CaptureMeta,
  ) {
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`BEGIN; ${captureDdl()} COMMIT;`);
      const upsertMeta = this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
      this.writeMetaTx = this.db.transaction((m: CaptureMeta) => {
        for (const [key, value] of metaToRows(m)) upsertMeta.run(key, value);
      });
      this.startMeta = meta;
      this.writeMetaTx({ ...meta, complete: false, events: 0 });
      this.insertMany = this.db.prepare(insertSql(ROWS_PER_INSERT));
      this.insertOne = this.db.prepare(insertSql(1));
      this.appendTx = this.db.transaction((batch: EventBatch) => this.insertRows(batch));
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  append(batch: EventBatch): void {
    if (batch.length === 0 || this.closed) return;
    try {
      this.appendTx(batch);
    } catch (e) {
      if (!isDiskFull(e)) throw this.failed(e);
      this.appendWhatFits(batch, e);
      return;
    }
    this.events += batch.length;
  }

  /**
   * The disk is full: the batch's transaction was rolled back. Keep as many of its rows as
   * still fit, in order, in smaller transactions; then stop (unless, smaller, all of it fit).
   */
  private appendWhatFits(batch: EventBatch, cause: unknown): void {
    let start = 0;
    for (let size = batch.length >> 1; size >= MIN_FIT_ROWS && start < batch.length;) {
      const end = Math.min(batch.length, start + size);
      try {
        this.appendTx(sliceRows(batch, start, end));
      } catch (e) {
        if (!isDiskFull(e)) throw this.failed(e);
        size >>= 1;
        continue;
      }
      this.events += end - start;
      start = end;
    }
    if (start < batch.length) throw this.failed(cause);
  }

  async finish(meta: CaptureMeta): Promise<void> {
    if (this.closed) return;
    try {
      this.writeMetaTx({ ...meta, events: this.events, complete: true });
      this.finalMeta = true;
      // Fold the WAL back so the finished capture is one self-contained file.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.pragma('journal_mode = DELETE');
    } catch (e) {
      throw this.failed(e);
    }
    this.db.close();
    this.closed = true;
  }

  /**
   * A write the file system refused (the disk full): the failed transaction was rolled back,
   * so every batch appended before it stays in the database (or its -wal, which readers
   * recover). Close what can be closed and say so; the writer takes nothing more.
   */
  private failed(e: unknown): unknown {
    if (!isWriteFailure(e)) return e;
    this.closed = true;
    // the count of events kept, if there is room for it; the capture stays incomplete (unless
    // the final meta is written already: then only folding the -wal back failed)
    if (!this.finalMeta) {
      try {
        this.writeMetaTx({ ...this.startMeta, events: this.events, complete: false });
      } catch {
        // no room: the reader counts the rows itself
      }
    }
    try {
      this.db.close();
    } catch {
      // closing cannot fold the -wal back: it stays beside the file, and readers recover it
    }
    return captureWriteError(this.path, this.events, e);
  }

  bytes(): number {
    return captureBytes(this.path);
  }

  private insertRows(batch: EventBatch): void {
    const { ts, cpu, kind, flags, tid, tid2, a, b, c, stack, names } = batch;
    const n = batch.length;
    const hasNames = names.size > 0;
    const p = this.params;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
      let q = 0;
      for (let r = i; r < i + ROWS_PER_INSERT; r++) {
        p[q++] = ts[r]!;
        p[q++] = cpu[r]!;
        p[q++] = kind[r]!;
        p[q++] = flags[r]!;
        p[q++] = tid[r]!;
        p[q++] = tid2[r]!;
        p[q++] = a[r]!;
        p[q++] = b[r]!;
        p[q++] = c[r]!;
        p[q++] = hasNames ? (names.get(r) ?? null) : null;
        p[q++] = stack[r]!;
      }
      this.insertMany.run(p);
    }
    const row = this.row;
    for (; i < n; i++) {
      row[0] = ts[i]!;
      row[1] = cpu[i]!;
      row[2] = kind[i]!;
      row[3] = flags[i]!;
      row[4] = tid[i]!;
      row[5] = tid2[i]!;
      row[6] = a[i]!;
      row[7] = b[i]!;
      row[8] = c[i]!;
      row[9] = hasNames ? (names.get(i) ?? null) : null;
      row[10] = stack[i]!;
      this.insertOne.run(row);
    }
  }
}
