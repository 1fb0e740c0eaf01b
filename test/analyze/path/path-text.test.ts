import { describe, expect, it } from 'vitest';
import { formatPath } from '../../../src/analyze/path/path-text.js';
import { PATH_MAX_SEGMENTS } from '../../../src/analyze/path/critical-path.js';
import type { CriticalPath, PathSegment } from '../../../src/analyze/types.js';

const T = { tid: 42, tgid: 42, comm: 'worker' };
const H = { tid: 7, tgid: 7, comm: 'stress' };

/** A path of n segments that alternate between running and waiting behind `stress`, 10 µs each. */
function longPath(n: number): CriticalPath {
  const segments: PathSegment[] = [];
  for (let i = 0; i < n; i++) {
    const running = i % 2 === 0;
    segments.push({
      start: i * 10_000,
      end: (i + 1) * 10_000,
      thread: T,
      state: running ? 'running' : 'runnable',
      cpu: 1,
      depth: 0,
      ...(running ? {} : { holder: H, preempted: true }),
      label: running ? 'on CPU 1' : 'waiting for CPU 1 behind stress 7 (preempted)',
    });
  }
  const half = (n / 2) * 10_000;
  return {
    thread: T,
    startNs: 0,
    endNs: n * 10_000,
    chosen: { kind: 'interval' },
    segments,
    segmentCount: n,
    summary: [
      { label: 'worker 42 running', ns: half },
      { label: 'worker 42 waiting for CPU behind stress 7', ns: half },
    ],
    byThread: [
      { thread: T, ns: n * 10_000, byState: { running: half, runnable: half, interrupt: 0, sleeping: 0, unknown: 0 } },
    ],
    truncated: false,
  };
}

describe('formatPath', () => {
  it('lists a path of the most segments a path can have, a row each, then the summary', () => {
    // the rows were once spread into one push() call: a path of 200 000 segments overflowed the stack
    const n = PATH_MAX_SEGMENTS;
    const text = formatPath(longPath(n));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`path of worker 42, interval: +0.00 ms to +2000.00 ms (2000.00 ms), ${n} segments`);
    const rows = lines.filter((l) => /^\s*\+\d/.test(l));
    expect(rows).toHaveLength(n);
    expect(rows[1]).toMatch(
      /^\s*\+0\.01\s+0\.01\s+worker 42\s+runnable\s+1\s+waiting for CPU 1 behind stress 7 \(preempted\)$/,
    );
    expect(lines).toContain('time by kind:');
    expect(text).toMatch(/ 1000\.00 ms\s+50\.0%\s+worker 42 running\n/);
    expect(lines.at(-1)).toMatch(/^\s+2000\.00 ms\s+100\.0%\s+worker 42\s+\(running 1000\.00, runnable 1000\.00\)$/);
  });
});
