/** Human-readable durations and wall-clock times for the page's own HTML. */
import { isKnownZone, wallTime } from '../../wall-time.js';

const UNITS: Array<[number, string]> = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
];

/** 1234567 → "1.23 ms"; keeps three significant digits. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  const abs = Math.abs(ns);
  for (const [scale, unit] of UNITS) {
    if (abs >= scale) return `${trim(ns / scale)} ${unit}`;
  }
  return `${trim(ns)} ns`;
}

function trim(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface WallTime {
  /** In the requested zone, with the zone named, e.g. "2025-03-14 09:26:53.589 Europe/Paris (UTC+01:00)". */
  shown: string;
  /** The same instant in UTC, e.g. "2025-03-14 08:26:53.589 UTC". */
  utc: string;
  /** The other clock for a hover title: UTC when shown in local time, the recording zone when shown in UTC. */
  other: string;
  /** ISO 8601 for the datetime attribute. */
  iso: string;
}

/** Format an instant (ms since the epoch) in an IANA zone; an unknown zone falls back to UTC, named as such. */
export function formatWall(epochMs: number, timeZone: string, utc: boolean): WallTime {
  const date = new Date(epochMs);
  const zone = utc || !isKnownZone(timeZone) ? 'UTC' : timeZone;
  const utcText = `${wallParts(date, 'UTC')} UTC`;
  const localText = isKnownZone(timeZone)
    ? `${wallParts(date, timeZone)} ${timeZone} (${offsetName(date, timeZone)})`
    : utcText;
  const shown = zone === 'UTC' ? utcText : localText;
  return { shown, utc: utcText, other: shown === utcText ? localText : utcText, iso: date.toISOString() };
}

function wallParts(date: Date, timeZone: string): string {
  return wallTime(date.getTime(), timeZone).text;
}

function offsetName(date: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value.replace(/^GMT$/, 'UTC').replace(/^GMT/, 'UTC') ?? timeZone;
}
