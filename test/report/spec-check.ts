/** Helpers for spec tests: compile with a recording logger, and list the fields encodings use. */
import { compile } from 'vega-lite';
import type { Row, VegaLiteSpec } from '../../src/report/types.js';

export interface CompileLog {
  warnings: string[];
  errors: string[];
}

export function compileQuietly(spec: VegaLiteSpec): CompileLog & { vega: unknown } {
  const log: CompileLog = { warnings: [], errors: [] };
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: (...args: unknown[]) => (log.errors.push(args.map(String).join(' ')), logger),
    warn: (...args: unknown[]) => (log.warnings.push(args.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  const out = compile(spec, { logger: logger as never });
  return { ...log, vega: out.spec };
}

export interface FieldUse {
  dataset: string;
  field: string;
  where: string;
}

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field an encoding reads, with the dataset it reads from; fields made by transforms are left out. */
export function encodedFields(spec: VegaLiteSpec): FieldUse[] {
  const uses: FieldUse[] = [];
  const visit = (node: Json, dataset: string | null, derived: Set<string>, path: string): void => {
    const data = isObject(node.data) && typeof node.data.name === 'string' ? node.data.name : dataset;
    const made = new Set(derived);
    if (Array.isArray(node.transform)) {
      for (const t of node.transform) if (isObject(t) && typeof t.as === 'string') made.add(t.as);
    }
    if (isObject(node.encoding)) {
      for (const [channel, def] of Object.entries(node.encoding)) {
        const defs = Array.isArray(def) ? def : [def];
        for (const d of defs) {
          if (!isObject(d)) continue;
          for (const candidate of [d, d.condition]) {
            if (isObject(candidate) && typeof candidate.field === 'string' && !made.has(candidate.field)) {
              if (data === null) throw new Error(`${path}.encoding.${channel} reads ${candidate.field} with no data`);
              uses.push({ dataset: data, field: candidate.field, where: `${path}.encoding.${channel}` });
            }
          }
        }
      }
    }
    for (const key of ['layer', 'vconcat', 'hconcat', 'concat']) {
      const children = node[key];
      if (Array.isArray(children))
        children.forEach((c, i) => isObject(c) && visit(c, data, made, `${path}.${key}[${i}]`));
    }
  };
  visit(spec as unknown as Json, null, new Set(), 'spec');
  return uses;
}

/** Fields missing from some row of their dataset, as readable strings. */
export function missingFields(spec: VegaLiteSpec): string[] {
  const datasets = ((spec as unknown as Json).datasets ?? {}) as Record<string, Row[]>;
  const problems: string[] = [];
  for (const use of encodedFields(spec)) {
    const rows = datasets[use.dataset];
    if (!rows) {
      problems.push(`${use.where}: dataset ${use.dataset} is not in the spec`);
      continue;
    }
    const bad = rows.findIndex((r) => !(use.field in r));
    if (bad >= 0) problems.push(`${use.where}: row ${bad} of ${use.dataset} lacks ${use.field}`);
  }
  return problems;
}
