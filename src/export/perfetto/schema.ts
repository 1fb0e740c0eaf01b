/**
 * The part of Perfetto's trace format that lifeline writes, as field numbers.
 *
 * Our own small schema, not a copy of Perfetto's .proto files: each constant is
 * the field number of the message named, as declared in google/perfetto
 * protos/perfetto/trace/… (file named per message). The encoder and the test
 * decoder both use these numbers, and the tests check them against a fixed table.
 */
import { SYSVECS } from '../../format/index.js';

/** trace.proto: `Trace`, the file itself. */
export const TraceField = { packet: 1 } as const;

/** trace_packet.proto: `TracePacket`. */
export const PacketField = {
  ftraceEvents: 1,
  processTree: 2,
  clockSnapshot: 6,
  timestamp: 8,
  internedData: 12,
  trustedPacketSequenceId: 10,
  trackEvent: 11,
  sequenceFlags: 13,
  systemInfo: 45,
  trackDescriptor: 60,
} as const;

/** track_event/track_descriptor.proto: `TrackDescriptor` (a custom track: its uuid and name). */
export const TrackDescriptorField = { uuid: 1, name: 2 } as const;
/** track_event/track_event.proto: `TrackEvent` and its `Type`. */
export const TrackEventField = { debugAnnotations: 4, type: 9, trackUuid: 11, name: 23 } as const;
export const TrackEventType = { SLICE_BEGIN: 1, SLICE_END: 2 } as const;
/** track_event/debug_annotation.proto: `DebugAnnotation` (a name and a string value). */
export const DebugAnnotationField = { stringValue: 6, name: 10 } as const;

/**
 * TracePacket.SequenceFlags: the first packet of the sequence that carries interned data
 * clears the incremental state; every later packet that carries or uses interned data needs it.
 */
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const SEQ_NEEDS_INCREMENTAL_STATE = 2;

/** common/system_info.proto: `SystemInfo` and `Utsname`. */
export const SystemInfoField = { utsname: 1, numCpus: 8, timezoneOffMins: 7 } as const;
export const UtsnameField = { sysname: 1, version: 2, release: 3, machine: 4 } as const;

/** clock_snapshot.proto: `ClockSnapshot`, `ClockSnapshot.Clock` and the builtin clock ids. */
export const ClockSnapshotField = { clocks: 1, primaryTraceClock: 2 } as const;
export const ClockField = { clockId: 1, timestamp: 2 } as const;
export const BuiltinClock = { REALTIME: 1, MONOTONIC: 3, BOOTTIME: 6 } as const;

/** ps/process_tree.proto: `ProcessTree`, `.Process`, `.Thread`. */
export const ProcessTreeField = { processes: 1, threads: 2 } as const;
export const ProcessField = { pid: 1, ppid: 2, cmdline: 3, cmdlineIsComm: 9 } as const;
export const ThreadField = { tid: 1, name: 2, tgid: 3 } as const;

/** ftrace/ftrace_event_bundle.proto: `FtraceEventBundle` and its `CompactSched`. */
export const BundleField = { cpu: 1, event: 2, lostEvents: 3, compactSched: 4 } as const;
export const CompactSchedField = {
  switchTimestamp: 1,
  switchPrevState: 2,
  switchNextPid: 3,
  switchNextPrio: 4,
  internTable: 5,
  switchNextCommIndex: 6,
  wakingTimestamp: 7,
  wakingPid: 8,
  wakingTargetCpu: 9,
  wakingPrio: 10,
  wakingCommIndex: 11,
  wakingCommonFlags: 12,
} as const;

/** ftrace/ftrace_event.proto: `FtraceEvent`'s common fields and the events (oneof) lifeline writes. */
export const FtraceEventField = { timestamp: 1, pid: 2, commonFlags: 5 } as const;
export const EventId = {
  schedSwitch: 4,
  workqueueExecuteEnd: 57,
  workqueueExecuteStart: 58,
  schedBlockedReason: 18,
  schedWaking: 20,
  softirqEntry: 24,
  softirqExit: 25,
  softirqRaise: 26,
  irqHandlerEntry: 36,
  irqHandlerExit: 37,
  schedWakeupNew: 114,
  taskNewtask: 235,
  taskRename: 236,
  schedProcessExec: 237,
  schedProcessExit: 238,
  schedProcessFree: 240,
  hrtimerExpireEntry: 553,
  hrtimerExpireExit: 554,
  localTimerEntry: 559,
  localTimerExit: 560,
} as const;

/** ftrace/sched.proto. */
export const SchedSwitchField = {
  prevComm: 1,
  prevPid: 2,
  prevPrio: 3,
  prevState: 4,
  nextComm: 5,
  nextPid: 6,
  nextPrio: 7,
} as const;
/** SchedWakingFtraceEvent and SchedWakeupNewFtraceEvent share these numbers. */
export const SchedWakingField = { comm: 1, pid: 2, prio: 3, success: 4, targetCpu: 5 } as const;
/** SchedBlockedReasonFtraceEvent: the sleeper, the function it blocked in (an iid of the interned kernel_symbols), in I/O wait. */
export const SchedBlockedReasonField = { pid: 1, caller: 2, ioWait: 3 } as const;
export const SchedProcessExecField = { filename: 1, pid: 2, oldPid: 3 } as const;
export const SchedProcessExitField = { comm: 1, pid: 2, tgid: 3, prio: 4 } as const;
export const SchedProcessFreeField = { comm: 1, pid: 2, prio: 3 } as const;
/** ftrace/irq.proto. */
export const IrqHandlerEntryField = { irq: 1, name: 2 } as const;
export const IrqHandlerExitField = { irq: 1, ret: 2 } as const;
export const SoftirqField = { vec: 1 } as const;
/** ftrace/irq_vectors.proto: LocalTimerEntry/ExitFtraceEvent. */
export const LocalTimerField = { vector: 1 } as const;

/** ftrace/timer.proto: `HrtimerExpireEntryFtraceEvent` (function: an iid of the interned kernel_symbols), `…ExitFtraceEvent`. */
export const HrtimerExpireEntryField = { hrtimer: 1, now: 2, function: 3 } as const;
export const HrtimerExpireExitField = { hrtimer: 1 } as const;
/** ftrace/workqueue.proto: `WorkqueueExecuteStart/EndFtraceEvent` (function: an iid of the interned kernel_symbols). */
export const WorkqueueExecuteField = { work: 1, function: 2 } as const;

/** interned_data/interned_data.proto: `InternedData`; profiling/profile_common.proto: `InternedString`. */
export const InternedDataField = { kernelSymbols: 26 } as const;
export const InternedStringField = { iid: 1, str: 2 } as const;
/** ftrace/task.proto. */
export const TaskNewtaskField = { pid: 1, comm: 2, cloneFlags: 3 } as const;
export const TaskRenameField = { pid: 1, oldcomm: 2, newcomm: 3 } as const;

/**
 * The kernel's trace_entry.flags bits (kernel/trace/trace.h, TRACE_FLAG_*), as
 * FtraceEvent.common_flags and CompactSched.waking_common_flags carry them.
 * trace_processor sets a waking's irq_context when HARDIRQ or SOFTIRQ is set.
 */
export const TraceFlag = { HARDIRQ: 0x08, SOFTIRQ: 0x10, NMI: 0x40 } as const;

/** include/uapi/linux/sched.h: the clone flag that makes a thread rather than a process. */
export const CLONE_THREAD = 0x00010000;

/** sched_switch's prev_state as kernels ≥ 4.14 report it (TASK_REPORT bits, then these). */
export const ReportState = { IDLE: 0x80, PREEMPTED: 0x100, DEAD: 0x10 } as const;

/** x86 vector numbers of lifeline's system vectors (enum ll_vec), from the contract (LL_SYSVECS). */
export const X86_VECTORS: Readonly<Record<number, number>> = Object.fromEntries(SYSVECS.map((v) => [v.value, v.x86]));
