/**
 * A scrape never waits for the replay (issue 17): with the replay thread blocked on purpose,
 * /metrics still answers, from serve's own gauges and the last figures it had, and the
 * replay lag it reports grows with the stall; once the replay runs again, it catches up.
 */
import { describe, expect, it } from 'vitest';
import { serve } from '../../src/api.js';
import { skipRecording, skipReason } from '../helpers/root.js';
import { sample, scrape, waitFor } from './helpers.js';

const STALL_MS = 5000;

describe.skipIf(skipRecording)(`serve with its replay thread blocked (${skipReason})`, () => {
  it('answers scrapes during the stall, reports the lag growing, then catches up', async () => {
    const ac = new AbortController();
    let url = '';
    const done = serve({
      listen: '127.0.0.1:0',
      signal: ac.signal,
      stallReplayMs: STALL_MS,
      onMessage: (line) => (url = /on (http:\S+)\/metrics/.exec(line)?.[1] ?? url),
    });
    try {
      await waitFor('serve to listen', 30_000, () => (url ? true : undefined));
      const startedAt = Date.now();
      // during the stall: answered, with the lag in the answer
      const first = await scrape(url);
      const firstLag = sample(first.body, 'lifeline_replay_lag_seconds');
      await waitFor('a second scrape a second later', 5_000, () => (Date.now() - startedAt > 1000 ? true : undefined));
      const second = await scrape(url);
      const stalled = Date.now() - startedAt < STALL_MS - 500;
      expect(stalled, 'both scrapes were answered while the replay thread was blocked').toBe(true);
      const secondLag = sample(second.body, 'lifeline_replay_lag_seconds');
      expect(secondLag).toBeGreaterThan(firstLag + 0.5);
      expect(sample(second.body, 'lifeline_ring_buffer_size_bytes')).toBeGreaterThanOrEqual(32 * 2 ** 20);
      // after it: the replay catches up, and the figures are fresh again
      const caughtUp = await waitFor('the replay to catch up', 30_000, async () => {
        const { body } = await scrape(url);
        return sample(body, 'lifeline_replay_lag_seconds') < 1 && sample(body, 'lifeline_events_total') > 0
          ? body
          : undefined;
      });
      expect(sample(caughtUp, 'lifeline_exposition_age_seconds')).toBeLessThan(1);
    } finally {
      ac.abort();
    }
    const res = await done;
    expect(res.events).toBeGreaterThan(0);
    expect(res.lost).toBe(0);
  }, 60_000);
});
