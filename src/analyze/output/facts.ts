/** The facts the diagnostics catalogue (src/diagnostics.ts) reads, from an analysis and its capture's meta. */
import type { CaptureMeta } from '../../capture/index.js';
import type { DiagnosticFacts } from '../../diagnostics.js';
import type { Analysis } from '../types.js';

/** What the diagnostics are read from: the capture's meta when known, and the analysis. */
export function factsOf(analysis: Analysis, meta: CaptureMeta | undefined): DiagnosticFacts {
  const c = analysis.result.capture;
  return {
    lost: Math.max(c.lost, meta?.lost ?? 0),
    lostPerCpu: meta?.lostPerCpu ?? [],
    complete: meta?.complete ?? true,
    skippedTracepoints: meta?.skippedTracepoints ?? [],
    contradictions: c.contradictions,
    // a complete meta counts its events (0: a hand-made meta that counts none, not compared)
    ...(meta?.complete && meta.events > 0 ? { events: { read: c.events, expected: meta.events } } : {}),
  };
}
