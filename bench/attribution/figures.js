// The figures of bench:attribution as Markdown: printed by the bench and, with --docs, written into
// docs/accuracy.md between its figure markers (so the published page is this run, not a hand copy).
import { readFileSync, writeFileSync } from 'node:fs';

const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const range = ({ min, max }) =>
  max === null || max === Infinity ? `≥ ${min}` : min === max ? String(min) : `${min}–${max}`;

/** The table: each tool's right answers over the graded sleeps (missed and unknown count wrong). */
export function figuresTable(rows) {
  const out = [
    '| workload | sleeps (design) | lifeline | perf -w | naive | unknown | missed ll/perf | naive lucky |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows)
    out.push(
      `| ${r.name} | ${r.sleeps}${r.sleepsD ? ` (${r.sleepsD} D)` : ''} (${r.designed.min === 0 ? 'not known' : range(r.designed)}) | ${pct(r.lifeline, r.wakeups)} | ` +
        `${pct(r.perf, r.wakeups)} | ${pct(r.naive, r.wakeups)} | ${r.unknown} | ${r.missedLifeline}/${r.missedPerf} | ${r.naiveLucky} |`,
    );
  return out.join('\n');
}

/** Per workload: what was right, and what each tool named when it was wrong. */
export function wrongAnswers(rows) {
  const out = [];
  for (const r of rows) {
    out.push(`- **${r.name}**: ${r.about}; right: ${r.known}.`);
    for (const tool of ['lifeline', 'perf', 'naive'])
      if (r.wrong[tool]) out.push(`  - ${tool} wrong: ${r.wrong[tool]}`);
  }
  return out.join('\n');
}

export function figuresMarkdown(rows, machine) {
  return `One run of \`npm run bench:attribution -- --docs\` on ${machine}:\n\n${figuresTable(rows)}\n\nWrong answers, by name:\n\n${wrongAnswers(rows)}\n`;
}

const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';

/** Replaces the figures of the page at `file` with `markdown`. */
export function writeFigures(file, markdown) {
  const page = readFileSync(file, 'utf8');
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} … ${END} markers`);
  writeFileSync(file, `${page.slice(0, a + START.length)}\n${markdown}${page.slice(b)}`);
}
