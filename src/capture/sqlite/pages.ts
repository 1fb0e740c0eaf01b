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
import { loadPack } from '../sqlite-pack.js';

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

/**
 * One page as a single pack (native/sqlite-pack.c): ts as doubles, then every other numeric column
 * as int32, in NUMERIC_COLUMNS order; NULL when a value is not an integer. The same range scan as
 * pageSql, whose plan the same tests check.
 */
function packedPageSql(hasStack: boolean): string {
  const cols = NUMERIC_COLUMNS.map((c) => (c !== 'stack' ? c : hasStack ? 'ifnull(stack, 0)' : '0'));
  return `SELECT count(*), count(name), ll_pack_page(${cols.join(', ')})
  FROM events WHERE rowid BETWEEN ? AND ? AND kind <> ${KIND_META}`;
}

/** The names of one page's rows, NULL for a row without one (json_group_array keeps the NULLs that align them). */
export const PAGE_NAMES_SQL = `SELECT json_group_array(name) FROM events WHERE rowid BETWEEN ? AND ? AND kind <> ${KIND_META}`;

/** The page statement, packed (the extension loaded into `db`) or as text, for a test of its plan. */
export function pageStatementSql(db: Database.Database, packed: boolean): string {
  return packed ? packedPageSql(hasStackColumn(db)) : pageSql(hasStackColumn(db));
}

/** Format 2 captures have no stack column: their rows read with stack 0. */
function hasStackColumn(db: Database.Database): boolean {
  return db.prepare("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'stack'").pluck().get() === 1;
}

type PageRow = [number, number, ...Array<string | null>];
type PackedRow = [number, number, Buffer | null];
/**
 * SQLite's page cache of a connection that reads pages (KiB): a page's rowid range (some 1 MB of
 * the file for 32,768 rows) is scanned once, and once more for the names of a page that has some,
 * so the cache holds one range, not better-sqlite3's 16 MB.
 */
const PAGE_CACHE_KIB = 2048;

/** Bytes per row of a pack: ts as a double, the other numeric columns as int32. */
const PACKED_ROW_BYTES = 8 + (NUMERIC_COLUMNS.length - 1) * 4;

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
  /** Whether pages come packed (the extension loaded) or as text. */
  readonly packed: boolean;
  private readonly stmt: Database.Statement;
  /** The text statement: every page when not packed, and a page the pack refused (to say what is wrong in it). */
  private readonly textStmt: Database.Statement;
  private readonly namesStmt: Database.Statement;
  private scratch = new Float64Array(0);

  constructor(
    private readonly path: string,
    db: Database.Database,
    private readonly layout: SqliteLayout,
    /** The meta's CPU count, the bound of the rows' CPU numbers (check-rows.ts). */
    private readonly cpus: number,
    /** Read pages packed when the extension loads (the default), or always as text (tests). */
    pack = true,
  ) {
    this.pages = layout.starts.length;
    // this connection reads pages, each range once or twice in a row: see PAGE_CACHE_KIB
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    this.packed = pack && loadPack(db);
    const hasStack = hasStackColumn(db);
    this.textStmt = db.prepare(pageSql(hasStack)).raw(true);
    this.stmt = this.packed ? db.prepare(packedPageSql(hasStack)).raw(true) : this.textStmt;
    this.namesStmt = db.prepare(PAGE_NAMES_SQL).pluck();
  }

  read(page: number): EventBatch {
    const { starts, last } = this.layout;
    const first = starts[page]!;
    const end = page + 1 < starts.length ? starts[page + 1]! - 1 : last;
    let row: PageRow | PackedRow;
    let names: Array<string | null> = [];
    try {
      row = this.stmt.get(first, end) as PageRow | PackedRow;
      if (row[1] > 0) names = JSON.parse(String(this.namesStmt.get(first, end) ?? '[]')) as Array<string | null>;
    } catch (err) {
      throw captureErrors.damaged(this.path, msg.damageSqlite(firstLine(err)));
    }
    const n = row[0];
    const out = allocBatch(n);
    out.length = n;
    if (!this.packed) this.parse(row as PageRow, out);
    else if (!this.unpack(row as PackedRow, out)) {
      // a value that is not an integer: the text path reads the page again and says which column
      let text: PageRow;
      try {
        text = this.textStmt.get(first, end) as PageRow;
      } catch (err) {
        throw captureErrors.damaged(this.path, msg.damageSqlite(firstLine(err)));
      }
      this.parse(text, out);
    }
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (typeof name === 'string') out.names.set(i, name);
    }
    checkRows(this.path, out, this.cpus, () => msg.damageWhereSqlite(first, end));
    return out;
  }

  /** A packed page into the batch: ts as doubles, then each other column as int32; false when the pack refused it. */
  private unpack(row: PackedRow, out: EventBatch): boolean {
    const n = row[0];
    const pack = row[2];
    if (pack === null || pack.length !== n * PACKED_ROW_BYTES) return false;
    // copied to aligned memory (a Buffer may start anywhere), then into each column's array
    const bytes = new Uint8Array(out.ts.buffer, out.ts.byteOffset, n * 8);
    bytes.set(pack.subarray(0, n * 8));
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    const ints = new Int32Array(this.scratch.buffer, 0, n);
    const intBytes = new Uint8Array(this.scratch.buffer, 0, n * 4);
    NUMERIC_COLUMNS.forEach((col, j) => {
      if (col === 'ts') return;
      const at = n * 8 + (j - 1) * n * 4;
      intBytes.set(pack.subarray(at, at + n * 4));
      out[col].set(ints);
    });
    return true;
  }

  /** A page of comma-separated columns into the batch. */
  private parse(row: PageRow, out: EventBatch): void {
    const [n, , ...lists] = row;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    NUMERIC_COLUMNS.forEach((col, j) => {
      const target = col === 'ts' ? out.ts : this.scratch;
      if (parseIntegers(lists[j] ?? '', target) !== n)
        throw captureErrors.damaged(this.path, msg.damageSqlite(`column ${col} has NULLs or non-integers`));
      if (col !== 'ts') out[col].set(this.scratch.subarray(0, n));
    });
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
