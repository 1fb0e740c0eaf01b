/**
 * `lifeline record`: attach the BPF programs, run the workload (or wait),
 * stream the ring buffer into a capture file batch by batch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import {
  createWriter,
  concatBatches,
  type EventBatch,
  blankMeta,
  type CaptureFormat,
  type CaptureMeta,
} from '../capture/index.js';
import type { CaptureWriter } from '../capture/index.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { checkOutputPath } from '../output-path.js';
import { loadAddon, openSession, type NativeSession } from './addon.js';
import { RecordDecoder } from './decode.js';
import { drainSession } from './drain.js';
import { Kind, KIND_NAMES, STACK_FAILS } from '../format/index.js';
import { commandText, findCommand, spawnArgs, type CommandArg } from './find-command.js';
import { clockOffsetMs, hostFacts, monotonicNs } from './host-facts.js';
import { preloadKernelSymbols } from './kallsyms.js';
import { VERSION } from '../version.js';

const FLUSH_ROWS = 65536;
const FLUSH_MS = 1000;
/** How long a workload gets to end on SIGTERM when the recording fails, before SIGKILL. */
const STOP_GRACE_MS = 3000;

export interface RecordOptions {
  /** Capture file; default lifeline-YYYYMMDD-HHMMSS.db (or .arrow) in the current directory. */
  output?: string;
  format?: CaptureFormat;
  /** Stop after this many seconds (without a command: default until SIGINT/SIGTERM). */
  durationSec?: number;
  /** Run this command and record until it exits (an element not UTF-8 as its raw bytes). */
  command?: CommandArg[];
  /** Ring buffer size in MiB (a power of two). */
  bufferMb?: number;
  /** Record irq/softirq/nmi spans (context tracking is always on). */
  irqSpans?: boolean;
  /** Record workqueue items, so that a kworker's wakeups get their cause (default true). */
  workqueues?: boolean;
  /** Only events involving this process (kernel-side filter). */
  tgid?: number;
  /** Kernel stacks on sleeps and wakings ('kernel', the default) or none. */
  stacks?: 'kernel' | 'none';
  /** At most this many distinct stacks (default and maximum STACK_IDS): the API's knob, for tests. */
  maxStacks?: number;
  force?: boolean;
  /** Also write the same recording to a second capture (e.g. the other format). */
  mirror?: { output: string; format: CaptureFormat };
  /** Called about once a second while recording. */
  onProgress?: (p: RecordProgress) => void;
  /** Stop recording when aborted (the CLI wires SIGINT/SIGTERM here). */
  signal?: AbortSignal;
  /** stdio of the recorded command. */
  stdio?: 'inherit' | 'ignore' | 'pipe';
}

export interface RecordProgress {
  elapsedSec: number;
  events: number;
  eventsPerSec: number;
  lost: number;
}

export interface RecordResult {
  path: string;
  format: CaptureFormat;
  durationNs: number;
  events: number;
  byKind: Record<string, number>;
  lost: number;
  lostPerCpu: number[];
  /** Kernel stacks: 'kernel' or 'none'; distinct stacks recorded; events left without one, by reason. */
  stacks: 'kernel' | 'none';
  distinctStacks: number;
  stackFails: Record<string, number>;
  bytes: number;
  bytesPerEvent: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  skippedTracepoints: string[];
}

function defaultOutput(format: CaptureFormat): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return `lifeline-${stamp}.${format === 'arrow' ? 'arrow' : 'db'}`;
}

export async function record(opts: RecordOptions = {}): Promise<RecordResult> {
  const format = opts.format ?? 'sqlite';
  // The options were checked at the API boundary (src/options).
  const bufferMb = opts.bufferMb ?? 32;
  const command = opts.command && opts.command.length > 0 ? opts.command : null;
  if (command && !findCommand(command[0]!))
    throw new LifelineError('RECORD_NO_COMMAND', msg.commandNotFound(commandText(command[0]!)), 127);

  // --pid names a running process, or the recording would hold nothing of it
  if (opts.tgid !== undefined && opts.tgid > 0 && !fs.existsSync(`/proc/${opts.tgid}`))
    throw new LifelineError('OPTION_NO_MATCH', msg.noSuchProcess(opts.tgid));
  const output = path.resolve(opts.output ?? defaultOutput(format));
  // Every output is checked before any is created, or before the BPF programs load: a mirror
  // that cannot be written must not leave the capture behind, half made.
  const mirrorPath = opts.mirror ? path.resolve(opts.mirror.output) : undefined;
  checkOutputPath(output, 'capture', { overwrite: opts.force });
  if (mirrorPath !== undefined) {
    if (mirrorPath === output) throw new LifelineError('OUTPUT_IS_INPUT', msg.mirrorIsCapture(mirrorPath));
    checkOutputPath(mirrorPath, 'mirror', { overwrite: opts.force });
  }
  const facts = hostFacts();
  const meta: CaptureMeta = {
    ...blankMeta(),
    tool: `lifeline ${VERSION}`,
    kernel: facts.kernel,
    kernelVersion: facts.kernelVersion,
    machine: facts.machine,
    hostname: facts.hostname,
    clockOffsetMs: clockOffsetMs(),
    timezone: facts.timezone,
    command: command && command.map(commandText),
    filters: { irqSpans: opts.irqSpans ?? true, tgid: opts.tgid ?? 0, workqueues: opts.workqueues ?? true },
    stacks: opts.stacks ?? 'kernel',
  };

  // kallsyms is read and indexed beside the BPF programs' loading (a worker), not at the first stack
  const symbols = meta.stacks === 'kernel' ? preloadKernelSymbols() : undefined;
  let session: NativeSession | null = null;
  const writers: CaptureWriter[] = [];
  try {
    session = openSession({
      ringBytes: bufferMb << 20,
      irqSpans: meta.filters.irqSpans,
      workqueues: meta.filters.workqueues !== false,
      kernelStacks: meta.stacks === 'kernel',
      ...(opts.maxStacks !== undefined ? { maxStacks: opts.maxStacks } : {}),
      tgid: meta.filters.tgid,
    });
    meta.cpus = session.cpus;
    meta.bootOffsetNs = loadAddon().bootOffsetNs();
    meta.skippedTracepoints = session.skipped;
    meta.startNs = monotonicNs();
    // A writer refuses an existing file or a missing directory, and writes nothing then.
    writers.push(await createWriter(output, format, meta, { force: opts.force }));
    if (opts.mirror && mirrorPath !== undefined)
      writers.push(await createWriter(mirrorPath, opts.mirror.format, meta, { force: opts.force }));
    await symbols;
  } catch (e) {
    session?.close();
    // the capture made before its mirror failed goes: nothing half made is left behind
    for (const w of writers) await discard(w);
    throw e;
  }
  return run(session, writers, meta, { ...opts, command });
}

async function run(
  session: NativeSession,
  writers: CaptureWriter[],
  meta: CaptureMeta,
  opts: Omit<RecordOptions, 'command'> & { command: CommandArg[] | null },
): Promise<RecordResult> {
  const decoder = new RecordDecoder();
  let events = 0;
  let stopping = false;
  let child: ChildProcess | null = null;
  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  let timer: NodeJS.Timeout | null = null;
  const stop = () => {
    stopping = true;
    session.interrupt();
  };
  const onAbort = () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    else stop();
  };
  opts.signal?.addEventListener('abort', onAbort);

  // Decoded reads are coalesced into capture batches of FLUSH_ROWS rows or FLUSH_MS of
  // recording, whichever comes first: few, large batches keep the files compact, and a
  // recorder killed mid-run loses at most the last second.
  let pending: EventBatch[] = [];
  let pendingRows = 0;
  let lastFlush = Date.now();
  const flush = async () => {
    lastFlush = Date.now();
    if (pendingRows === 0) return;
    const batch = concatBatches(pending);
    pending = [];
    pendingRows = 0;
    for (const w of writers) await w.append(batch);
  };
  const append = async (batch: EventBatch | null) => {
    if (batch && batch.length > 0) {
      events += batch.length;
      pending.push(batch);
      pendingRows += batch.length;
    }
    if (pendingRows >= FLUSH_ROWS || Date.now() - lastFlush >= FLUSH_MS) await flush();
  };

  try {
    if (opts.command) {
      const { file, args } = spawnArgs(opts.command);
      child = spawn(file, args, { stdio: opts.stdio ?? 'inherit' });
      child.on('error', stop);
      child.on('exit', (code, sig) => {
        exitCode = code;
        exitSignal = sig;
        stop();
      });
    }
    if (opts.durationSec !== undefined) timer = setTimeout(stop, opts.durationSec * 1000);
    if (opts.signal?.aborted) onAbort();

    const t0 = Date.now();
    let lastProgress = t0;
    let lastEvents = 0;
    await drainSession(session, decoder, {
      stopping: () => stopping,
      batch: (batch) => append(batch),
      tick: () => {
        const now = Date.now();
        if (!opts.onProgress || now - lastProgress < 1000) return;
        const lost = session.lost().reduce((x, y) => x + y, 0);
        opts.onProgress({
          elapsedSec: (now - t0) / 1000,
          events,
          eventsPerSec: ((events - lastEvents) * 1000) / (now - lastProgress),
          lost,
        });
        lastProgress = now;
        lastEvents = events;
      },
      detached: () => {
        meta.endNs = monotonicNs();
      },
    });
    await flush();
    meta.lostPerCpu = session.lost();
    meta.lost = meta.lostPerCpu.reduce((x, y) => x + y, 0);
    meta.stackFails = stackFailsOf(session);
    meta.exitCode = exitCode ?? (exitSignal ? 128 + signalNumber(exitSignal) : null);
    meta.events = events;
    meta.complete = true;
    for (const w of writers) await w.finish(meta);
  } catch (e) {
    // Recording stops here (a capture could not be written: the disk full). The workload does
    // not outlive it, and the captures still writable get what was recorded up to now.
    stopping = true;
    await stopWorkload(child);
    if (meta.endNs === 0) meta.endNs = monotonicNs();
    meta.lostPerCpu = session.lost();
    meta.lost = meta.lostPerCpu.reduce((x, y) => x + y, 0);
    meta.exitCode = exitCode ?? (exitSignal ? 128 + signalNumber(exitSignal) : null);
    meta.events = events;
    for (const w of writers) {
      try {
        await w.finish(meta); // a writer that failed is closed already: nothing happens
      } catch {
        // this one failed too; the error already names the first
      }
    }
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    session.close();
  }

  const byKind: Record<string, number> = {};
  decoder.counts.forEach((n, k) => {
    if (n > 0) byKind[KIND_NAMES[k] ?? `kind${k}`] = n;
  });
  const main = writers[0]!;
  const bytes = main.bytes();
  return {
    path: main.path,
    format: main.format,
    durationNs: meta.endNs - meta.startNs,
    events,
    byKind,
    lost: meta.lost,
    lostPerCpu: meta.lostPerCpu,
    stacks: meta.stacks ?? 'none',
    distinctStacks: decoder.counts[Kind.STACK]!,
    stackFails: meta.stackFails,
    bytes,
    bytesPerEvent: events > 0 ? bytes / events : 0,
    exitCode,
    exitSignal,
    skippedTracepoints: meta.skippedTracepoints,
  };
}

/** The recorder's stack failure counters by reason (LL_STACK_FAILS). */
export function stackFailsOf(session: NativeSession): Record<string, number> {
  const counts = session.stackFails();
  return Object.fromEntries(STACK_FAILS.map((f) => [f.label, counts[f.value] ?? 0]));
}

/** Closes a capture this run created and removes it (and SQLite's side files). */
async function discard(w: CaptureWriter): Promise<void> {
  try {
    await w.finish(blankMeta());
  } catch {
    // removed below all the same
  }
  for (const f of [w.path, `${w.path}-wal`, `${w.path}-shm`, `${w.path}-journal`]) fs.rmSync(f, { force: true });
}

/** The processes below `pid` (children, theirs, …), from /proc: a workload's whole tree. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  for (let todo = [pid]; todo.length > 0;) {
    const next = todo.flatMap((p) => children.get(p) ?? []);
    out.push(...next);
    todo = next;
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // exited already
    }
  }
}

/**
 * Ends the recorded command and every process it started, if still running: SIGTERM, then
 * SIGKILL after a grace period. A recording that failed must not leave its workload behind.
 */
async function stopWorkload(child: ChildProcess | null): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tree = [child.pid, ...descendants(child.pid)];
  const others = tree.slice(1);
  const gone = async (ms: number): Promise<boolean> => {
    const until = Date.now() + ms;
    let childDone = false;
    void exited.then(() => (childDone = true));
    while (Date.now() < until) {
      if (childDone && !others.some(alive)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  signal(tree, 'SIGTERM');
  if (await gone(STOP_GRACE_MS)) return;
  signal(tree, 'SIGKILL');
  await gone(STOP_GRACE_MS);
}

function signalNumber(sig: NodeJS.Signals): number {
  const n = (osConstants.signals as Record<string, number>)[sig];
  return typeof n === 'number' ? n : 0;
}
