/**
 * The diagnostics catalogue: what can make a capture or an analysis less than the whole truth,
 * declared once (name, severity, what it means and what to do, serve's counter). `info`,
 * `analyze` (table and JSON), `chain`, `export`, the report and serve show the ones present from
 * here, in these words; the README's table is written from it (npm run docs:metrics).
 */
import { grouped, msg } from './messages.js';

export type DiagnosticId = 'lost' | 'incomplete' | 'damaged' | 'contradictions' | 'late' | 'skipped' | 'stacks';
export type Severity = 'warning' | 'note';

/** The facts the diagnostics are read from (a capture's meta, and an analysis when there is one). */
export interface DiagnosticFacts {
  lost: number;
  lostPerCpu: readonly number[];
  complete: boolean;
  skippedTracepoints: readonly string[];
  /** Facts that contradicted a thread's state (an analysis); unknown without one. */
  contradictions?: number;
  /** Events later than the reorder window allowed (serve). */
  late?: number;
  /** Events that could not be given their kernel stack, by reason (the recorder's counters). */
  stackFails?: Readonly<Record<string, number>>;
  /** The events read from a complete capture, and how many its meta counts (they must agree). */
  events?: { read: number; expected: number };
  /** Where the capture's readable part ends in damage (a reader stopped there), and why. */
  damage?: { offset: number; batch?: number; why: string; places?: number };
}

export interface DiagnosticDef {
  id: DiagnosticId;
  severity: Severity;
  title: string;
  /** What it means and what to do: the README's table, the report's tooltip. */
  help: string;
  /** serve's counter of it, when serve counts it. */
  prom?: { name: string; labels: readonly string[]; help: string };
  /** How much of it these facts hold (0: none). */
  count(f: DiagnosticFacts): number;
  /** One line saying it, for a terminal or a page. */
  line(f: DiagnosticFacts): string;
}

/** "cpu0 12  cpu3 7": the CPUs that lost events (they sum to the total). */
export function lostPerCpuText(lostPerCpu: readonly number[]): string {
  return lostPerCpu
    .map((n, cpu) => (n > 0 ? `cpu${cpu} ${grouped(n)}` : ''))
    .filter((s) => s !== '')
    .join('  ');
}

export const DIAGNOSTICS: readonly DiagnosticDef[] = [
  {
    id: 'lost',
    severity: 'warning',
    title: 'lost events',
    help: 'Events the kernel dropped because the ring buffer was full, per CPU. States, wakers and durations near the gaps may be wrong (threads marked uncertain). Record again with a larger --buffer-mb; for serve, see the ring fill and replay lag.',
    prom: {
      name: 'lifeline_lost_events_total',
      labels: ['cpu'],
      help: 'Events lost in the kernel (ring buffer full), by the CPU that emitted them.',
    },
    count: (f) => f.lost,
    line: (f) => msg.diagLost(f.lost, lostPerCpuText(f.lostPerCpu)),
  },
  {
    id: 'incomplete',
    severity: 'warning',
    title: 'incomplete capture',
    help: 'The recorder did not finish (killed, crashed, the machine stopped): the capture ends at its last whole batch, and its end facts (lost counts, exit status) are missing.',
    count: (f) => (f.complete ? 0 : 1),
    line: () => msg.captureIncomplete(),
  },
  {
    id: 'damaged',
    severity: 'warning',
    title: 'damaged capture',
    help: 'A capture with data that does not decode (said with its byte offset and record batch), or a complete capture whose events, as read, are not as many as its meta counts: the file was damaged after it was written (a disk error, a copy cut short, an edit). What could be read around the damage is shown; the rest is missing.',
    count: (f) => Math.max(f.damage ? 1 : 0, f.events === undefined ? 0 : Math.abs(f.events.expected - f.events.read)),
    line: (f) =>
      f.damage ? msg.diagDamagedAt(f.damage, f.events) : msg.diagDamaged(f.events!.read, f.events!.expected),
  },
  {
    id: 'contradictions',
    severity: 'note',
    title: 'contradictions',
    help: "Facts that contradicted a thread's state: lost events, or events the kernel never emitted. The threads concerned are marked uncertain; their numbers come from the consistent parts.",
    prom: {
      name: 'lifeline_contradictions_total',
      labels: [],
      help: 'Facts that contradicted a thread state: lost events, or events the kernel never emitted.',
    },
    count: (f) => f.contradictions ?? 0,
    line: (f) => msg.diagContradictions(f.contradictions ?? 0),
  },
  {
    id: 'late',
    severity: 'note',
    title: 'late events',
    help: "Events that reached serve later than its reorder window allows (a CPU's batch delayed): they are counted, not replayed.",
    prom: {
      name: 'lifeline_late_events_total',
      labels: [],
      help: 'Events that arrived later than the reorder window allows.',
    },
    count: (f) => f.late ?? 0,
    line: (f) => msg.diagLate(f.late ?? 0),
  },
  {
    id: 'skipped',
    severity: 'note',
    title: 'skipped tracepoints',
    help: 'Optional tracepoints this kernel lacks: what they record (interrupt spans, renames, timer expiries) is missing, and attribution falls back to what the rest shows.',
    count: (f) => f.skippedTracepoints.length,
    line: (f) => msg.diagSkipped(f.skippedTracepoints),
  },
  {
    id: 'stacks',
    severity: 'note',
    title: 'missing stacks',
    help: "Sleeps and wakeups recorded without their kernel stack: the kernel could not walk it (untaken), the recording's table of distinct stacks was full (full), or the stack's record found the ring buffer full (lost). Their sleep reasons read as unknown; everything else is whole. Record shorter, or with a larger --buffer-mb for lost ones.",
    prom: {
      name: 'lifeline_stacks_missing_total',
      labels: ['reason'],
      help: 'Sleeps and wakeups recorded without their kernel stack, by reason: untaken (the kernel could not walk it), full (the table of distinct stacks was full), lost (ring buffer full).',
    },
    count: (f) => Object.values(f.stackFails ?? {}).reduce((x, y) => x + y, 0),
    line: (f) => msg.diagStacks(f.stackFails ?? {}),
  },
];

export interface Present {
  id: DiagnosticId;
  severity: Severity;
  title: string;
  count: number;
  line: string;
}

/** The diagnostics these facts hold, in the catalogue's order. */
export function diagnose(f: DiagnosticFacts): Present[] {
  return DIAGNOSTICS.filter((d) => d.count(f) > 0).map((d) => ({
    id: d.id,
    severity: d.severity,
    title: d.title,
    count: d.count(f),
    line: d.line(f),
  }));
}

/** A present diagnostic as a terminal line: a warning stands out, a note says it is one. */
export function terminalLine(d: Present): string {
  return d.severity === 'warning' ? `*** ${d.line} ***` : `note: ${d.line}`;
}

/** A present diagnostic as a note beside an output (export's stderr): a note says it is one. */
export function noteLine(d: Present): string {
  return d.severity === 'note' ? `note: ${d.line}` : d.line;
}

export function diagnostic(id: DiagnosticId): DiagnosticDef {
  return DIAGNOSTICS.find((d) => d.id === id)!;
}

const BEGIN = '<!-- diagnostics: generated by npm run docs:metrics from src/diagnostics.ts, do not edit -->';
const END = '<!-- end of diagnostics -->';

export function diagnosticsTable(): string {
  return [
    '| diagnostic | severity | serve counter | meaning and what to do |',
    '| --- | --- | --- | --- |',
    ...DIAGNOSTICS.map(
      (d) =>
        `| ${d.title} | ${d.severity} | ${d.prom ? `\`${d.prom.name}\`${d.prom.labels.length ? ` {${d.prom.labels.join(', ')}}` : ''}` : ''} | ${d.help} |`,
    ),
  ].join('\n');
}

/** `doc` with its diagnostics table rewritten; undefined without the markers. */
export function withDiagnosticsTable(doc: string): string | undefined {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return undefined;
  return `${doc.slice(0, a + BEGIN.length)}\n${diagnosticsTable()}\n${doc.slice(b)}`;
}
