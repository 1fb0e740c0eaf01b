/** Every user-facing sentence of lifeline, in one place. */
import { sanitize } from './sanitize.js';

/**
 * A count as the sentences write it, "1,234,567" (what toLocaleString('en-US') gives), without
 * ICU: its set-up on the first call costs a command ~30 ms of start-up (issue 23). Anything but a
 * safe integer is left to toLocaleString.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? `-${out}` : out;
}

export const msg = {
  // options (src/options: checked once, before a capture is read; values quoted as the caller gave them)
  badIdList: (flag: string, s: string) => `${flag} takes comma-separated ids (positive whole numbers), not "${s}"`,
  badId: (flag: string, s: string) => `${flag} takes an id (a positive whole number), not "${s}"`,
  badPositiveInt: (flag: string, s: string) => `${flag} takes a positive whole number, not "${s}"`,
  badWholeNumber: (flag: string, s: string) => `${flag} takes a whole number ≥ 0, not "${s}"`,
  badIntInRange: (flag: string, s: string, min: number, max: number) =>
    `${flag} takes a whole number from ${min} to ${max}, not "${s}"`,
  badChoice: (flag: string, s: string, choices: readonly string[]) =>
    `${flag} takes one of ${choices.join(', ')}, not "${s}"`,
  badRegex: (flag: string, s: string) => `${flag} takes a regular expression; "${s}" is not one`,
  badSeconds: (flag: string, s: string) => `${flag} takes a number of seconds (≥ 0) from the capture start, not "${s}"`,
  badNanoseconds: (name: string, s: string) =>
    `${name} takes a number of nanoseconds (≥ 0) from the capture start, not ${s}`,
  windowAfterCapture: (fromS: number, durationS: number) =>
    `the time window starts at ${fromS} s, after the capture's end (${durationS.toFixed(3)} s)`,
  noSuchProcess: (pid: number) => `no process ${pid} is running (--pid records the threads of a running process)`,
  noThreadMatched: (asked: string) => `no thread of the capture matched ${asked} (lifeline info lists what it holds)`,
  windowReversed: (from: string, to: string) => `the time window is empty: ${from} is after ${to}`,
  badDuration: (s: string) => `--duration takes a positive number of seconds, not "${s}"`,
  badBuffer: (s: string) => `--buffer-mb takes a power of two up to 4096 (e.g. 16, 32, 64), not "${s}"`,
  badFormat: (f: string) => `unknown capture format "${f}" (use sqlite or arrow)`,
  // capture
  notFound: (path: string) => `cannot open ${path}: no such file`,
  notACapture: (path: string) => `${path} is not a lifeline capture (neither SQLite nor Arrow IPC)`,
  foreignSqlite: (path: string) => `${path} is an SQLite database but not a lifeline capture (no meta table)`,
  foreignArrow: (path: string) =>
    `${path} is an Arrow file but not a lifeline capture (schema lacks lifeline metadata)`,
  damaged: (path: string, why: string) => `${path} is damaged: ${why}`,
  newerFormat: (path: string, v: number) => `${path} uses capture format ${v}, newer than this lifeline understands`,
  outputDirMissing: (what: string, dir: string) => `cannot write the ${what}: directory ${dir} does not exist`,
  outputExists: (path: string) => `${path} already exists (use --force to overwrite it)`,
  outputIsDirectory: (what: string, path: string) => `cannot write the ${what}: ${path} is a directory`,
  outputWriteFailed: (path: string, why: string) => `cannot write ${path}: ${why}`,
  diskFull: () => 'the disk is full',
  mirrorIsCapture: (path: string) =>
    `cannot write the mirror to ${path}: it is the capture itself (choose another --mirror)`,
  captureWriteFailed: (path: string, why: string, events: number) =>
    `cannot write ${path}: ${why}; recording stopped, the capture up to then is readable (${grouped(events)} events)`,
  outputIsInput: (what: string, path: string) =>
    `cannot write the ${what} to ${path}: it is the capture being read (choose another -o)`,
  cannotRead: (path: string, why: string) => `cannot read ${path}: ${why}`,
  notRegularFile: () => 'it is not a regular file (a FIFO, a socket or a device)',
  damageEmpty: () => 'the file is empty',
  damageShort: (have: number, want: number) => `the file has ${have} bytes but its header promises ${want}`,
  damageSqlite: (detail: string) => `SQLite says "${detail}"`,
  damageArrowHeader: () => 'the Arrow schema message is cut short',
  damageArrowMessage: (detail: string) => `the Arrow data cannot be decoded (${detail})`,
  damageMeta: () => 'its lifeline meta is not valid JSON',
  arrowNoFooter: () => 'no Arrow file footer',
  arrowShort: () => 'the file is shorter than its Arrow framing says',
  arrowEmptyBatch: () => 'a record batch message holds no batch',
  arrowNoColumn: (name: string) => `column ${name} is missing`,
  arrowBadMetadata: (what: string) => `its Arrow message metadata is malformed (${what})`,
  arrowBadLength: (length: number) => `an Arrow message claims ${length} bytes of metadata`,
  arrowBodyPastEnd: (body: number, max: number) =>
    `an Arrow message claims a body of ${body} bytes where the file holds ${max}`,
  arrowBufferPastBody: (k: number, offset: number, length: number, body: number) =>
    `buffer ${k} of an Arrow record batch (${length} bytes at ${offset}) lies outside its ${body}-byte body`,
  arrowBlockPastEnd: (k: number, offset: number, end: number) =>
    `block ${k} of the Arrow footer (at byte ${offset}) lies outside the file's ${end} bytes of data`,
  arrowCut: () => 'an Arrow message runs past the end of the file',
  arrowBytesAfterEnd: (n: number) => `${n} bytes follow the Arrow end-of-stream marker`,
  arrowBadFooter: (why: string) => `its Arrow file footer is unreadable: ${why}`,
  statusDamaged: (offset: number) => `, DAMAGED at byte ${grouped(offset)}`,
  damageNothingRead: (offset: number, why: string) =>
    `no event of it can be read; it is damaged from byte ${offset}: ${why}`,
  damageRow: (where: string, row: number, what: string) => `${where}, row ${row}: ${what}`,
  damageKind: (kind: number) => `kind ${kind} is not an event kind`,
  damageCpu: (column: string, cpu: number, cpus: number) =>
    cpus > 0 ? `${column} ${cpu} is beyond the capture's ${cpus} CPUs` : `${column} ${cpu} is not a CPU number`,
  damageTs: (ts: number) => `timestamp ${ts} is not a time`,
  damageId: (column: string, value: number, max: number) => `${column} ${value} is outside 0..${max}`,
  damageRange: (column: string, value: number, min: number, max: number) =>
    `${column} ${value} is outside ${min}..${max}`,
  damageCtxId: (id: number, ctx: string) => `context id (b) ${id} is not the id of a ${ctx} context`,
  damageWhereSqlite: (first: number, last: number) => `events with rowids ${first}..${last}`,
  damageWhereArrow: (batch: number, batches?: number, offset?: number) =>
    `record batch ${batch}${batches === undefined ? '' : ` of ${batches}`}${offset === undefined ? '' : ` at byte ${offset}`}`,
  cannotWriteOutput: (why: string) => `cannot write the output: ${why}`,
  diagLost: (n: number, perCpu: string) =>
    `LOST ${grouped(n)} events${perCpu ? ` (${perCpu})` : ''} in the kernel (ring buffer full): threads marked ! or uncertain have numbers from the consistent parts only; record again with a larger --buffer-mb`,
  diagContradictions: (n: number) =>
    `${grouped(n)} contradictions of a thread's state (lost events, or events the kernel did not emit; docs/metrics.md, "Lost events"): threads marked ! have numbers from the consistent parts only`,
  diagDamagedAt: (
    at: { offset: number; batch?: number; why: string; places?: number },
    events?: { read: number; expected: number },
  ) =>
    `DAMAGED at byte ${grouped(at.offset)}${at.batch === undefined ? '' : ` (record batch ${at.batch})`}: ${at.why}${
      (at.places ?? 1) > 2
        ? `, and in ${grouped((at.places ?? 1) - 1)} more places after it`
        : at.places === 2
          ? ', and in one more place after it'
          : ''
    }; ${
      events === undefined
        ? 'the events that could be read around it are shown'
        : `${grouped(events.read)} events could be read where the capture counts ${grouped(events.expected)}; they are shown`
    }`,
  diagDamaged: (read: number, expected: number) =>
    `DAMAGED: ${grouped(read)} events could be read where the capture counts ${grouped(expected)}; what was read is shown`,
  diagLate: (n: number) =>
    `note: ${grouped(n)} events arrived later than the reorder window allows and were not replayed`,
  diagStacks: (fails: Readonly<Record<string, number>>) =>
    `${grouped(Object.values(fails).reduce((x, y) => x + y, 0))} sleeps or wakeups have no kernel stack (${Object.entries(
      fails,
    )
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `${why} ${grouped(n)}`)
      .join(', ')}); their sleep reasons are unknown`,
  diagSkipped: (tps: readonly string[]) => `tracepoints missing on this kernel (not recorded): ${tps.join(', ')}`,
  captureIncomplete: () => 'incomplete: the recorder did not finish; events up to its last whole batch are kept',
  wholeMachine: () => 'whole machine',
  // record
  commandNotFound: (cmd: string) => `cannot run ${cmd}: command not found`,
  progress: (sec: number, rate: number, events: number, lost: number) =>
    `recording ${sec.toFixed(0)} s  ${grouped(Math.round(rate))} events/s  ${grouped(events)} events  lost ${lost}`,
  chainNeedsTarget: () => 'lifeline chain needs --tid N or --pid N',
  noStacks: (file: string) =>
    `${sanitize(file)} has no kernel stacks (recorded with --stacks none, or by a lifeline before stacks)`,
  noSuchThread: (what: string) => `the capture has no wakeups of ${what} (after filters)`,
  lostEvents: (n: number) => `warning: ${n} events were lost (ring buffer full); enlarge it with --buffer-mb`,
  // record: failures the native addon reports as a code (native/addon-errors.h)
  addonBadRingSize: (bytes: string) =>
    `the ring buffer must be a power of two of at least 4096 bytes, not ${bytes} bytes`,
  addonNoBtf: () =>
    'this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): lifeline needs a kernel built with CONFIG_DEBUG_INFO_BTF=y',
  addonBtfUnreadable: (why: string) => `cannot read the kernel's BTF at /sys/kernel/btf/vmlinux (${why})`,
  addonNoTracepoint: (tp: string) => `this kernel has no tracepoint sched:${tp}, which lifeline needs`,
  addonOpenFailed: (why: string) =>
    `cannot open the BPF object (${why}) (run with LIFELINE_DEBUG=1 to print libbpf's log)`,
  addonLoadDenied: () =>
    'loading BPF programs needs root (or CAP_BPF and CAP_PERFMON): run lifeline as root, e.g. with sudo',
  addonLoadFailed: (why: string) =>
    `the kernel refused lifeline's BPF programs (${why}) (run with LIFELINE_DEBUG=1 to print the verifier log)`,
  addonAttachDenied: () =>
    'attaching BPF programs needs root (or CAP_BPF and CAP_PERFMON): run lifeline as root, e.g. with sudo',
  addonAttachFailed: (why: string) =>
    `cannot attach lifeline's BPF programs (${why}) (run with LIFELINE_DEBUG=1 to print libbpf's log)`,
  addonRingbufFailed: (why: string) => `cannot set up the ring buffer reader (${why})`,
  addonReadFailed: (why: string) => `reading the ring buffer failed (${why})`,
  addonClosed: () => 'the recording session is closed',
  addonBusy: (call: string) => `cannot ${call} the recording session while a read is in progress`,
  addonUnknown: (code: string) => `the native recorder failed with an unknown code ${code}`,
  recordSummaryHeader: (file: string) => `capture written to ${sanitize(file)}`,
  noAddon: (why: string) => `the native recorder is not built (${why}); run: npm run build`,
  // report
  reportWritten: (path: string, bytes: number) =>
    `report written to ${sanitize(path)} (${(bytes / 1e6).toFixed(1)} MB)`,
  reportLanesCapped: (shown: number, total: number) =>
    `State timeline: ${shown} of ${total} threads shown, the busiest by run time (choose with --top or --tid).`,
  reportMerged: (chart: string, inputs: number, merged: number, resolution: string, shown: number) =>
    `${chart}: ${merged} of ${inputs} spans shorter than ${resolution} merged, ${shown} drawn (zoomed out, each merged span is colored by what covered most of it).`,
  reportSampled: (what: string, shown: number, total: number, stride: number) =>
    `${what}: ${shown} of ${total} drawn (one in ${stride}).`,
  reportMatrixCapped: (sources: number, totalSources: number, targets: number, totalTargets: number) =>
    `Wakeup matrix: the ${sources} busiest of ${totalSources} sources and the ${targets} most woken of ${totalTargets} threads.`,
  reportTableCapped: (table: string, shown: number, total: number) =>
    `${table}: ${shown} of ${total} rows shown, by run time.`,
  reportNoStacks: () =>
    'This capture was recorded with --stacks none: it has no kernel stacks, so no off-CPU flame chart or sleep reasons.',
  reportStacksBefore: () =>
    'This capture was recorded before lifeline took kernel stacks (capture format 2 or older): no off-CPU flame chart or sleep reasons.',
  reportNoOffCpuSleeps: () => 'No sleep of the threads shown ended within the capture: no off-CPU stacks to draw.',
  reportOffCpuThreadsCapped: (shown: number, total: number) =>
    `Off-CPU flame charts: ${shown} of ${total} sleeping threads, those longest asleep (choose with --tid).`,
  reportOffCpuFramesCapped: (label: string, shown: number, total: number, widest: string) =>
    `Off-CPU flame chart of ${label}: ${shown} of ${total} frames drawn, the widest (none left out is wider than ${widest}).`,
  reportReasonsCapped: (shown: number, total: number) =>
    `Sleep reasons table: ${shown} of ${total} rows shown, threads by time asleep.`,
  reportPathSegmentsCapped: (path: string, shown: number, total: number) =>
    `Critical path of ${path}: the ${shown} longest of ${total} segments drawn (the table counts them all).`,
  reportNoPath: () =>
    'No thread shown had a complete burst (a wakeup, its run and its next sleep) with a known wait before it: no critical path to draw.',
  reportNoDetail: () => 'The analysis carried no per-interval detail, so the timelines and distributions are empty.',
  reportNoLifeline: () => 'No thread was woken within the capture, so there is no lifeline to draw.',
  // serve
  badListen: (s: string) => `--listen takes ADDRESS:PORT (e.g. 127.0.0.1:9477), not "${s}"`,
  badKeep: (flag: string, s: string) => `${flag} takes a duration such as 30s, 10m or 1h, not "${s}"`,
  keepNeedsCapture: () => '--keep and --segment need --capture DIR',
  captureDirMissing: (dir: string) => `cannot write capture segments: directory ${dir} does not exist`,
  svgNotDir: (path: string) => `cannot write the charts as SVG into ${path}: it is not a directory (--svg takes one)`,
  captureNotDir: (dir: string) =>
    `cannot write capture segments into ${dir}: it is not a directory (--capture takes one)`,
  niceFailed: (nice: number, why: string) =>
    `warning: cannot give lifeline's threads priority ${nice} (${why}); it may fall behind on a saturated machine`,
  listenFailed: (addr: string, why: string) => `cannot listen on ${addr}: ${why}`,
  portInUse: (addr: string) => `cannot listen on ${addr}: the address is already in use`,
  notLoopback: (addr: string) =>
    `warning: listening on ${addr}, which is not a loopback address: anyone who can reach it can read what runs on this machine`,
  serving: (url: string) => `serving Prometheus metrics on ${url}/metrics (Ctrl-C to stop)`,
  serveStopped: (events: number, lost: number, segments: number) =>
    `stopped: ${grouped(events)} events replayed, ${lost} lost${segments > 0 ? `, ${segments} capture segments kept` : ''}`,
  // analyze
  noWakeupId: (id: number) => `no wakeup with id ${id} in this analysis`,
  chainNoDetail: () => 'the analysis was run without detail; run it with detail to follow wakeup chains',
  chainNoWakeups: (tid: number) => `thread ${tid} was not woken within the capture (or the window)`,
  pathTwoChoices: (burst: string, longest: string) => `give ${burst} N or ${longest}, not both`,
  pathEmptyInterval: (from: string, to: string) => `the interval is empty: ${to} must be after ${from}`,
  pathBurstNeedsTid: () => '--burst N needs --tid: it counts the bursts of one thread',
  pathNoThread: (tid: number) => `the capture has no thread ${tid} (lifeline info lists what it holds)`,
  pathNoBurst: (what: string) =>
    `no complete burst (a wakeup, its run, its next sleep) of ${what} in the capture or the window; give --from and --to for an interval`,
  pathNoSuchBurst: (what: string, n: number, count: number) =>
    `${what} has ${count} complete burst${count === 1 ? '' : 's'} in the capture or the window, no burst ${n}`,
  tableNoThreads: () => 'no thread matched (check --pid, --tid, --comm and the time window)',
  // export
  badExportTarget: (to: string, formats: readonly string[]) =>
    `--to takes an export format (${formats.join(', ')}) or the window's end in seconds, not "${to}"`,
  exportTwoFormats: (formats: readonly string[]) => `give one export format, not ${formats.join(' and ')}`,
  exportTwoEnds: (given: readonly string[]) => `give the window's end once, not ${given.join(' and ')}`,
  exportNoBootOffset: () =>
    'note: this capture predates lifeline storing CLOCK_BOOTTIME − CLOCK_MONOTONIC; timestamps assume the machine never suspended (offset 0)',
  exportNoExpirySpans: () =>
    'note: this capture predates lifeline recording hrtimer expiry spans; the trace has no hrtimer_expire_entry/exit events',
  datasetWritten: (dir: string, files: number, bytes: number, events: number) =>
    `Parquet dataset written to ${sanitize(dir)} (${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${grouped(events)} events); query it with DuckDB, polars or Spark (docs/fleet.md)`,
  datasetNotDir: (path: string) => `cannot write the Parquet dataset to ${path}: it is a file, not a directory`,
  exportOnlyDataset: (flag: string, format: string) => `${flag} is for a dataset export (--to parquet), not ${format}`,
  exportPathOnlyTrace: (format: string) =>
    `--path-tid and the other --path-* options write a track of a Perfetto trace (--to perfetto), not ${format}`,
  badHost: (host: string) => `--host takes a host name of 1 to 255 characters, not "${host}"`,
  exportWritten: (path: string, bytes: number, events: number) =>
    `trace written to ${sanitize(path)} (${(bytes / 1e6).toFixed(1)} MB, ${grouped(events)} events); open it at ui.perfetto.dev ("Open trace file")`,
  tableCauses: (reattributed: number, onCpu: number, unknown: number) =>
    `reattributed wakeups (run by an interrupt or a kworker, caused by someone other than the task on the CPU): ${reattributed}; ` +
    `caused by the task on the CPU: ${onCpu}, cause unknown: ${unknown}`,
} as const;
