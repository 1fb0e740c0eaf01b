/**
 * The field table of docs/metrics.md, written from the metric catalogue:
 * `npm run docs:metrics` rewrites the part between the two markers, and a
 * test fails when the file differs from what the catalogue gives.
 */
import { CATALOGUE, jsonKeys, type Catalogue, type MetricDef } from './catalogue.js';

export const DOC_BEGIN =
  '<!-- fields: written by `npm run docs:metrics` from src/analyze/catalogue/catalogue.ts; do not edit by hand -->';
export const DOC_END = '<!-- end of fields -->';

const UNIT_WORDS: Record<MetricDef['unit'], string> = {
  ns: 'ns',
  count: 'count',
  ratio: 'ratio',
  index: 'number',
  flag: 'true/false',
};

/** The markdown table: one row per entry that docs show, in catalogue order. */
export function fieldTable(catalogue: Catalogue = CATALOGUE): string {
  const rows = catalogue
    .filter((e) => e.outputs.includes('docs'))
    .map((e) => {
      const field = jsonKeys(e)
        .map((k) => `\`${k}\``)
        .join(', ');
      const kind = e.kind === 'distribution' ? `distribution (${e.stats.join(', ')})` : e.kind;
      const scope = e.scopes.length === 1 ? ` (${e.scopes[0]}s only)` : '';
      const shown = e.outputs
        .filter((o) => o !== 'docs')
        .map((o) => {
          if (o === 'table' && e.sort) return `table (\`--sort ${e.sort.name}\`)`;
          if (o === 'prom' && e.prom)
            return `prom (\`${e.prom.name}\`${e.prom.parts ? ` by ${e.prom.parts.label}` : ''})`;
          return o;
        })
        .join(', ');
      return `| ${field} | ${UNIT_WORDS[e.unit]} | ${kind} | ${shown}${scope} | ${e.definition ?? e.help} |`;
    });
  return ['| field | unit | kind | shown in | definition |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * The document with its field table replaced by the catalogue's; undefined
 * when the markers are missing or out of order.
 */
export function withFieldTable(doc: string, catalogue: Catalogue = CATALOGUE): string | undefined {
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) return undefined;
  return `${doc.slice(0, begin + DOC_BEGIN.length)}\n${fieldTable(catalogue)}\n${doc.slice(end)}`;
}
