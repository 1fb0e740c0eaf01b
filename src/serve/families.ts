/**
 * The Prometheus families of `lifeline serve`, derived from the metric
 * catalogue (src/analyze/catalogue/catalogue.ts): every entry with the 'prom' output
 * becomes `lifeline_process_<name>` (and `lifeline_thread_<name>` for the
 * --watch targets). Nothing is defined here: names, help, units and labels
 * come from the catalogue, the values from the rows the modules fill.
 *
 * - counter: one series, or one per part of its split (label from the split);
 *   a 'sources' entry (who woke it) is one series per source kind;
 * - reasons (sleep reasons): a counter with an open label (`reason`), no state
 *   label (a reason is nearly always one state: asleep_seconds_total has the
 *   split); the exporter bounds it (`open.top` values per entity, the rest as
 *   reason="other");
 * - summary: `_sum` (the distribution's total, or its sumKey field) and
 *   `_count` (its countKey field), or one such pair per label value
 *   (`parts`). Quantiles are not exported: they cannot be added across the
 *   processes folded into comm="other" or across time; the machine-wide
 *   histograms serve for distributions.
 */
import { entriesFor, promScale, type MetricDef, type MetricRow, type Scope, SOURCE_KINDS } from '../analyze/index.js';

export type Metrics = MetricRow;

/** One series of a family, for one entity: its suffix (_sum, _count or none), labels and value. */
export interface SeriesValue {
  suffix: string;
  labels: readonly string[];
  value: number;
}

export interface EntityFamily {
  /** Name after lifeline_process_ / lifeline_thread_. */
  name: string;
  type: 'counter' | 'summary';
  help: string;
  /** Labels besides the entity's own. */
  labels: readonly string[];
  /** Every series of one entity, in a fixed order, values in base units (for an open family: any number). */
  read(m: Metrics): SeriesValue[];
  /**
   * The first label takes values from the data (untrusted, any number): at most `top` of them per
   * entity get series of their own, the exporter folds the others into "other".
   */
  open?: { top: number };
}

/** Reasons of each entity with series of their own when the catalogue does not say. */
export const DEFAULT_OPEN_TOP = 5;

export { SOURCE_KINDS };

function familyOf(e: MetricDef): EntityFamily | null {
  const prom = e.prom;
  if (prom === undefined) return null;
  const scale = promScale(e.unit);
  const h = prom.help ?? e.help;
  const help = `${h[0]!.toUpperCase()}${h.slice(1)} (${e.title}).`;
  if (e.kind === 'sources') {
    return {
      name: prom.name,
      type: 'counter',
      help,
      labels: ['source_kind'],
      read: (m) => {
        const counts = new Map<string, number>(SOURCE_KINDS.map((k) => [k, 0]));
        for (const w of e.read(m)) counts.set(w.source.kind, (counts.get(w.source.kind) ?? 0) + w.count);
        return SOURCE_KINDS.map((k) => ({ suffix: '', labels: [k], value: counts.get(k)! }));
      },
    };
  }
  if (e.kind === 'reasons' && prom.type === 'counter') {
    return {
      name: prom.name,
      type: 'counter',
      help,
      labels: ['reason'],
      open: { top: prom.top ?? DEFAULT_OPEN_TOP },
      read: (m) => e.read(m).map((r) => ({ suffix: '', labels: [r.reason], value: r.ns * scale })),
    };
  }
  if (prom.type === 'summary' && e.kind === 'distribution' && prom.parts !== undefined) {
    const parts = prom.parts;
    return {
      name: prom.name,
      type: 'summary',
      help,
      labels: [parts.label],
      read: (m) => {
        const fields = m as unknown as Record<string, number>;
        return parts.values.flatMap((p) => [
          { suffix: '_sum', labels: [p.value], value: Number(fields[p.sumKey] ?? 0) * scale },
          { suffix: '_count', labels: [p.value], value: Number(fields[p.countKey] ?? 0) },
        ]);
      },
    };
  }
  if (prom.type === 'summary' && e.kind === 'distribution') {
    const count = prom.countKey;
    return {
      name: prom.name,
      type: 'summary',
      help,
      labels: [],
      read: (m) => {
        const fields = m as unknown as Record<string, number>;
        const sum = prom.sumKey === undefined ? (e.read(m).total ?? 0) : Number(fields[prom.sumKey] ?? 0);
        return [
          { suffix: '_sum', labels: [], value: sum * scale },
          { suffix: '_count', labels: [], value: count === undefined ? 0 : Number(fields[count] ?? 0) },
        ];
      },
    };
  }
  if (prom.type === 'counter' && (e.kind === 'count' || e.kind === 'duration')) {
    const split = e.split;
    if (split !== undefined)
      return {
        name: prom.name,
        type: 'counter',
        help,
        labels: [split.label],
        read: (m) => split.parts.map((p) => ({ suffix: '', labels: [p.value], value: p.read(m) * scale })),
      };
    return {
      name: prom.name,
      type: 'counter',
      help,
      labels: [],
      read: (m) => [{ suffix: '', labels: [], value: e.read(m) * scale }],
    };
  }
  throw new Error(`catalogue entry ${e.key}: no Prometheus form for a ${e.kind} ${prom.type}`);
}

/** The families of one scope, in catalogue order. */
export function entityFamilies(scope: Scope): EntityFamily[] {
  return entriesFor('prom', scope).flatMap((e) => familyOf(e) ?? []);
}
