/**
 * The events of an SQLite capture as pages: rowid ranges of `pageRows`, each
 * read with one query that aggregates every numeric column into one
 * comma-separated string (far fewer JS values than a row at a time), parsed
 * straight into the batch's typed arrays. Pages are independent, so several
 * connections (workers) can read them at once.
 */
import type Database from 'better-sqlite3';
import { msg } from '../messages.js';
import { Kind } from '../record/event-layout.js';
import { captureErrors, firstLine } from './capture-errors.js';
import { allocBatch, NUMERIC_COLUMNS, type EventBatch } from './event-batch.js';
import type { PageSource } from './page-source.js';

/** Rowids per page (the writer's rowids are dense: one page holds up to this many events). */
export const SQLITE_PAGE_ROWS = 32768;

/**
 * The aggregates all consume the subquery's rows in its rowid order, so the
 * columns stay aligned row for row. Names are few: json_group_array keeps
 * the NULLs that align them.
 */
const PAGE_SQL = `SELECT count(*), count(name),
  ${NUMERIC_COLUMNS.map((c) => `group_concat(${c})`).join(', ')}, json_group_array(name)
  FROM (SELECT rowid, * FROM events WHERE rowid BETWEEN ? AND ? AND kind <> ${Kind.META} ORDER BY rowid)`;

type PageRow = [number, number, ...Array<string | null>];

export class SqlitePages implements PageSource {
  readonly pages: number;
  /** First rowid, and rowids per page. */
  private readonly base: number;
  private readonly width: number;
  private readonly stmt: Database.Statement;
  private scratch = new Float64Array(0);

  constructor(
    private readonly path: string,
    db: Database.Database,
    readonly pageRows = SQLITE_PAGE_ROWS,
  ) {
    const [min, max] = db.prepare('SELECT min(rowid), max(rowid) FROM events').raw(true).get() as [number | null, number | null];
    this.base = min ?? 1;
    const span = max === null || min === null ? 0 : max - min + 1;
    let width = pageRows;
    if (span > pageRows * 1024) {
      // Rowids far sparser than the recorder writes them (rows inserted by hand): widen the
      // pages so that there are about as many as the rows need.
      const rows = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
      width = Math.max(pageRows, Math.ceil(span / Math.max(1, Math.ceil(rows / pageRows))));
    }
    this.width = width;
    this.pages = Math.ceil(span / width);
    this.stmt = db.prepare(PAGE_SQL).raw(true);
  }

  read(page: number): EventBatch {
    const first = this.base + page * this.width;
    let row: PageRow;
    try {
      row = this.stmt.get(first, first + this.width - 1) as PageRow;
    } catch (err) {
      throw captureErrors.damaged(this.path, msg.damageSqlite(firstLine(err)));
    }
    const [n, named, ...lists] = row;
    const out = allocBatch(n);
    out.length = n;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    NUMERIC_COLUMNS.forEach((col, j) => {
      const target = col === 'ts' ? out.ts : this.scratch;
      if (parseIntegers(lists[j] ?? '', target) !== n) throw captureErrors.damaged(this.path, msg.damageSqlite(`column ${col} has NULLs or non-integers`));
      if (col !== 'ts') out[col].set(this.scratch.subarray(0, n));
    });
    if (named > 0) {
      const names = JSON.parse(lists[NUMERIC_COLUMNS.length] ?? '[]') as Array<string | null>;
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (typeof name === 'string') out.names.set(i, name);
      }
    }
    return out;
  }

  close(): void {
    // The connection belongs to the caller.
  }
}

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;

/**
 * Parses a comma-separated list of decimal integers into `out`; returns how
 * many there were (-1 on anything else, e.g. a float or text).
 */
function parseIntegers(list: string, out: Float64Array): number {
  const len = list.length;
  if (len === 0) return 0;
  let k = 0;
  let v = 0;
  let neg = false;
  let digits = 0;
  for (let i = 0; i < len; i++) {
    const ch = list.charCodeAt(i);
    if (ch === COMMA) {
      if (digits === 0 || k >= out.length) return -1;
      out[k++] = neg ? -v : v;
      v = 0;
      neg = false;
      digits = 0;
    } else if (ch === MINUS && digits === 0 && !neg) {
      neg = true;
    } else {
      const d = ch - ZERO;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
      digits++;
    }
  }
  if (digits === 0 || k >= out.length) return -1;
  out[k++] = neg ? -v : v;
  return k;
}
