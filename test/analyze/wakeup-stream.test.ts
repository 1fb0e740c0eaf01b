/**
 * analyze(cap, { onWakeup }) hands out every wakeup once, complete, none kept: the same records
 * as the detail's wakeup log (with no budget), on every fixture.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type WakeupRecord } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
const FIXTURES = readdirSync(fixtures).filter((f) => f.endsWith('.db') || f.endsWith('.arrow'));

describe('the wakeup stream', () => {
  it.each(FIXTURES)('%s: the records of the wakeup log, each once', async (fixture) => {
    const cap = await openCapture(path.join(fixtures, fixture));
    try {
      const logged = await analyze(cap, { detail: { maxWakeups: Infinity, maxIntervals: 0, maxCpuSpans: 0 } });
      const streamed: WakeupRecord[] = [];
      const a = await analyze(cap, { onWakeup: (w) => streamed.push(w), histograms: true });
      expect(a.detail).toBeUndefined();
      expect(streamed.length).toBeGreaterThan(0);
      expect(new Set(streamed.map((w) => w.id)).size).toBe(streamed.length);
      streamed.sort((x, y) => x.id - y.id);
      expect(streamed).toEqual(logged.detail!.wakeups);
    } finally {
      cap.close();
    }
  });
});
