#!/usr/bin/env node
/**
 * Writes src/format/contract.generated.ts from the X-macro lists of bpf/lifeline.h
 * (and the addon's error list, native/addon-errors.h), so that the TypeScript
 * constants are never copied by hand. The C preprocessor expands each list with
 * a macro that prints one `@list field…;` entry per item; this script parses
 * them. Usage: node scripts/gen-contract.mjs [output path]. The file is only
 * written when its content changes (the build's staleness checks use mtimes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'src/format/contract.generated.ts'));

const probe = `
#include "lifeline.h"
#include "addon-errors.h"
#define E_KIND(name, value, label, record) @kind name value label record;
#define E_CTX(name, value, label) @ctx name value label;
#define E_FLAG(name, value) @flag name value;
#define E_STACK_FLAG(name, value) @stackflag name value;
#define E_STACK_FAIL(name, value, label) @stackfail name value label;
#define E_REASON(name, value, label) @reason name value label;
#define E_VEC(name, value, tp, x86) @sysvec name value tp x86;
#define E_TP(tp, required) @tracepoint tp required;
#define E_SOFTIRQ(name, value) @softirq name value;
#define E_FIELD(name, type, offset) @field name offset;
#define E_ERROR(name) @error name;
LL_KINDS(E_KIND)
LL_CTXS(E_CTX)
LL_FLAGS(E_FLAG)
LL_STACK_FLAGS(E_STACK_FLAG)
LL_STACK_FAILS(E_STACK_FAIL)
LL_COMM_REASONS(E_REASON)
LL_SYSVECS(E_VEC)
LL_TRACEPOINTS(E_TP)
LL_SOFTIRQS(E_SOFTIRQ)
LL_EVENT_FIELDS(E_FIELD)
LL_ADDON_ERRORS(E_ERROR)
@const NAME_LEN LL_NAME_LEN;
@const CTX_DEPTH LL_CTX_DEPTH;
@const EVENT_SIZE LL_EVENT_SIZE;
@const NAME_OFFSET LL_NAME_OFFSET;
@const NAME_EVENT_SIZE LL_NAME_EVENT_SIZE;
@const STACK_DEPTH LL_STACK_DEPTH;
@const STACK_IDS LL_STACK_IDS;
@const STACK_OFFSET LL_STACK_OFFSET;
@const STACK_EVENT_SIZE LL_STACK_EVENT_SIZE;
@const KIND_META LL_KIND_META;
`;

// clang is what the BPF build uses, so it is always installed (scripts/setup.sh).
const cc = process.env.LIFELINE_CPP ?? 'clang';
const expanded = execFileSync(
  cc,
  ['-E', '-P', '-I', path.join(root, 'bpf'), '-I', path.join(root, 'native'), '-x', 'c', '-'],
  {
    input: probe,
    encoding: 'utf8',
  },
);

/** A number or a small constant expression of numbers (e.g. `(40 + 64)`). */
function num(text) {
  const t = text.trim();
  if (!/^[\d\sxXa-fA-F()+\-*<>|&]+$/.test(t)) throw new Error(`gen-contract: not a constant: ${t}`);
  const v = Function(`"use strict"; return (${t});`)();
  if (!Number.isInteger(v)) throw new Error(`gen-contract: not an integer: ${t}`);
  return v;
}

const lists = {};
for (const m of expanded.matchAll(/@(\w+)\s+([^;]*);/g)) {
  const tokens = m[2].match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  (lists[m[1]] ??= []).push(tokens);
}
const label = (t) => JSON.parse(t);
const consts = Object.fromEntries((lists.const ?? []).map(([name, ...v]) => [name, num(v.join(' '))]));
const kinds = lists.kind.map(([name, value, l, record]) => ({
  name,
  value: num(value),
  label: label(l),
  named: num(record) === 1,
  stack: num(record) === 2,
}));
const stackFlags = lists.stackflag.map(([name, value]) => ({ name, value: num(value) }));
const stackFails = lists.stackfail.map(([name, value, l]) => ({ name, value: num(value), label: label(l) }));
const ctxs = lists.ctx.map(([name, value, l]) => ({ name, value: num(value), label: label(l) }));
const flags = lists.flag.map(([name, value]) => ({ name, value: num(value) }));
const reasons = lists.reason.map(([name, value, l]) => ({ name, value: num(value), label: label(l) }));
const sysvecs = lists.sysvec.map(([name, value, tracepoint, x86]) => ({
  name,
  value: num(value),
  tracepoint,
  x86: num(x86),
}));
const tracepoints = lists.tracepoint.map(([name, required]) => ({ name, required: num(required) !== 0 }));
const softirqs = lists.softirq.map(([name, value]) => ({ name, value: num(value) }));
const fields = lists.field.map(([name, offset]) => ({ name, offset: num(offset) }));
const errors = lists.error.map(([name]) => name);

for (const k of kinds)
  if (k.value <= 0 || k.value >= consts.KIND_META)
    throw new Error(`gen-contract: kind ${k.name} is not below LL_KIND_META`);
for (const [what, list] of [
  ['kind', kinds],
  ['ctx', ctxs],
  ['flag', flags],
  ['comm reason', reasons],
  ['sysvec', sysvecs],
  ['softirq', softirqs],
]) {
  const seen = new Set();
  for (const e of list) {
    if (seen.has(e.value)) throw new Error(`gen-contract: two ${what}s have the value ${e.value}`);
    seen.add(e.value);
  }
}

const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const hex = (v) => `0x${v.toString(16).padStart(2, '0')}`;
const obj = (entries, fmt = String) => `{\n${entries.map(([k, v]) => `  ${k}: ${fmt(v)},`).join('\n')}\n}`;
const arr = (items) => `[\n${items.map((i) => `  ${i},`).join('\n')}\n]`;
const rec = (o) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? q(v) : v}`)
    .join(', ')} }`;

const text = `// Generated from bpf/lifeline.h and native/addon-errors.h by scripts/gen-contract.mjs.
// Do not edit: change the lists in the header and run \`npm run build:contract\`.
// test/format/contract.test.ts fails when this file is stale.

/** LL_NAME_LEN: bytes of the name that named records append. */
export const NAME_LEN = ${consts.NAME_LEN};
/** LL_CTX_DEPTH: nested interrupt frames the recorder tracks per CPU. */
export const CTX_DEPTH = ${consts.CTX_DEPTH};
/** sizeof(struct ll_event). */
export const EVENT_SIZE = ${consts.EVENT_SIZE};
/** sizeof(struct ll_name_event). */
export const NAME_EVENT_SIZE = ${consts.NAME_EVENT_SIZE};

/** LL_STACK_DEPTH: frames a STACK record holds. */
export const STACK_DEPTH = ${consts.STACK_DEPTH};
/** LL_STACK_IDS: distinct stacks one recording can hold (ids 1..STACK_IDS). */
export const STACK_IDS = ${consts.STACK_IDS};
/** sizeof(struct ll_stack_event). */
export const STACK_EVENT_SIZE = ${consts.STACK_EVENT_SIZE};

/** Byte offsets of the fields of struct ll_event (LL_EVENT_FIELDS), of the appended name and of a STACK's frames. */
export const OFFSETS = ${obj([
  ...fields.map((f) => [f.name, f.offset]),
  ['name', consts.NAME_OFFSET],
  ['frames', consts.STACK_OFFSET],
])} as const;

/** Recorded event kinds (LL_KINDS). */
export const Kind = ${obj(kinds.map((k) => [k.name, k.value]))} as const;
export type KindName = keyof typeof Kind;

/** LL_KINDS as a list: \`named\` kinds are ll_name_event records, \`stack\` kinds ll_stack_event records. */
export const KINDS = ${arr(kinds.map(rec))} as const;

/** LL_KIND_META: the kind of a capture's own rows (meta trailer), outside the recorded kinds. */
export const KIND_META = ${consts.KIND_META};

/** Wakeup contexts (LL_CTXS), in flags & Flag.CTX_MASK of waking rows. */
export const Ctx = ${obj(ctxs.map((c) => [c.name, c.value]))} as const;
export const CTXS = ${arr(ctxs.map(rec))} as const;

/** Flag bits (LL_FLAGS). */
export const Flag = ${obj(
  flags.map((f) => [f.name, f.value]),
  hex,
)} as const;

/** Flag bits of STACK records (LL_STACK_FLAGS). */
export const StackFlag = ${obj(
  stackFlags.map((f) => [f.name, f.value]),
  hex,
)} as const;

/** Why an event got no stack (LL_STACK_FAILS): the recorder counts each, per CPU. */
export const STACK_FAILS = ${arr(stackFails.map(rec))} as const;

/** Reasons of COMM events (LL_COMM_REASONS), in flags. */
export const CommReason = ${obj(reasons.map((r) => [r.name, r.value]))} as const;
export const COMM_REASONS = ${arr(reasons.map(rec))} as const;

/**
 * x86 system vectors (LL_SYSVECS); \`tracepoint\` is irq_vectors:<tracepoint>_entry/exit, \`x86\`
 * the vector number (arch/x86/include/asm/irq_vectors.h) that ftrace's events carry.
 */
export const SysVec = ${obj(sysvecs.map((v) => [v.name, v.value]))} as const;
export const SYSVECS = ${arr(sysvecs.map(rec))} as const;

/** The tracepoints with a BPF program of the same name (LL_TRACEPOINTS), besides the system vectors'. */
export const TRACEPOINTS = ${arr(tracepoints.map(rec))} as const;

/** Linux softirq vectors (LL_SOFTIRQS). */
export const Softirq = ${obj(softirqs.map((v) => [v.name, v.value]))} as const;
export const SOFTIRQS = ${arr(softirqs.map(rec))} as const;

/** Failures the native addon reports as \`code\` (LL_ADDON_ERRORS); src/record/addon.ts words them. */
export const ADDON_ERRORS = ${arr(errors.map(q))} as const;
export type AddonError = (typeof ADDON_ERRORS)[number];
`;

if (!existsSync(out) || readFileSync(out, 'utf8') !== text) writeFileSync(out, text);
