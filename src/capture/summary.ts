/**
 * What `lifeline info` prints about a capture: its meta facts, event counts
 * by kind and by wakeup context, size on disk and losses.
 */
import { diagnose, type DiagnosticFacts } from '../diagnostics.js';
import { inertJson, sanitize } from '../sanitize.js';
import { grouped, msg } from '../messages.js';
import { usableZone, wallTime } from '../wall-time.js';
import { Ctx, CTX_NAMES, Flag, Kind, KIND_NAMES } from '../format/index.js';
import { captureBytes } from './write/file-size.js';
import type { CaptureFormat, CaptureMeta } from './meta.js';
import type { Capture } from './types.js';

export interface WakeupContextCounts {
  task: number;
  hardirq: number;
  softirq: number;
  nmi: number;
  /** Flag counts over the same WAKING / WAKEUP_NEW rows. */
  remote: number;
  idle: number;
  spurious: number;
  unsure: number;
}

export interface CaptureSummary {
  path: string;
  format: CaptureFormat;
  meta: CaptureMeta;
  /** Events read from the file (META rows excluded). */
  events: number;
  /** Events per kind name (KIND_NAMES), kinds that occur only. */
  kinds: Record<string, number>;
  wakeups: WakeupContextCounts;
  bytes: number;
  bytesPerEvent: number;
  lost: number;
  /** First and last event timestamps (monotonic ns), null when there are no events. */
  firstTs: number | null;
  lastTs: number | null;
  /** Wall clock at meta.startNs, ms since the epoch. */
  startWallMs: number;
  /** Recording length: end − start when finished, else up to the last event. */
  durationNs: number;
}

/** Reads every event of `capture` once and gathers the summary. */
export async function summarizeCapture(capture: Capture): Promise<CaptureSummary> {
  const byKind = new Float64Array(256);
  const ctx = new Float64Array(4);
  let remote = 0;
  let idle = 0;
  let spurious = 0;
  let unsure = 0;
  let events = 0;
  let first = Infinity;
  let last = -Infinity;
  // counts need no order: the file's order skips merging the CPUs' skew (the first and last events are
  // the least and greatest ts, where the merged stream moves a row later than its window up: never seen)
  for await (const b of capture.batches({ ordered: false })) {
    if (b.length === 0) continue;
    const { kind, flags, ts } = b;
    for (let i = 0; i < b.length; i++) {
      const t = ts[i]!;
      if (t < first) first = t;
      if (t > last) last = t;
      const k = kind[i]!;
      byKind[k]!++;
      if (k === Kind.WAKING || k === Kind.WAKEUP_NEW) {
        const f = flags[i]!;
        ctx[f & Flag.CTX_MASK]!++;
        if (f & Flag.REMOTE) remote++;
        if (f & Flag.IDLE) idle++;
        if (f & Flag.ON_RQ) spurious++;
        if (f & Flag.UNSURE) unsure++;
      }
    }
    events += b.length;
  }
  const firstTs = events > 0 ? first : null;
  const lastTs = events > 0 ? last : null;
  const kinds: Record<string, number> = {};
  byKind.forEach((count, k) => {
    if (count > 0) kinds[KIND_NAMES[k] ?? `kind ${k}`] = count;
  });
  const { meta } = capture;
  const bytes = captureBytes(capture.path);
  const end = meta.complete && meta.endNs > 0 ? meta.endNs : (lastTs ?? meta.startNs);
  return {
    path: capture.path,
    format: capture.format,
    meta,
    events,
    kinds,
    wakeups: {
      task: ctx[Ctx.TASK]!,
      hardirq: ctx[Ctx.HARDIRQ]!,
      softirq: ctx[Ctx.SOFTIRQ]!,
      nmi: ctx[Ctx.NMI]!,
      remote,
      idle,
      spurious,
      unsure,
    },
    bytes,
    bytesPerEvent: events > 0 ? bytes / events : 0,
    lost: meta.lost,
    firstTs,
    lastTs,
    startWallMs: meta.startNs / 1e6 + meta.clockOffsetMs,
    durationNs: Math.max(0, end - meta.startNs),
  };
}

/** The summary as a plain JSON-ready object (what `lifeline info --json` prints). */
export function infoObject(s: CaptureSummary): Record<string, unknown> {
  const zone = usableZone(s.meta.timezone);
  const local = wallTime(s.startWallMs, zone);
  return {
    path: s.path,
    format: s.format,
    formatVersion: s.meta.formatVersion,
    complete: s.meta.complete,
    start: {
      monotonicNs: s.meta.startNs,
      local: `${local.text} ${zone} (${local.offset})`,
      utc: new Date(s.startWallMs).toISOString(),
      timezone: zone,
    },
    durationNs: s.durationNs,
    host: { hostname: s.meta.hostname, kernel: s.meta.kernel, cpus: s.meta.cpus },
    tool: s.meta.tool,
    command: s.meta.command,
    exitCode: s.meta.exitCode,
    filters: s.meta.filters,
    stacks: { mode: s.meta.stacks, distinct: s.kinds.stack ?? 0, missing: s.meta.stackFails },
    skippedTracepoints: s.meta.skippedTracepoints,
    events: s.events,
    kinds: s.kinds,
    wakeups: s.wakeups,
    bytes: s.bytes,
    bytesPerEvent: Number(s.bytesPerEvent.toFixed(2)),
    lost: s.lost,
    lostPerCpu: s.meta.lostPerCpu,
    diagnostics: diagnose(metaFacts(s.meta, s.events)).map((d) => ({
      id: d.id,
      severity: d.severity,
      count: d.count,
      message: d.line,
    })),
  };
}

/**
 * What the diagnostics catalogue reads from a capture (no analysis: no contradictions), and, given
 * the events read from it, that count against the one a complete meta gives (0: a hand-made meta
 * that counts none, not compared).
 */
export function metaFacts(meta: CaptureMeta, eventsRead?: number): DiagnosticFacts {
  return {
    lost: meta.lost,
    lostPerCpu: meta.lostPerCpu,
    complete: meta.complete,
    skippedTracepoints: meta.skippedTracepoints,
    stackFails: meta.stackFails,
    ...(eventsRead !== undefined && meta.complete && meta.events > 0
      ? { events: { read: eventsRead, expected: meta.events } }
      : {}),
    ...(meta.damage ? { damage: meta.damage } : {}),
  };
}

const int = (n: number) => grouped(Math.round(n));

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function counts(entries: Array<[string, number]>): string {
  return entries.map(([k, v]) => `${k} ${int(v)}`).join('  ');
}

/** Label/value lines of at most ~5 counts each, the label on the first only. */
function wrapped(label: string, entries: Array<[string, number]>, perLine = 5): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (let i = 0; i < entries.length; i += perLine)
    lines.push([i === 0 ? label : '', counts(entries.slice(i, i + perLine))]);
  return lines.length > 0 ? lines : [[label, '-']];
}

/** The human text block of `lifeline info`, or its JSON with `json: true`. */
export function formatInfo(s: CaptureSummary, options: { json?: boolean } = {}): string {
  if (options.json) return inertJson(infoObject(s), 2);
  const m = s.meta;
  const zone = usableZone(m.timezone);
  const local = wallTime(s.startWallMs, zone);
  const utc = wallTime(s.startWallMs, 'UTC');
  const command = m.command
    ? `${m.command.map(sanitize).join(' ')}${m.exitCode === null ? '' : `   (exit ${m.exitCode})`}`
    : msg.wholeMachine();
  const lines: Array<[string, string]> = [
    ['capture', `${sanitize(s.path)} (${s.format}, format ${m.formatVersion}${m.tool ? `, ${sanitize(m.tool)}` : ''})`],
    ['status', `${m.complete ? 'complete' : 'incomplete'}${m.damage ? msg.statusDamaged(m.damage.offset) : ''}`],
    ['start', `${local.text} ${zone} (${local.offset})`],
    ['', `${utc.text} UTC`],
    ['duration', `${(s.durationNs / 1e9).toFixed(3)} s`],
    ['host', `${sanitize(m.hostname)}, Linux ${sanitize(m.kernel)}, ${m.cpus} CPUs`],
    ['command', command],
    [
      'filters',
      `irq spans ${m.filters.irqSpans ? 'on' : 'off'}` +
        (m.filters.workqueues !== undefined ? `, workqueues ${m.filters.workqueues ? 'on' : 'off'}` : '') +
        `, tgid ${m.filters.tgid > 0 ? m.filters.tgid : 'all'}`,
    ],
    [
      'stacks',
      m.stacks === 'kernel'
        ? `kernel, ${int(s.kinds.stack ?? 0)} distinct`
        : m.stacks === 'none'
          ? 'none (recorded with --stacks none)'
          : 'none (recorded before stacks)',
    ],
    ['events', `${int(s.events)}   lost ${int(s.lost)}`],
    ['size', `${megabytes(s.bytes)}, ${s.bytesPerEvent.toFixed(1)} bytes/event`],
    ...wrapped('kinds', Object.entries(s.kinds)),
    ['wakeups', counts(CTX_NAMES.map((c) => [c, s.wakeups[c]]))],
    [
      '',
      counts([
        ['remote', s.wakeups.remote],
        ['idle', s.wakeups.idle],
        ['spurious', s.wakeups.spurious],
        ['unsure', s.wakeups.unsure],
      ]),
    ],
  ];
  for (const d of diagnose(metaFacts(s.meta, s.events))) lines.push([d.severity, sanitize(d.line)]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
