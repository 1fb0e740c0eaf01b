/** The facts the diagnostics catalogue (src/diagnostics.ts) reads, from an analysis and its capture's meta. */
import { metaFacts, type CaptureMeta } from '../../capture/index.js';
import type { DiagnosticFacts } from '../../diagnostics.js';
import type { Analysis } from '../types.js';

/** What the diagnostics are read from: the capture's meta when known, and the analysis. */
export function factsOf(analysis: Analysis, meta: CaptureMeta | undefined): DiagnosticFacts {
  const c = analysis.result.capture;
  const base = meta ? metaFacts(meta, c.events) : { lostPerCpu: [], complete: true, skippedTracepoints: [] };
  return { ...base, lost: Math.max(c.lost, meta?.lost ?? 0), contradictions: c.contradictions };
}
