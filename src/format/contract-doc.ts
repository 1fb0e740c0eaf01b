/**
 * docs/capture-format.md's tables of the contract (kinds, flags, contexts), written from the
 * contract's lists and the column uses below, by `npm run docs:metrics`;
 * test/format/contract-doc.test.ts fails when the page is stale. A new kind or flag does not
 * type-check until it is described here.
 */
import { CTXS, Flag, KINDS, KIND_META, SOFTIRQS, SYSVECS, type KindName } from './contract.generated.js';

/** How a kind uses the capture's columns (empty: unused). */
interface KindDoc {
  tid?: string;
  tid2?: string;
  a?: string;
  b?: string;
  c?: string;
  stack?: string;
  name?: string;
  flags?: string;
}

const RAISER = "raiser's context, `SYSVEC`, `UNSURE`";
export const KIND_DOCS: Record<KindName, KindDoc> = {
  SWITCH: {
    tid: 'previous thread',
    tid2: 'next thread',
    a: 'prev_state (kernel task state bits; 0 = runnable)',
    b: 'prev prio',
    c: 'next prio',
    stack: 'into S or D: the stack it slept in',
    flags: '`PREEMPT`',
  },
  WAKING: {
    tid: 'target thread',
    tid2: 'thread on this CPU',
    a: 'target CPU',
    b: 'context id (below)',
    c: 'callback symbol id, 0 = none',
    stack: "the waker's stack (the interrupt's, in one)",
    flags: 'context and waking bits',
  },
  WAKEUP_NEW: {
    tid: 'new child thread',
    tid2: 'thread on this CPU',
    a: 'target CPU',
    b: 'context id',
    c: 'callback symbol id',
    stack: "the waker's stack",
    flags: 'as waking',
  },
  FORK: { tid: 'child tid', tid2: 'parent tid', a: 'child tgid', b: 'parent tgid' },
  EXEC: { tid: 'tid', tid2: 'tid before exec', a: 'tgid', name: 'filename' },
  EXIT: { tid: 'exiting tid', a: 'tgid', b: 'prio' },
  COMM: { tid: 'tid', a: 'tgid', name: 'command name', flags: 'reason: 0 seen, 1 fork, 2 exec, 3 rename' },
  IRQ_ENTRY: { a: 'irq number, or system vector with `SYSVEC`', flags: '`SYSVEC`' },
  IRQ_EXIT: { a: 'as irq_entry', flags: '`SYSVEC`' },
  SOFTIRQ_ENTRY: { a: 'softirq vector' },
  SOFTIRQ_EXIT: { a: 'softirq vector' },
  NMI: { b: 'duration ns (`ts` is the end)', c: 'handler symbol id' },
  IRQ_NAME: { a: 'irq number', name: 'handler name' },
  SYM: { c: 'symbol id', name: 'kernel symbol' },
  SOFTIRQ_RAISE: {
    tid: 'thread on this CPU',
    a: 'softirq vector raised',
    b: "raiser's context id",
    flags: RAISER,
  },
  HRTIMER_START: {
    tid: 'thread on this CPU',
    tid2: 'expiry − `ts`, in µs',
    a: 'timer id',
    b: "armer's context id",
    c: "the timer's callback symbol id",
    flags: "armer's context, `SYSVEC`, `UNSURE`",
  },
  TIMER_START: { tid: 'as hrtimer_start, for a `timer_list` timer (expiry rounded to jiffies)' },
  TIMER_EXPIRE: {
    tid: 'thread on this CPU',
    a: 'timer id',
    b: 'context id',
    c: 'the callback symbol id',
    flags: 'context, `SYSVEC`, `UNSURE`',
  },
  HRTIMER_EXPIRE_ENTRY: { tid: 'thread on this CPU', a: 'timer id', c: 'the callback symbol id' },
  HRTIMER_EXPIRE_EXIT: { tid: 'thread on this CPU', a: 'timer id' },
  STACK: {
    tid: 'stack id (what `stack` holds)',
    a: 'frames',
    name: 'the frames, innermost first, `;`-separated: `function` or `function [module]`',
    flags: '`TRUNCATED` (0x01): deeper than the recorder keeps',
  },
  WORK_QUEUE: {
    tid: 'thread on this CPU',
    tid2: 'the CPU the item is queued on (−1: an unbound workqueue)',
    a: "work id (the work item's address, folded like a timer id)",
    b: "queuer's context id",
    c: "the item's function symbol id",
    flags: "queuer's context, `SYSVEC`, `UNSURE` (a timer callback that queues is named first by its `timer_expire`)",
  },
  WORK_START: {
    tid: 'the worker (thread on this CPU)',
    a: 'work id',
    b: 'context id',
    c: "the item's function symbol id",
    flags: 'context (task for a kworker, softirq for a BH workqueue), `UNSURE`',
  },
  WORK_END: { tid: 'the worker', a: 'work id', b: 'context id', flags: 'as work_start' },
};

/** On which kinds each flag bit is set, and what it means. */
export const FLAG_DOCS: Record<keyof typeof Flag, { name?: string; on: string; meaning: string }> = {
  CTX_MASK: {
    name: 'context mask',
    on: 'waking, wakeup_new, softirq_raise, *timer_start, timer_expire, work_*',
    meaning: CTXS.map((c) => `${c.value} ${c.label}`).join(', '),
  },
  REMOTE: { on: 'waking', meaning: 'target CPU differs from this CPU' },
  IDLE: { on: 'waking', meaning: 'the idle task was on this CPU' },
  ON_RQ: { on: 'waking', meaning: 'target was still on a run queue: a spurious wakeup' },
  SYSVEC: { on: 'waking, irq, kinds 15–18, 22–24', meaning: 'the id is an x86 system vector, not an irq number' },
  UNSURE: {
    on: 'waking, kinds 15–18, 22–24',
    meaning: 'the context was not yet known on this CPU (recording had just begun)',
  },
  PREEMPT: { on: 'switch', meaning: 'the previous thread was preempted and is still runnable' },
};

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`.replace(/ {2,}\|/g, ' |');

export function kindsTable(): string {
  const cols = ['tid', 'tid2', 'a', 'b', 'c', 'stack', 'name', 'flags'] as const;
  return [
    row(['kind', 'name', ...cols]),
    row(['---', '---', ...cols.map(() => '---')]),
    ...KINDS.map((k) => row([String(k.value), k.label, ...cols.map((c) => KIND_DOCS[k.name][c] ?? '')])),
    row([String(KIND_META), 'meta', '', '', '', '', '', '', 'JSON CaptureMeta', '']),
  ].join('\n');
}

export function flagsTable(): string {
  const hex = (v: number) => `\`0x${v.toString(16).padStart(2, '0')}\``;
  return [
    row(['bit', 'name', 'on', 'meaning']),
    row(['---', '---', '---', '---']),
    ...(Object.keys(FLAG_DOCS) as (keyof typeof Flag)[]).map((f) =>
      row([hex(Flag[f]), FLAG_DOCS[f].name ?? f, FLAG_DOCS[f].on, FLAG_DOCS[f].meaning]),
    ),
  ].join('\n');
}

/** The context ids' list: what `b` holds in each context. */
export function contextsList(): string {
  const list = (xs: readonly { value: number; name: string }[], f: (x: { value: number; name: string }) => string) =>
    xs.map((x) => `${x.value} ${f(x)}`).join(', ');
  const say: Record<string, string> = {
    task: '`b` is 0; the thread on the CPU (`tid2`) is the waker.',
    hardirq: `with \`SYSVEC\`, \`b\` is a system vector: ${list(
      SYSVECS.map((v) => ({ value: v.value, name: v.tracepoint })),
      (v) => v.name,
    )}. Without it, \`b\` is a device irq number, named by IRQ_NAME rows.`,
    softirq: `\`b\` is the vector: ${list(SOFTIRQS, (v) => v.name)}.`,
  };
  return CTXS.map((c) => `- **${c.label}** (${c.value})${say[c.label] ? `: ${say[c.label]}` : '.'}`).join('\n');
}

const SECTIONS: [string, () => string][] = [
  ['kinds', kindsTable],
  ['flags', flagsTable],
  ['contexts', contextsList],
];

/** `doc` with each generated section rewritten; undefined when a section's markers are missing. */
export function withContractTables(doc: string): string | undefined {
  let out = doc;
  for (const [id, make] of SECTIONS) {
    const begin = `<!-- contract ${id}: generated by npm run docs:metrics from bpf/lifeline.h and src/format/contract-doc.ts -->`;
    const end = `<!-- end of contract ${id} -->`;
    const a = out.indexOf(begin);
    const b = out.indexOf(end);
    if (a < 0 || b < a) return undefined;
    out = `${out.slice(0, a + begin.length)}\n${make()}\n${out.slice(b)}`;
  }
  return out;
}
