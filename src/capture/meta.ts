/** The facts a capture carries besides its events (docs/capture-format.md, "The meta document"). */
import { KIND_META } from '../format/index.js';

export interface CaptureMeta {
  /** Capture format version; bumped on incompatible change. */
  formatVersion: number;
  /** lifeline version that wrote it. */
  tool: string;
  kernel: string;
  /** uname -v and uname -m of the recording machine ('' in captures before lifeline stored them). */
  kernelVersion?: string;
  machine?: string;
  hostname: string;
  cpus: number;
  /** Wall clock in ms since the epoch = monotonic ns / 1e6 + clockOffsetMs. */
  clockOffsetMs: number;
  /**
   * CLOCK_BOOTTIME − CLOCK_MONOTONIC in ns when recording started (time spent suspended):
   * boottime ns = ts + bootOffsetNs. null in captures written before lifeline stored it.
   */
  bootOffsetNs: number | null;
  /** IANA time zone of the recording machine, e.g. "Europe/Paris" or "UTC". */
  timezone: string;
  /** Monotonic ns when recording started / ended (end is 0 while recording). */
  startNs: number;
  endNs: number;
  /** The recorded command, or null for a whole-machine recording by duration. */
  command: string[] | null;
  /** Kernel-side filters in force. */
  filters: {
    irqSpans: boolean;
    tgid: number;
    /** Workqueue items recorded (kinds 22–24); absent in captures before them. */
    workqueues?: boolean;
  };
  /** Ring-buffer reservation failures per CPU (events lost in the kernel). */
  lostPerCpu: number[];
  lost: number;
  /** Kernel stacks on sleeps and wakings ('kernel'), or none; null in captures before stacks. */
  stacks: 'kernel' | 'none' | null;
  /**
   * Events that could not be given their stack, by reason (LL_STACK_FAILS): the kernel could
   * not walk it (untaken), the stack table was full (full), its record was lost (lost).
   */
  stackFails: Record<string, number>;
  /** Optional tracepoints this kernel lacks (not attached). */
  skippedTracepoints: string[];
  /** Exit status of the recorded command, when there was one. */
  exitCode: number | null;
  /** Events written (excluding the meta rows themselves). */
  events: number;
  /** True once the recorder finished cleanly; false for a recorder killed mid-run. */
  complete: boolean;
  /**
   * Never stored: set by a reader that met damage where the file should go on (a message that does
   * not decode); what could be read around it is read.
   */
  damage?: CaptureDamage;
}

/** Where a capture's readable part ends in damage, and what is wrong there. */
export interface CaptureDamage {
  /** File offset of the damaged part. */
  offset: number;
  /** The record batch (1-based) that starts there, for an Arrow capture. */
  batch?: number;
  why: string;
  /** Damaged places in all (this one is the first); what lies between them is read. */
  places?: number;
}

/**
 * 3: events have a `stack` column and STACK rows name the stacks.
 * 2: a capture's own rows (the Arrow meta trailer) have kind KIND_META (255), outside the
 * recorded kinds; 1 wrote them as kind 15, which version 2 may use for a recorded kind.
 */
export const FORMAT_VERSION = 3;

/** The kind of the meta rows in a capture of this format version. */
export function metaRowKind(formatVersion: number): number {
  return formatVersion <= 1 ? 15 : KIND_META;
}

/** A meta with every fact unknown: the base of a recorder's meta and of a reader's defaults. */
export function blankMeta(): CaptureMeta {
  return {
    formatVersion: FORMAT_VERSION,
    tool: '',
    kernel: '',
    kernelVersion: '',
    machine: '',
    hostname: '',
    cpus: 0,
    clockOffsetMs: 0,
    bootOffsetNs: null,
    timezone: 'UTC',
    startNs: 0,
    endNs: 0,
    command: null,
    filters: { irqSpans: false, tgid: 0 },
    lostPerCpu: [],
    lost: 0,
    stacks: null,
    stackFails: {},
    skippedTracepoints: [],
    exitCode: null,
    events: 0,
    complete: false,
  };
}

export type CaptureFormat = 'sqlite' | 'arrow';
