/**
 * The counts and the UTC wall times that lifeline writes without Intl (ICU's set-up costs a command
 * ~30 ms of start-up) are what Intl writes.
 */
import { describe, expect, it } from 'vitest';
import { grouped } from '../src/messages.js';
import { intlWallTime, wallTime } from '../src/wall-time.js';

/** A fixed spread of values (no randomness: a failure repeats). */
function spread(n: number, scale: number): number[] {
  const out: number[] = [];
  let x = 0.5;
  for (let i = 0; i < n; i++) {
    x = (x * 9301 + 49297) % 233280;
    out.push(((x / 233280) * 2 - 0.5) * scale);
  }
  return out;
}

describe('grouped', () => {
  it("writes a count as toLocaleString('en-US') does", () => {
    const values = [0, -0, 1, -1, 999, 1000, -1000, 123_456_789, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1.5, 1e21, NaN];
    for (const scale of [1e3, 1e6, 1e9, 1e12, 1e15]) values.push(...spread(500, scale).map(Math.round));
    for (const n of values) expect(grouped(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('wallTime', () => {
  it('writes a zero-offset zone as Intl does, four-digit years and the others', () => {
    const values = [0, 1.5, 999.9, -1, 1e12, 1_764_000_000_000.4, 253_402_300_799_999, -30_610_224_000_001];
    values.push(...spread(2000, 253_402_300_799_999), ...spread(500, 1e9));
    for (const zone of ['UTC', 'Etc/UTC'])
      for (const ms of values) expect(wallTime(ms, zone), `${ms} ${zone}`).toEqual(intlWallTime(ms, zone));
  });
});
