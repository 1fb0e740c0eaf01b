/** An in-memory Capture over hand-built rows, for analyzer tests. */
import { batchFromRows, type EventRow } from '../../src/capture/event-batch.js';
import { FORMAT_VERSION, type CaptureMeta } from '../../src/capture/meta.js';
import type { Capture } from '../../src/capture/types.js';

export function testMeta(over: Partial<CaptureMeta> = {}): CaptureMeta {
  return {
    formatVersion: FORMAT_VERSION,
    tool: 'lifeline-test',
    kernel: '6.1.0-test',
    hostname: 'testhost',
    cpus: 2,
    clockOffsetMs: 1_700_000_000_000,
    bootOffsetNs: null,
    timezone: 'UTC',
    startNs: 1_000_000,
    endNs: 0,
    command: null,
    filters: { irqSpans: true, tgid: 0 },
    lostPerCpu: [0, 0],
    lost: 0,
    stacks: null,
    stackFails: {},
    skippedTracepoints: [],
    exitCode: null,
    events: 0,
    complete: true,
    ...over,
  };
}

/** Rows are sorted by ts (stable) and served in batches of `batchSize`. */
export function memoryCapture(rows: readonly EventRow[], meta: Partial<CaptureMeta> = {}, batchSize = 3): Capture {
  const sorted = rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.ts - y.r.ts || x.i - y.i)
    .map((x) => x.r);
  const full = testMeta({ events: sorted.length, ...meta });
  return {
    format: 'sqlite',
    path: ':memory:',
    meta: full,
    async *batches() {
      for (let i = 0; i < sorted.length; i += batchSize) yield batchFromRows(sorted.slice(i, i + batchSize));
    },
    close() {},
  };
}
