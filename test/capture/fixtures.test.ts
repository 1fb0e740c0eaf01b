import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readRows } from '../helpers/capture-rows.js';
import { Kind } from '../../src/format/index.js';

const fixtures = path.resolve(__dirname, '../../fixtures');

describe('the committed fixtures', () => {
  it('hold the same recording in SQLite and Arrow', async () => {
    const a = await readRows(path.join(fixtures, 'sleeper-stress.db'));
    const b = await readRows(path.join(fixtures, 'sleeper-stress.arrow'));
    expect(a.rows.length).toBeGreaterThan(1000);
    expect(b.rows).toEqual(a.rows);
    expect(b.meta).toEqual(a.meta);
    expect(a.meta.complete).toBe(true);
    expect(a.meta.lost).toBe(0);
  });

  it('are format 2, with the facts of causation (timer arming) recorded', async () => {
    const a = await readRows(path.join(fixtures, 'sleeper-stress.db'));
    expect(a.meta.formatVersion).toBe(2);
    expect(a.rows.some((r) => r.kind === Kind.HRTIMER_START)).toBe(true);
  });

  it('read as format 1: the Arrow meta trailer of kind 15 gives the final meta and is not an event', async () => {
    // kept from before the recorder took the facts of causation
    const b = await readRows(path.join(fixtures, 'format1/sleeper-stress.arrow'));
    expect(b.meta.formatVersion).toBe(1);
    expect(b.meta.complete).toBe(true);
    expect(b.meta.events).toBe(b.rows.length);
    expect(b.rows.some((r) => r.kind === 15)).toBe(false);
  });
});
