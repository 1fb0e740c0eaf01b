/** The diagnostics catalogue (src/diagnostics.ts): the README's table is current, and each entry says itself. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, DIAGNOSTICS, withDiagnosticsTable, type DiagnosticFacts } from '../src/diagnostics.js';

const README = path.resolve(__dirname, '../README.md');
const clean: DiagnosticFacts = {
  lost: 0,
  lostPerCpu: [0, 0],
  complete: true,
  skippedTracepoints: [],
  contradictions: 0,
};

describe('the diagnostics catalogue', () => {
  it("is the README's table (npm run docs:metrics rewrites it)", () => {
    const doc = readFileSync(README, 'utf8');
    expect(withDiagnosticsTable(doc)).toBe(doc);
  });

  it('finds nothing in a clean capture, and each diagnostic alone where its fact is', () => {
    expect(diagnose(clean)).toEqual([]);
    const one = (f: Partial<DiagnosticFacts>) => diagnose({ ...clean, ...f }).map((d) => [d.id, d.count]);
    expect(one({ lost: 19, lostPerCpu: [7, 12] })).toEqual([['lost', 19]]);
    expect(one({ complete: false })).toEqual([['incomplete', 1]]);
    expect(one({ contradictions: 3 })).toEqual([['contradictions', 3]]);
    expect(one({ late: 2 })).toEqual([['late', 2]]);
    expect(one({ skippedTracepoints: ['nmi_handler', 'task_rename'] })).toEqual([['skipped', 2]]);
    expect(one({ events: { read: 4584, expected: 4584 } })).toEqual([]);
    expect(one({ events: { read: 1178, expected: 4584 } })).toEqual([['damaged', 3406]]);
    expect(one({ stackFails: { untaken: 0, full: 0, lost: 0 } })).toEqual([]);
    expect(one({ stackFails: { untaken: 2, full: 40, lost: 1 } })).toEqual([['stacks', 43]]);
    expect(DIAGNOSTICS.map((d) => d.id).sort()).toEqual([
      'contradictions',
      'damaged',
      'incomplete',
      'late',
      'lost',
      'skipped',
      'stacks',
    ]);
  });

  it('says the loss per CPU, summing to the total, in one line', () => {
    const [d] = diagnose({ ...clean, lost: 1234, lostPerCpu: [1000, 0, 234] });
    expect(d!.line).toMatch(/^LOST 1,234 events \(cpu0 1,000 {2}cpu2 234\) in the kernel/);
    expect(d!.line).not.toContain('\n');
  });
});
