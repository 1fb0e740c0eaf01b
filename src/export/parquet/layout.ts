/**
 * Where the tables of a Parquet export go. Plain: DIR/<table>.parquet. Partitioned (hive style,
 * so that a directory of many hosts' exports is one dataset):
 * DIR/<table>/host=<host>/date=<YYYY-MM-DD>/<capture>.parquet, the date being the capture's
 * start in UTC. A value in a path keeps letters, digits, '.', '_' and '-'; any other byte of its
 * UTF-8 is written %XX (as Hive and Spark escape partition values); the `host` and `capture`
 * columns inside the files hold the exact values.
 */
import { join } from 'node:path';

export const PARQUET_TABLES = ['events', 'tasks', 'threads', 'processes', 'wakeups', 'edges'] as const;
export type ParquetTable = (typeof PARQUET_TABLES)[number];

export interface Layout {
  dir: string;
  partition: boolean;
  host: string;
  capture: string;
  /** The capture's start, ms since the epoch (UTC date of the partition). */
  startWallMs: number;
}

/** A value as one path element: the bytes outside [A-Za-z0-9._-] as %XX. */
export function pathValue(v: string): string {
  let out = '';
  for (const byte of Buffer.from(v, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // '.' and '..' alone would name a directory that is not a new one
  return out === '.' || out === '..' ? out.replace(/\./g, '%2E') : out;
}

/** The UTC date of a wall time, YYYY-MM-DD (unknown clock: 1970-01-01). */
export function utcDate(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? '1970-01-01' : d.toISOString().slice(0, 10);
}

export function tablePath(l: Layout, table: string): string {
  if (!l.partition) return join(l.dir, `${table}.parquet`);
  return join(
    l.dir,
    table,
    `host=${pathValue(l.host)}`,
    `date=${utcDate(l.startWallMs)}`,
    `${pathValue(l.capture)}.parquet`,
  );
}
