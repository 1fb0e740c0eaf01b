/** The `lifeline analyze --json` document: the capture, the rows with the catalogue's fields, the graph; durations in ns. */
import { diagnose } from '../../diagnostics.js';
import { inertJson, inertJsonText } from '../../sanitize.js';
import type { CaptureMeta } from '../../capture/index.js';
import { factsOf } from './facts.js';
import {
  CATALOGUE,
  entriesFor,
  type Catalogue,
  type MetricDef,
  type MetricRow,
  type Stat,
} from '../catalogue/catalogue.js';
import type { Analysis, Edge, SleepReason, WakeSource } from '../types.js';

export interface JsonSource {
  kind: WakeSource['kind'];
  tid?: number;
  tgid?: number;
  comm?: string;
  name?: string;
  /** A task running a workqueue item: the item's function. */
  work?: string;
}

/** A field of a row: its value as the catalogue reads it. */
export type JsonField = number | string | boolean | Partial<Record<Stat, number>> | JsonWaker[] | JsonSleepReason[];

/** A sleep reason (types.ts SleepReason) with its wakers' sources in the JSON form. */
export type JsonSleepReason = Omit<SleepReason, 'wakers'> & {
  wakers: (Omit<SleepReason['wakers'][number], 'source'> & { source: JsonSource })[];
};

/** A waker: what ran the wakeups, what caused them when not the source itself, how many. */
export interface JsonWaker {
  source: JsonSource;
  cause?: JsonSource;
  count: number;
}
type JsonFields = Record<string, JsonField>;

export type JsonThread = { tid: number; tgid: number; comm: string } & JsonFields;
export type JsonProcess = { tgid: number; comm: string; threads: number } & JsonFields;

export interface AnalysisJson {
  capture: {
    format: string;
    events: number;
    lost: number;
    contradictions: number;
    startWall: string;
    durationNs: number;
  };
  threads: JsonThread[];
  processes: JsonProcess[];
  edges: { from: JsonSource; via?: JsonSource; to: { tid: number; tgid: number; comm: string }; count: number }[];
  reattributed: number;
  onCpuCause: number;
  unknownCause: number;
  /** What makes this analysis less than the whole truth (src/diagnostics.ts), [] when nothing does. */
  diagnostics: { id: string; severity: string; count: number; message: string }[];
}

/** The document; a row has its identity (tid, tgid, comm; a process's `threads` last) and the catalogue's JSON fields in order. */
export function toJson(analysis: Analysis, catalogue: Catalogue = CATALOGUE, meta?: CaptureMeta): AnalysisJson {
  return document(analysis, catalogue, meta, (build) => build());
}

/**
 * The document as the text `analyze --json` prints: the same text as inertJson(toJson(…), 2), in
 * pieces of about CHUNK_CHARS, so that the output is written as it is made and memory stays flat
 * whatever its size (3,600 threads: 121 MB of text). Rows are built only when JSON.stringify reaches
 * them (their toJSON) and are garbage right after; JSON.stringify writes a few rows at a time,
 * nested as in the document, so that their indentation is the document's.
 */
export function* jsonChunks(
  analysis: Analysis,
  catalogue: Catalogue = CATALOGUE,
  meta?: CaptureMeta,
): Generator<string, void, undefined> {
  const doc = document(analysis, catalogue, meta, (build) => ({ toJSON: build }) as never);
  const lists: Record<ListKey, readonly unknown[]> = {
    threads: doc.threads,
    processes: doc.processes,
    edges: doc.edges,
  };
  // the document with each list as a marker: a string no value of those before it can hold (NUL)
  const marker = (key: ListKey): string => `\0${key}\0`;
  let rest = inertJson(
    { ...doc, threads: marker('threads'), processes: marker('processes'), edges: marker('edges') },
    2,
  );
  let out = '';
  for (const key of LIST_KEYS) {
    const mark = JSON.stringify(marker(key));
    const at = rest.indexOf(mark);
    out += rest.slice(0, at);
    rest = rest.slice(at + mark.length);
    const rows = lists[key];
    if (rows.length === 0) {
      out += '[]';
      continue;
    }
    out += '[\n    ';
    for (let i = 0; i < rows.length; i += ROWS_PER_PIECE[key]) {
      if (i > 0) out += ',\n    ';
      out += listText(rows.slice(i, i + ROWS_PER_PIECE[key]));
      if (out.length >= CHUNK_CHARS) {
        yield out;
        out = '';
      }
    }
    out += '\n  ]';
  }
  yield out + rest;
}

type ListKey = 'threads' | 'processes' | 'edges';
const LIST_KEYS: readonly ListKey[] = ['threads', 'processes', 'edges'];
/** Rows per JSON.stringify: a thread's or a process's can be large (its sleep reasons), an edge is small. */
const ROWS_PER_PIECE: Record<ListKey, number> = { threads: 2, processes: 2, edges: 128 };
/** About the text handed over at a time (characters). */
const CHUNK_CHARS = 1 << 15;
/** A list of rows at the document's depth: `{ "x": [ rows ] }` indented by 2 puts them there. */
const LIST_HEAD = '{\n  "x": [\n    ';
const LIST_TAIL = '\n  ]\n}';

/** Some rows of a list, as they stand in the document between its brackets. */
function listText(rows: readonly unknown[]): string {
  const text = inertJsonText(JSON.stringify({ x: rows }, null, 2));
  return text.slice(LIST_HEAD.length, text.length - LIST_TAIL.length);
}

/** The document, each row (thread, process, edge) made by `row` from its builder. */
function document(
  analysis: Analysis,
  catalogue: Catalogue,
  meta: CaptureMeta | undefined,
  row: <T>(build: () => T) => T,
): AnalysisJson {
  const r = analysis.result;
  const threadRow = rowMaker(['tid', 'tgid', 'comm'], entriesFor('json', 'thread', catalogue), []);
  const processRow = rowMaker(['tgid', 'comm'], entriesFor('json', 'process', catalogue), ['threads']);
  return {
    capture: {
      format: r.capture.format,
      events: r.capture.events,
      lost: r.capture.lost,
      contradictions: r.capture.contradictions,
      startWall: r.capture.startWall,
      durationNs: r.capture.durationNs,
    },
    threads: r.threads.map((t) =>
      row(() => {
        const out = threadRow(t) as JsonThread;
        out.tid = t.tid;
        out.tgid = t.tgid;
        out.comm = t.comm;
        return out;
      }),
    ),
    processes: r.processes.map((p) =>
      row(() => {
        const out = processRow(p) as JsonProcess;
        out.tgid = p.tgid;
        out.comm = p.comm;
        out.threads = p.threads;
        return out;
      }),
    ),
    edges: r.edges.map((e) => row(() => edge(e))),
    reattributed: r.reattributed,
    onCpuCause: r.onCpuCause ?? 0,
    unknownCause: r.unknownCause ?? 0,
    diagnostics: diagnose(factsOf(analysis, meta)).map((d) => ({
      id: d.id,
      severity: d.severity,
      count: d.count,
      message: d.line,
    })),
  };
}

/**
 * The maker of a kind of row: `head` keys, the fields of `entries` (a split's parts after its
 * field) read from a result row, then `tail` keys, which the caller fills. A row is a copy of a
 * template with every key in order: filled key by key (a computed key each), every row was a
 * dictionary of properties instead of an object with a shape, slower to fill and to print.
 */
function rowMaker(
  head: readonly string[],
  entries: readonly MetricDef[],
  tail: readonly string[],
): (m: MetricRow) => JsonFields {
  const keys = [...head];
  for (const e of entries) keys.push(e.key, ...(e.split?.parts ?? []).map((p) => p.key));
  keys.push(...tail);
  // Object.fromEntries makes an object with a shape, which a spread copies
  const template: JsonFields = Object.fromEntries(keys.map((k) => [k, 0]));
  return (m) => {
    const out = { ...template };
    for (const e of entries) {
      out[e.key] = value(e, m);
      for (const p of e.split?.parts ?? []) out[p.key] = p.read(m);
    }
    return out;
  };
}

function value(e: MetricDef, m: MetricRow): JsonField {
  switch (e.kind) {
    case 'distribution': {
      const d = e.read(m);
      const out: Partial<Record<Stat, number>> = {};
      for (const s of e.stats) out[s] = d[s] ?? 0;
      return out;
    }
    case 'sources':
      return e
        .read(m)
        .map((w) =>
          w.cause !== undefined
            ? { source: source(w.source), cause: source(w.cause), count: w.count }
            : { source: source(w.source), count: w.count },
        );
    case 'reasons':
      return e.read(m).map((r) => ({ ...r, wakers: r.wakers.map((w) => ({ ...w, source: source(w.source) })) }));
    default:
      return e.read(m);
  }
}

function edge(e: Edge): AnalysisJson['edges'][number] {
  const to = { tid: e.to.tid, tgid: e.to.tgid, comm: e.to.comm };
  return e.via !== undefined
    ? { from: source(e.from), via: source(e.via), to, count: e.count }
    : { from: source(e.from), to, count: e.count };
}

function source(s: WakeSource): JsonSource {
  const out: JsonSource = { kind: s.kind };
  if (s.tid !== undefined) out.tid = s.tid;
  if (s.tgid !== undefined) out.tgid = s.tgid;
  if (s.comm !== undefined) out.comm = s.comm;
  if (s.name !== undefined) out.name = s.name;
  if (s.work !== undefined) out.work = s.work;
  return out;
}
