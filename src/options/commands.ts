/**
 * The options of each command, checked once, at the API boundary (src/api.ts), before a
 * capture is opened or the recorder loads. What comes out is typed and valid; the stages
 * below trust it and do not check again.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { AnalyzeOptions, GroupBy, PathQuery, SortKey } from '../analyze/index.js';
import { CAPTURE_FORMATS } from '../capture/index.js';
import { DEFAULT_EXPORT_FORMAT, EXPORT_FORMATS, EXPORT_FORMAT_NAMES } from '../export/formats.js';
import type { CaptureFormat } from '../capture/index.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { DEFAULT_REPORT_BUDGET } from '../report/budget.js';
import type { ReportBudget } from '../report/types.js';
import {
  choice,
  duration,
  id,
  idList,
  intInRange,
  positiveInt,
  regex,
  wholeNumber,
  window,
  windowEnd,
  type Typed,
} from './values.js';

/**
 * The keys `analyze --sort` accepts (the CLI lists them in its help). They come from the metric
 * catalogue, loaded here only when asked: the CLI's other commands start without the analysis.
 */
export async function sortKeys(): Promise<readonly string[]> {
  return (await import('../analyze/index.js')).SORT_KEYS;
}

/** Thread selection and time window, as analyze, chain and report take them. */
export interface FilterInput {
  /** Processes (tgids): "1,2", a number or an array. */
  pid?: Typed | readonly number[];
  /** Threads: "1,2", a number or an array. */
  tid?: Typed | readonly number[];
  /** Thread names: a regular expression (source text or RegExp). */
  comm?: string | RegExp;
  /** Window start / end in seconds from the capture start (what --from / --to take). */
  from?: Typed;
  to?: Typed;
  /** Or the window in ns from the capture start. */
  fromNs?: number;
  toNs?: number;
}

export type Filters = Pick<AnalyzeOptions, 'pid' | 'tid' | 'comm' | 'fromNs' | 'toNs'>;

export function checkFilters(o: FilterInput): Filters {
  const from = windowEnd('--from', o.from, 'fromNs', o.fromNs);
  const to = windowEnd('--to', o.to, 'toNs', o.toNs);
  const out: Filters = { ...window(from, to) };
  const pid = idList('--pid', o.pid);
  const tid = idList('--tid', o.tid);
  const comm = regex('--comm', o.comm);
  if (pid) out.pid = pid;
  if (tid) out.tid = tid;
  if (comm) out.comm = comm;
  return out;
}

export const GROUPS: readonly GroupBy[] = ['thread', 'process'];

export interface TableInput {
  by?: string;
  sort?: string;
  top?: Typed;
}

export interface TableChoice {
  by: GroupBy;
  sort: SortKey;
  top?: number;
}

/** `sortKeys`: what sortKeys() gives (the API has the analysis loaded when it checks a table). */
export function checkTable(o: TableInput, sortKeys: readonly string[]): TableChoice {
  return {
    by: choice('--by', o.by, GROUPS, 'OPTION_BAD_GROUP') ?? 'thread',
    sort: choice('--sort', o.sort, sortKeys, 'OPTION_BAD_SORT') ?? 'run',
    top: positiveInt('--top', o.top),
  };
}

export interface ChainInput extends Omit<FilterInput, 'pid' | 'tid'> {
  /** The thread whose wakeups to follow … */
  tid?: Typed;
  /** … or every thread of this process. */
  pid?: Typed;
  /** Follow each chain back at most this many links (0: the wakeup alone). */
  depth?: Typed;
  /** At most this many wakeups per thread. */
  limit?: Typed;
}

export interface ChainChoice {
  filters: Filters;
  target: { tid: number } | { pid: number };
  depth?: number;
  limit?: number;
}

export function checkChain(o: ChainInput): ChainChoice {
  const tid = id('--tid', o.tid);
  const pid = id('--pid', o.pid);
  const depth = wholeNumber('--depth', o.depth);
  const limit = positiveInt('--limit', o.limit);
  const filters = checkFilters({ comm: o.comm, from: o.from, to: o.to, fromNs: o.fromNs, toNs: o.toNs });
  if (tid === undefined && pid === undefined) throw missingTarget();
  return { filters, target: tid !== undefined ? { tid } : { pid: pid! }, depth, limit };
}

function missingTarget(): LifelineError {
  return new LifelineError('OPTION_MISSING_TARGET', msg.chainNeedsTarget());
}

export interface PathInput extends Omit<FilterInput, 'tid'> {
  /** The thread whose interval to account for (absent: the busiest thread that has bursts). */
  tid?: Typed;
  /** Its n-th burst (1-based), with the wait before it … */
  burst?: Typed;
  /** … or its longest burst(s): true for one, a number for that many. */
  longest?: Typed | boolean;
  /** Follow causes at most this many wakeups back. */
  depth?: Typed;
  /** Only the summaries, not each segment. */
  summary?: boolean;
}

/** The deepest --depth a path takes (each level is a nested call of the walk). */
export const PATH_DEPTH_LIMIT = 1000;

export interface PathChoice {
  query: PathQuery;
  /** Without --tid: the threads whose bursts may be chosen (--pid, --comm). */
  filters: Pick<Filters, 'pid' | 'comm'>;
}

/**
 * lifeline path: an explicit interval (--from and --to), the n-th burst, or the longest (the default).
 * `prefix` names the flags in messages as another command takes them (export's --path-tid …).
 */
export function checkPath(o: PathInput, prefix = ''): PathChoice {
  const flag = (name: string): string => `--${prefix}${name}`;
  const tid = id(flag('tid'), o.tid);
  const burst = positiveInt(flag('burst'), o.burst);
  const longest = o.longest === true ? 1 : o.longest === false ? undefined : positiveInt(flag('longest'), o.longest);
  const depth = intInRange(flag('depth'), o.depth, 0, PATH_DEPTH_LIMIT);
  const from = windowEnd(flag('from'), o.from, 'fromNs', o.fromNs);
  const to = windowEnd(flag('to'), o.to, 'toNs', o.toNs);
  const { fromNs, toNs } = window(from, to);
  if (burst !== undefined && longest !== undefined)
    throw new LifelineError('OPTION_MISSING_TARGET', msg.pathTwoChoices(flag('burst'), flag('longest')));
  const explicit = burst === undefined && longest === undefined && fromNs !== undefined && toNs !== undefined;
  if (explicit && toNs! <= fromNs!)
    throw new LifelineError('OPTION_BAD_WINDOW', msg.pathEmptyInterval(flag('from'), flag('to')));
  const query: PathQuery = {};
  if (tid !== undefined) query.tid = tid;
  // without a thread: the longest bursts of the capture, whichever thread's
  else query.anyThread = true;
  if (fromNs !== undefined) query.fromNs = fromNs;
  if (toNs !== undefined) query.toNs = toNs;
  if (burst !== undefined) query.burst = burst;
  else if (!explicit) query.longest = longest ?? 1;
  if (depth !== undefined) query.maxDepth = depth;
  if (o.summary === true) query.summaryOnly = true;
  const filters: Pick<Filters, 'pid' | 'comm'> = {};
  const pid = idList(flag('pid'), o.pid);
  const comm = regex(flag('comm'), o.comm);
  if (pid) filters.pid = pid;
  if (comm) filters.comm = comm;
  if (tid === undefined && (pid !== undefined || comm !== undefined)) query.selected = true;
  return { query, filters };
}

export const RENDERERS = ['canvas', 'svg'] as const;

export interface ReportInput extends FilterInput {
  /** The HTML file; default reports/<capture name>.html. */
  out?: string;
  /** Also write each chart as DIR/<chart>.svg. */
  svgDir?: string;
  /** At most this many thread lanes. */
  top?: Typed;
  utc?: boolean;
  renderer?: string;
  budget?: Partial<Record<keyof ReportBudget, Typed>>;
  /** Replace an existing file at the report's path (never an input). */
  force?: boolean;
}

export interface ReportChoice {
  filters: Filters;
  out?: string;
  svgDir?: string;
  utc: boolean;
  renderer: (typeof RENDERERS)[number];
  budget: ReportBudget;
  top?: number;
  force: boolean;
}

export function checkReport(o: ReportInput): ReportChoice {
  const budget: ReportBudget = { ...DEFAULT_REPORT_BUDGET };
  for (const [key, value] of Object.entries(o.budget ?? {})) {
    if (!(key in DEFAULT_REPORT_BUDGET) || value === undefined) continue;
    budget[key as keyof ReportBudget] = positiveInt(`report limit ${key}`, value)!;
  }
  const top = positiveInt('--top', o.top);
  if (top !== undefined) budget.maxLanes = top;
  // --svg takes a directory (made when missing): a file there is refused before the replay
  if (o.svgDir !== undefined && fs.statSync(o.svgDir, { throwIfNoEntry: false })?.isDirectory() === false)
    throw new LifelineError('OUTPUT_NOT_DIRECTORY', msg.svgNotDir(o.svgDir));
  return {
    filters: checkFilters(o),
    out: o.out,
    svgDir: o.svgDir,
    utc: o.utc === true,
    renderer: choice('--renderer', o.renderer, RENDERERS, 'OPTION_BAD_RENDERER') ?? 'canvas',
    budget,
    top,
    force: o.force === true,
  };
}

export interface RecordInput {
  output?: string;
  /** sqlite (default) or arrow. */
  format?: string;
  /** Stop after this many seconds. */
  durationSec?: Typed;
  /** The command to run; an element whose name is not UTF-8 as its raw bytes. */
  command?: Array<string | Buffer>;
  /** Ring buffer size in MiB, a power of two. */
  bufferMb?: Typed;
  irqSpans?: boolean;
  /** Record workqueue items (queueing, start, end) so kworker wakeups get their cause (default true). */
  workqueues?: boolean;
  /** Only events involving this process. */
  tgid?: Typed;
  /** Kernel stacks on sleeps and wakings: kernel (default) or none. */
  stacks?: string;
  force?: boolean;
  /** A second capture of the same recording: a path (.arrow: Arrow, else SQLite) or path and format. */
  mirror?: string | { output: string; format?: string };
}

export interface RecordChoice {
  output?: string;
  format: CaptureFormat;
  durationSec?: number;
  command?: Array<string | Buffer>;
  bufferMb: number;
  irqSpans: boolean;
  workqueues: boolean;
  tgid?: number;
  stacks: StackMode;
  force: boolean;
  mirror?: { output: string; format: CaptureFormat };
}

/** What --stacks takes: kernel stacks of sleepers and wakers, or none. */
export const STACK_MODES = ['kernel', 'none'] as const;
export type StackMode = (typeof STACK_MODES)[number];

export function checkRecord(o: RecordInput): RecordChoice {
  const format = choice('--format', o.format, CAPTURE_FORMATS, 'OPTION_BAD_FORMAT') ?? 'sqlite';
  const durationSec = positiveSeconds(o.durationSec);
  const bufferMb = o.bufferMb === undefined ? defaultBufferMb() : powerOfTwo(o.bufferMb);
  const tgid = id('--pid', o.tgid);
  let mirror: RecordChoice['mirror'];
  if (typeof o.mirror === 'string')
    mirror = { output: o.mirror, format: o.mirror.endsWith('.arrow') ? 'arrow' : 'sqlite' };
  else if (o.mirror !== undefined)
    mirror = {
      output: o.mirror.output,
      format: choice('--format', o.mirror.format, CAPTURE_FORMATS, 'OPTION_BAD_FORMAT') ?? 'sqlite',
    };
  return {
    output: o.output,
    format,
    durationSec,
    command: o.command,
    bufferMb,
    irqSpans: o.irqSpans !== false,
    workqueues: o.workqueues !== false,
    tgid,
    stacks: choice('--stacks', o.stacks, STACK_MODES, 'OPTION_BAD_STACKS') ?? 'kernel',
    force: o.force === true,
    mirror,
  };
}

function positiveSeconds(v: Typed | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new LifelineError('OPTION_BAD_NUMBER', msg.badDuration(String(v)));
  return n;
}

function powerOfTwo(v: Typed): number {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(n) || n <= 0 || (n & (n - 1)) !== 0 || n > 4096)
    throw new LifelineError('OPTION_BAD_NUMBER', msg.badBuffer(String(v)));
  return n;
}

export { EXPORT_FORMATS, EXPORT_FORMAT_NAMES };

export interface ExportInput {
  /**
   * `--to`, as the issue names both: the format to write (perfetto, the default) and, given as a
   * number of seconds, the window's end; a string or the values of a repeated flag.
   */
  to?: string | readonly string[];
  /** The file to write; default reports/<capture name>.pftrace. */
  out?: string;
  /** Window start / end in seconds from the capture start (--from / --until), or in ns. */
  from?: Typed;
  until?: Typed;
  fromNs?: number;
  toNs?: number;
  /** Replace an existing file at the output path (never the capture read). */
  force?: boolean;
  /** A dataset format (parquet): the `host` column's value (default: the capture's hostname). */
  host?: string;
  /** A dataset format: write hive-style host=…/date=… folders. */
  partition?: boolean;
  /** Also write the critical path of these intervals as a track (--path-tid, --path-burst …). */
  path?: PathInput;
}

export interface ExportChoice {
  format: string;
  out?: string;
  fromNs?: number;
  toNs?: number;
  force: boolean;
  host?: string;
  partition: boolean;
  /** The critical paths to write as tracks beside the scheduler's. */
  path?: PathQuery;
}

export function checkExport(o: ExportInput): ExportChoice {
  // `--to` names the format, or, as a number, the window's end (what --until also gives)
  const tos = o.to === undefined ? [] : typeof o.to === 'string' ? [o.to] : o.to;
  const formats = tos.filter((t) => EXPORT_FORMAT_NAMES.includes(t));
  const ends = tos.filter((t) => !formats.includes(t));
  // anything not a number is a format we do not write; a number is checked as a window end below
  for (const t of ends)
    if (t.trim() === '' || Number.isNaN(Number(t)))
      throw new LifelineError('OPTION_BAD_FORMAT', msg.badExportTarget(t, EXPORT_FORMAT_NAMES));
  if (new Set(formats).size > 1) throw new LifelineError('OPTION_BAD_FORMAT', msg.exportTwoFormats(formats));
  const endGiven = [...ends.map((t) => `--to ${t}`), ...(o.until !== undefined ? [`--until ${String(o.until)}`] : [])];
  if (endGiven.length > 1) throw new LifelineError('OPTION_BAD_WINDOW', msg.exportTwoEnds(endGiven));
  const from = windowEnd('--from', o.from, 'fromNs', o.fromNs);
  const until =
    ends.length > 0 ? windowEnd('--to', ends[0], 'toNs', o.toNs) : windowEnd('--until', o.until, 'toNs', o.toNs);
  const format = formats[0] ?? DEFAULT_EXPORT_FORMAT;
  const dataset = EXPORT_FORMATS.find((f) => f.name === format)?.output === 'dataset';
  if (!dataset && o.host !== undefined)
    throw new LifelineError('OPTION_BAD_FORMAT', msg.exportOnlyDataset('--host', format));
  if (!dataset && o.partition === true)
    throw new LifelineError('OPTION_BAD_FORMAT', msg.exportOnlyDataset('--partition', format));
  if (dataset && o.path !== undefined) throw new LifelineError('OPTION_BAD_FORMAT', msg.exportPathOnlyTrace(format));
  if (o.host !== undefined && (o.host.length === 0 || o.host.length > 255))
    throw new LifelineError('OPTION_BAD_HOST', msg.badHost(o.host));
  return {
    format,
    ...(o.out !== undefined && { out: o.out }),
    ...window(from, until),
    force: o.force === true,
    ...(o.host !== undefined && { host: o.host }),
    partition: o.partition === true,
    ...(o.path !== undefined && { path: checkPath(o.path, 'path-').query }),
  };
}

export interface ServeInput {
  /** ADDRESS:PORT (default 127.0.0.1:9477; port 0: any free port). */
  listen?: string;
  /** Process names with series of their own (default 40). */
  top?: Typed;
  /** PIDs or process names whose threads get series of their own ("1,sshd" or a list). */
  watch?: string | readonly string[];
  /** Flight recorder: directory of the capture segments, their length, how long they are kept. */
  capture?: string;
  segment?: Typed;
  keep?: Typed;
  format?: string;
  bufferMb?: Typed;
  /** Nice value of serve's threads (−20…19, default DEFAULT_SERVE_NICE). */
  nice?: Typed;
}

export interface ServeChoice {
  host: string;
  port: number;
  top: number;
  watch: (number | string)[];
  capture?: { dir: string; keepMs: number; segmentMs: number; format: CaptureFormat };
  bufferMb: number;
  nice: number;
}

export const DEFAULT_SERVE_TOP = 40;
/**
 * serve's threads run at this nice value: on a saturated machine the drain and the
 * replay must get their share of the CPU or the ring buffer fills and events are lost
 * (bench:serve, "saturated" row).
 */
export const DEFAULT_SERVE_NICE = -10;

/** Ring buffer size by CPU count: 8 MiB per CPU as a power of two, 32 MiB to 1 GiB. */
export function defaultBufferMb(cpus = os.cpus().length): number {
  const want = Math.max(32, Math.min(1024, 8 * cpus));
  return 2 ** Math.ceil(Math.log2(want));
}
export const DEFAULT_LISTEN = '127.0.0.1:9477';

export function checkServe(o: ServeInput): ServeChoice {
  const listen = o.listen ?? DEFAULT_LISTEN;
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new LifelineError('OPTION_BAD_ADDRESS', msg.badListen(listen));
  const top = positiveInt('--top', o.top) ?? DEFAULT_SERVE_TOP;
  const bufferMb = o.bufferMb === undefined ? defaultBufferMb() : powerOfTwo(o.bufferMb);
  const nice = intInRange('--nice', o.nice, -20, 19) ?? DEFAULT_SERVE_NICE;
  const list = o.watch === undefined ? [] : typeof o.watch === 'string' ? [o.watch] : [...o.watch];
  const watch = list
    .flatMap((w) => w.split(','))
    .filter((w) => w !== '')
    .map((w) => (/^\d+$/.test(w) ? Number(w) : w));
  if ((o.keep !== undefined || o.segment !== undefined) && o.capture === undefined)
    throw new LifelineError('OPTION_MISSING_TARGET', msg.keepNeedsCapture());
  const out: ServeChoice = { host: m[1]!.replace(/^\[|\]$/g, ''), port, top, watch, bufferMb, nice };
  if (o.capture !== undefined) {
    // before anything starts: a file here would fail at the first segment, minutes later
    const st = fs.statSync(o.capture, { throwIfNoEntry: false });
    if (st === undefined) throw new LifelineError('OUTPUT_DIR_MISSING', msg.captureDirMissing(o.capture));
    if (!st.isDirectory()) throw new LifelineError('OUTPUT_NOT_DIRECTORY', msg.captureNotDir(o.capture));
    out.capture = {
      dir: o.capture,
      keepMs: duration('--keep', o.keep) ?? 10 * 60_000,
      segmentMs: duration('--segment', o.segment) ?? 60_000,
      format: choice('--format', o.format, CAPTURE_FORMATS, 'OPTION_BAD_FORMAT') ?? 'sqlite',
    };
  }
  return out;
}
