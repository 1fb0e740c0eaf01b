import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADDON_PATH, loadAddon } from '../../src/record/addon.js';
import {
  ADDON_ERRORS,
  COMM_REASONS,
  CommReason,
  Ctx,
  CTX_NAMES,
  CTXS,
  EVENT_SIZE,
  Flag,
  Kind,
  KIND_META,
  KIND_NAMES,
  KINDS,
  NAME_EVENT_SIZE,
  NAME_LEN,
  NAMED_KINDS,
  OFFSETS,
  recordSize,
  Softirq,
  SOFTIRQ_NAMES,
  SysVec,
  SYSVEC_NAMES,
  SYSVECS,
  TRACEPOINTS,
} from '../../src/format/index.js';

const root = path.resolve(__dirname, '../..');
const GENERATED = path.join(root, 'src/format/contract.generated.ts');

describe('the generated contract', () => {
  it('is what scripts/gen-contract.mjs makes from bpf/lifeline.h today', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'll-contract-')), 'contract.generated.ts');
    execFileSync(process.execPath, [path.join(root, 'scripts/gen-contract.mjs'), out]);
    expect(readFileSync(out, 'utf8'), 'run `npm run build:contract` and commit the result').toBe(
      readFileSync(GENERATED, 'utf8'),
    );
  });

  it('keeps META outside the recorded kinds, within the u8 kind field', () => {
    const values = Object.values(Kind);
    expect(values).not.toContain(KIND_META);
    expect(Math.max(...values)).toBeLessThan(KIND_META);
    expect(KIND_META).toBeLessThanOrEqual(255);
    expect(KIND_NAMES[KIND_META]).toBeUndefined();
  });

  it('builds the tables from the lists', () => {
    expect(KIND_NAMES[Kind.WAKEUP_NEW]).toBe('wakeup_new');
    expect([...NAMED_KINDS].sort((a, b) => a - b)).toEqual([Kind.EXEC, Kind.COMM, Kind.IRQ_NAME, Kind.SYM]);
    expect(recordSize(Kind.COMM)).toBe(NAME_EVENT_SIZE);
    expect(recordSize(Kind.SWITCH)).toBe(EVENT_SIZE);
    expect(CTX_NAMES).toEqual(['task', 'hardirq', 'softirq', 'nmi']);
    expect(SYSVEC_NAMES[SysVec.LOCAL_TIMER]).toBe('local_timer');
    expect(SOFTIRQ_NAMES[Softirq.NET_RX]).toBe('NET_RX');
    expect(SOFTIRQ_NAMES).toHaveLength(Object.keys(Softirq).length);
  });
});

// The addon is compiled against bpf/lifeline.h: it reports the tables as that binary expanded them.
describe.skipIf(!existsSync(ADDON_PATH) && process.env.CI !== 'true')('the contract as the addon was compiled', () => {
  const native = loadAddon().layout();

  it('has the record sizes and offsets of the TypeScript constants', () => {
    expect(native.eventSize).toBe(EVENT_SIZE);
    expect(native.nameEventSize).toBe(NAME_EVENT_SIZE);
    expect(native.nameLen).toBe(NAME_LEN);
    expect(native.offsets).toEqual(OFFSETS);
  });

  it('has every kind, flag, context, comm reason, vector and softirq with the same values', () => {
    expect(native.kinds).toEqual(Kind);
    expect(native.kinds).toEqual(Object.fromEntries(KINDS.map((k) => [k.name, k.value])));
    expect(native.namedKinds).toEqual(KINDS.filter((k) => k.named).map((k) => k.value));
    expect(native.flags).toEqual(Flag);
    expect(native.ctxs).toEqual(Ctx);
    expect(native.ctxs).toEqual(Object.fromEntries(CTXS.map((c) => [c.name, c.value])));
    expect(native.commReasons).toEqual(CommReason);
    expect(native.commReasons).toEqual(Object.fromEntries(COMM_REASONS.map((c) => [c.name, c.value])));
    expect(native.sysvecs).toEqual(SysVec);
    expect(native.softirqs).toEqual(Softirq);
    expect(native.kindMeta).toBe(KIND_META);
  });

  it('attaches an entry and an exit program for every system vector, as optional tracepoints', () => {
    for (const v of SYSVECS) {
      expect(native.optionalTracepoints).toContain(`${v.tracepoint}_entry`);
      expect(native.optionalTracepoints).toContain(`${v.tracepoint}_exit`);
    }
  });

  it('lists as optional exactly the optional tracepoints of the contract and the vectors’ pairs', () => {
    const optional = [
      ...TRACEPOINTS.filter((t) => !t.required).map((t) => t.name),
      ...SYSVECS.flatMap((v) => [`${v.tracepoint}_entry`, `${v.tracepoint}_exit`]),
    ];
    expect([...native.optionalTracepoints].sort()).toEqual(optional.sort());
  });

  it('reports only the error codes of the generated list', () => {
    expect(native.errorCodes).toEqual([...ADDON_ERRORS]);
  });
});

// The BPF object is compiled from the same header: its skeleton names one program per tracepoint.
const SKELETON = path.join(root, 'native/generated/lifeline.skel.h');
describe.skipIf(!existsSync(SKELETON) && process.env.CI !== 'true')('the BPF programs', () => {
  it('include an entry and an exit program for every system vector of the header', () => {
    const skel = readFileSync(SKELETON, 'utf8');
    for (const v of SYSVECS) {
      expect(skel).toContain(`struct bpf_program *${v.tracepoint}_entry;`);
      expect(skel).toContain(`struct bpf_program *${v.tracepoint}_exit;`);
    }
  });
});

describe('the BPF programs', () => {
  it('are one per tracepoint of the contract (LL_TRACEPOINTS and the system vectors’ pairs), no more', () => {
    const source = readFileSync(path.resolve(__dirname, '../../bpf/lifeline.bpf.c'), 'utf8');
    const declared = [...source.matchAll(/^SEC\("tp_btf\/(\w+)"\)/gm)].map((m) => m[1]!);
    // the vectors' programs come from one macro, SEC("tp_btf/" #tp "_entry")
    expect(source).toMatch(/SEC\("tp_btf\/" #tp "_entry"\)/);
    expect(source).toMatch(/LL_SYSVECS\(SYSVEC\)/);
    expect(declared.sort()).toEqual(TRACEPOINTS.map((t) => t.name).sort());
  });
});
