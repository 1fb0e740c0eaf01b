/** docs/capture-format.md's contract tables are the ones the contract writes (npm run docs:metrics). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextsList, flagsTable, kindsTable, withContractTables } from '../../src/format/contract-doc.js';
import { CTXS, Flag, KINDS, SOFTIRQS, SYSVECS } from '../../src/format/index.js';

const PAGE = path.resolve(__dirname, '../../docs/capture-format.md');

describe("docs/capture-format.md's contract tables", () => {
  it('are current (npm run docs:metrics rewrites them)', () => {
    const doc = readFileSync(PAGE, 'utf8');
    const next = withContractTables(doc);
    expect(next).toBe(doc);
  });

  it('have a row per kind and per flag of the contract, and every vector in the context list', () => {
    const kinds = kindsTable().split('\n').slice(2);
    expect(kinds.map((r) => r.split(' | ')[1])).toEqual([...KINDS.map((k) => k.label), 'meta']);
    expect(flagsTable().split('\n').length - 2).toBe(Object.keys(Flag).length);
    const ctx = contextsList();
    for (const c of CTXS) expect(ctx).toContain(`**${c.label}** (${c.value})`);
    for (const v of SYSVECS) expect(ctx).toContain(`${v.value} ${v.tracepoint}`);
    for (const v of SOFTIRQS) expect(ctx).toContain(`${v.value} ${v.name}`);
  });
});
