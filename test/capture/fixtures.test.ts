import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readRows } from '../helpers/capture-rows.js';

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
});
