/** Wall-clock times as lifeline shows them: "2026-11-25 19:03:36.644" in a named zone. */

/** Whether Intl knows this IANA zone name. */
export function isKnownZone(zone: string): boolean {
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
