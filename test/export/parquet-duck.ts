/** DuckDB as the independent reader of the Parquet exports (a devDependency: tests only). */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let conn: Promise<DuckDBConnection> | null = null;

async function connection(): Promise<DuckDBConnection> {
  conn ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return conn;
}

/** The rows of a query, values as JSON-safe values (BIGINT as strings, turned back to numbers here). */
export async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const c = await connection();
  const r = await c.runAndReadAll(sql);
  return r.getRowObjectsJson().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row))
      out[k] = typeof v === 'string' && /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    return out;
  });
}

/** A path as a DuckDB string literal. */
export function lit(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}
