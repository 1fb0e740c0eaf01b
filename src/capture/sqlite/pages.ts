/**
 * The events of an SQLite capture as pages: rowid ranges of `pageRows`, each
 * read with one query that aggregates every numeric column into one
 * comma-separated string (far fewer JS values than a row at a time), parsed
 * straight into the batch's typed arrays. Pages are independent, so several
 * connections (workers) can read them at once.
 */
import type Database from 'better-sqlite3';
import { msg } from '../../messages.js';
import { KIND_META } from '../../format/index.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import { checkRows } from '../open/check-rows.js';
import { allocBatch, NUMERIC_COLUMNS, type EventBatch } from '../event-batch.js';
import type { PageSource } from '../pages/pages.js';

/** Rowids per page (the recorder's rowids are dense: a page holds up to this many events). */
export const SQLITE_PAGE_ROWS = 32768;

/**
 * One page's numeric columns, each aggregated into one string. The statement is one range scan of
 * the rowid b-tree (no subquery to materialize, no index, no sort: EXPLAIN QUERY PLAN says so, and
 * the page tests check it), which visits the rows in rowid order, so every aggregate takes them in
 * that order and the columns stay aligned row for row. Names are few: they are read by a second
 * statement, only for a page that has some (count(name)).
 */
function pageSql(hasStack: boolean): string {
  return `SELECT count(*), count(name),
  ${NUMERIC_COLUMNS.map((c) => (c !== 'stack' ? `group_concat(${c})` : hasStack ? 'group_concat(ifnull(stack, 0))' : 'group_concat(0)')).join(', ')}
  FROM events WHERE rowid BETWEEN ? AND ? AND kind <> ${KIND_META}`;
}

/** The names of one page's rows, NULL for a row without one (json_group_array keeps the NULLs that align them). */
export const PAGE_NAMES_SQL = `SELECT json_group_array(name) FROM events WHERE rowid BETWEEN ? AND ? AND kind <> ${KIND_META}`;

/** The page statement, for a test of its plan. */
export function pageStatementSql(db: Database.Database): string {
  return pageSql(hasStackColumn(db));
}

/** Format 2 captures have no stack column: their rows read with stack 0. */
function hasStackColumn(db: Database.Database): boolean {
  return db.prepare("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'stack'").pluck().get() === 1;
}

type PageRow = [number, number, ...Array<string | null>];

/** Page boundaries: page p holds the rowids in [starts[p], starts[p + 1]), the last page up to `last`. */
export interface SqliteLayout {
  starts: number[];
  last: number;
}

/**
 * Cuts the rowids into pages, once (the workers get the same boundaries).
 * The recorder's rowids are dense: pages are ranges of `pageRows` rowids.
 * Rowids far sparser than that (rows inserted by hand) are cut by rank
 * instead, in one pass, so that no page holds more than `pageRows` rows.
 */
export function sqlitePageLayout(db: Database.Database, pageRows = SQLITE_PAGE_ROWS): SqliteLayout {
  // Two queries: SQLite answers min() or max() alone from the b-tree's ends, both at once with a scan.
  const min = db.prepare('SELECT min(rowid) FROM events').pluck().get() as number | null;
  const max = db.prepare('SELECT max(rowid) FROM events').pluck().get() as number | null;
  if (min === null || max === null) return { starts: [], last: 0 };
  const span = max - min + 1;
  if (span <= pageRows * 1024) {
    const starts: number[] = [];
    for (let r = min; r <= max; r += pageRows) starts.push(r);
    return { starts, last: max };
  }
  const starts = db
    .prepare(
      'SELECT rowid FROM (SELECT rowid, row_number() OVER (ORDER BY rowid) - 1 AS k FROM events) WHERE k % ? = 0',
    )
    .pluck()
    .all(pageRows) as number[];
  return { starts, last: max };
}

export class SqlitePages implements PageSource {
  readonly pages: number;
  private readonly stmt: Database.Statement;
  private readonly namesStmt: Database.Statement;
  private scratch = new Float64Array(0);

  constructor(
    private readonly path: string,
    db: Database.Database,
    private readonly layout: SqliteLayout,
    /** The meta's CPU count, the bound of the rows' CPU numbers (check-rows.ts). */
    private readonly cpus: number,
  ) {
    this.pages = layout.starts.length;
    this.stmt = db.prepare(pageSql(hasStackColumn(db))).raw(true);
    this.namesStmt = db.prepare(PAGE_NAMES_SQL).pluck();
  }

  read(page: number): EventBatch {
    const { starts, last } = this.layout;
    const first = starts[page]!;
    const end = page + 1 < starts.length ? starts[page + 1]! - 1 : last;
    let row: PageRow;
    let names: Array<string | null> = [];
    try {
      row = this.stmt.get(first, end) as PageRow;
      if (row[1] > 0) names = JSON.parse(String(this.namesStmt.get(first, end) ?? '[]')) as Array<string | null>;
    } catch (err) {
      throw captureErrors.damaged(this.path, msg.damageSqlite(firstLine(err)));
    }
    const [n, , ...lists] = row;
    const out = allocBatch(n);
    out.length = n;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    NUMERIC_COLUMNS.forEach((col, j) => {
      const target = col === 'ts' ? out.ts : this.scratch;
      if (parseIntegers(lists[j] ?? '', target) !== n)
        throw captureErrors.damaged(this.path, msg.damageSqlite(`column ${col} has NULLs or non-integers`));
      if (col !== 'ts') out[col].set(this.scratch.subarray(0, n));
    });
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (typeof name === 'string') out.names.set(i, name);
    }
    checkRows(this.path, out, this.cpus, () => msg.damageWhereSqlite(first, end));
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
