/** The native recorder (native/addon.cc), typed. Loaded lazily: analysis never needs it. */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { getSystemErrorName } from 'node:util';
import { addonErrorCode, LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { ADDON_ERRORS, type AddonError } from '../format/index.js';
import { irqEntryText } from './kallsyms.js';

export interface SessionOptions {
  ringBytes?: number;
  irqSpans?: boolean;
  /** Attach the workqueue programs (default true). */
  workqueues?: boolean;
  /** Kernel stacks on sleeps and wakings (default true). */
  kernelStacks?: boolean;
  /** At most this many distinct stacks (default and maximum STACK_IDS); tests lower it to fill the table. */
  maxStacks?: number;
  tgid?: number;
  wakeupBytes?: number;
  /** Largest batch one read() returns (the rest waits in the ring for the next); default 4 MiB. */
  batchBytes?: number;
  /**
   * The interrupt entry code, where a stack taken in an interrupt is cut (kallsyms'
   * __irqentry_text_start and __irqentry_text_end). openSession finds them when stacks are on.
   */
  irqEntryLo?: bigint;
  irqEntryHi?: bigint;
}

export interface NativeSession {
  readonly skipped: string[];
  readonly cpus: number;
  read(timeoutMs: number): Promise<Buffer | null>;
  drain(): Buffer | null;
  lost(): number[];
  /** Stacks not given to an event, per reason of STACK_FAILS, summed over the CPUs. */
  stackFails(): number[];
  /** Bytes written to the ring buffer and not yet read. */
  unread(): number;
  detach(): void;
  /** Make a pending read() return now. */
  interrupt(): void;
  close(): void;
}

export interface NativeLayout {
  offsets: Record<string, number>;
  eventSize: number;
  nameEventSize: number;
  stackEventSize: number;
  stackDepth: number;
  stackIds: number;
  stackKinds: number[];
  stackFlags: Record<string, number>;
  stackFails: string[];
  nameLen: number;
  kindMeta: number;
  kinds: Record<string, number>;
  namedKinds: number[];
  flags: Record<string, number>;
  ctxs: Record<string, number>;
  commReasons: Record<string, number>;
  sysvecs: Record<string, number>;
  softirqs: Record<string, number>;
  optionalTracepoints: string[];
  errorCodes: string[];
}

interface Addon {
  Session: new (opts: SessionOptions) => NativeSession;
  layout(): NativeLayout;
  /** CLOCK_BOOTTIME − CLOCK_MONOTONIC in ns (time the machine spent suspended). */
  bootOffsetNs(): number;
  /** Give free malloc pages of every arena back to the system (glibc malloc_trim). */
  trimMemory(): boolean;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADDON_PATH = path.join(root, 'build', 'Release', 'lifeline.node');

let cached: Addon | undefined;

export function loadAddon(): Addon {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) throw new LifelineError('RECORD_NO_ADDON', msg.noAddon(`${ADDON_PATH} is missing`));
  const require = createRequire(import.meta.url);
  try {
    cached = require(ADDON_PATH) as Addon;
  } catch (e) {
    throw new LifelineError('RECORD_NO_ADDON', msg.noAddon((e as Error).message.split('\n')[0] ?? 'load failed'));
  }
  return cached;
}

/** What the addon throws: a code of ADDON_ERRORS, errno and detail (libbpf's log, a name); no sentence. */
interface NativeFailure {
  code?: unknown;
  errno?: unknown;
  detail?: unknown;
}

const WORDING: Record<AddonError, (why: string, detail: string) => string> = {
  BAD_RING_SIZE: (_why, detail) => msg.addonBadRingSize(detail),
  NO_BTF: () => msg.addonNoBtf(),
  BTF_UNREADABLE: (why) => msg.addonBtfUnreadable(why),
  NO_TRACEPOINT: (_why, detail) => msg.addonNoTracepoint(detail),
  OPEN_FAILED: (why) => msg.addonOpenFailed(why),
  LOAD_DENIED: () => msg.addonLoadDenied(),
  LOAD_FAILED: (why) => msg.addonLoadFailed(why),
  ATTACH_DENIED: () => msg.addonAttachDenied(),
  ATTACH_FAILED: (why) => msg.addonAttachFailed(why),
  RINGBUF_FAILED: (why) => msg.addonRingbufFailed(why),
  READ_FAILED: (why) => msg.addonReadFailed(why),
  CLOSED: () => msg.addonClosed(),
  BUSY: (_why, detail) => msg.addonBusy(detail),
};

function errnoName(errno: unknown): string {
  if (typeof errno !== 'number' || !Number.isInteger(errno) || errno <= 0) return 'no errno';
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `errno ${errno}`;
  }
}

/**
 * A failure of the addon as a LifelineError with code RECORD_<code>, worded here (the
 * addon returns codes only); libbpf's log stays in `detail` for LIFELINE_DEBUG. Other
 * errors pass through.
 */
export function fromNative(e: unknown): unknown {
  const f = e as NativeFailure | null;
  if (typeof f !== 'object' || f === null || typeof f.code !== 'string') return e;
  const detail = typeof f.detail === 'string' ? f.detail : '';
  const known = (ADDON_ERRORS as readonly string[]).includes(f.code);
  const line = known ? WORDING[f.code as AddonError](errnoName(f.errno), detail) : msg.addonUnknown(f.code);
  const out = new LifelineError(
    known ? addonErrorCode(f.code as AddonError) : 'RECORD_NATIVE_UNKNOWN',
    line,
  ) as LifelineError & {
    errno?: number;
  };
  if (detail) out.detail = detail;
  if (typeof f.errno === 'number') out.errno = f.errno;
  return out;
}

/** The native session with every failure turned into a LifelineError (fromNative). */
class CheckedSession implements NativeSession {
  constructor(private readonly s: NativeSession) {}
  get skipped(): string[] {
    return this.s.skipped;
  }
  get cpus(): number {
    return this.s.cpus;
  }
  read(timeoutMs: number): Promise<Buffer | null> {
    return guard(() => this.s.read(timeoutMs)).catch((e: unknown) => {
      throw fromNative(e);
    });
  }
  drain(): Buffer | null {
    return guard(() => this.s.drain());
  }
  lost(): number[] {
    return guard(() => this.s.lost());
  }
  stackFails(): number[] {
    return guard(() => this.s.stackFails());
  }
  unread(): number {
    return guard(() => this.s.unread());
  }
  detach(): void {
    guard(() => this.s.detach());
  }
  interrupt(): void {
    this.s.interrupt();
  }
  close(): void {
    guard(() => this.s.close());
  }
}

function guard<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw fromNative(e);
  }
}

/** Open, load and attach the BPF programs; native failures become one-line LifelineErrors. */
export function openSession(opts: SessionOptions): NativeSession {
  const addon = loadAddon();
  const irq = opts.kernelStacks !== false && opts.irqEntryLo === undefined ? irqEntryText() : null;
  const full = irq !== null ? { ...opts, irqEntryLo: irq.lo, irqEntryHi: irq.hi } : opts;
  return new CheckedSession(guard(() => new addon.Session(full)));
}
