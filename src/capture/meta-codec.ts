/**
 * CaptureMeta to and from its stored forms: one JSON document (Arrow schema
 * metadata, the META trailer row) or key/JSON-value rows (SQLite meta table).
 */
import { msg } from '../messages.js';
import { captureErrors } from './capture-errors.js';
import { blankMeta, FORMAT_VERSION, type CaptureMeta } from './meta.js';

/** The meta key and value that mark a lifeline capture. */
export const FORMAT_MARK = { key: 'format', value: 'lifeline' } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A meta object from untrusted stored fields: checks the version, fills gaps. */
export function metaFromFields(path: string, fields: Record<string, unknown>): CaptureMeta {
  const version = fields.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) throw captureErrors.newerFormat(path, version);
  // Defaults for fields an older writer may not have stored.
  const meta = blankMeta() as unknown as Record<string, unknown>;
  for (const key of Object.keys(meta)) {
    if (key in fields && fields[key] !== undefined) meta[key] = fields[key];
  }
  return meta as unknown as CaptureMeta;
}

export function metaToJson(meta: CaptureMeta): string {
  return JSON.stringify(meta);
}

export function metaFromJson(path: string, json: string): CaptureMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw captureErrors.damaged(path, msg.damageMeta());
  }
  if (!isRecord(parsed)) throw captureErrors.damaged(path, msg.damageMeta());
  return metaFromFields(path, parsed);
}

/** Rows of the SQLite meta table: the format mark, then one row per field. */
export function metaToRows(meta: CaptureMeta): Array<[string, string]> {
  const rows: Array<[string, string]> = [[FORMAT_MARK.key, JSON.stringify(FORMAT_MARK.value)]];
  for (const [key, value] of Object.entries(meta)) rows.push([key, JSON.stringify(value)]);
  return rows;
}

/** Parses meta table rows; null when the format mark is absent (not a lifeline capture). */
export function metaFromRows(path: string, rows: ReadonlyArray<{ key: string; value: string }>): CaptureMeta | null {
  const fields: Record<string, unknown> = {};
  for (const { key, value } of rows) {
    try {
      fields[key] = JSON.parse(value);
    } catch {
      fields[key] = value;
    }
  }
  if (fields[FORMAT_MARK.key] !== FORMAT_MARK.value) return null;
  return metaFromFields(path, fields);
}
