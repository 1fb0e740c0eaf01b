/** Wall-clock times as lifeline shows them: "2026-11-25 19:03:36.644" in a named zone. */

/**
 * Zones always at UTC+0, written without Intl: ICU's set-up on its first use costs a command
 * ~30 ms of start-up (issue 23), and servers often record in UTC.
 */
const ZERO_OFFSET_ZONES = new Set(['UTC', 'Etc/UTC']);

/** Whether Intl knows this IANA zone name. */
export function isKnownZone(zone: string): boolean {
  if (ZERO_OFFSET_ZONES.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A zone Intl accepts: the given one (the recording machine's), else UTC. */
export function usableZone(zone: string): string {
  return isKnownZone(zone) ? zone : 'UTC';
}

/** "2025-06-01 14:03:12.345" in `zone`, plus the zone's UTC offset ("GMT+02:00"). */
export function wallTime(ms: number, zone: string): { text: string; offset: string } {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  // what Intl writes below, for a zero-offset zone and a four-digit year
  if (ZERO_OFFSET_ZONES.has(zone) && year >= 1000 && year <= 9999) {
    const two = (n: number) => String(n).padStart(2, '0');
    return {
      text:
        `${year}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
        `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.` +
        String(d.getUTCMilliseconds()).padStart(3, '0'),
      offset: 'GMT+00:00',
    };
  }
  return intlWallTime(ms, zone);
}

/** wallTime as Intl writes it, for every zone (the zero-offset ones above take a shortcut to the same text). */
export function intlWallTime(ms: number, zone: string): { text: string; offset: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    text: `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}.${get('fractionalSecond')}`,
    offset: get('timeZoneName').replace(/^GMT$/, 'GMT+00:00'),
  };
}
