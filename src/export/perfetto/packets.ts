/** The packets written once or now and then: SystemInfo, ClockSnapshot, ProcessTree. */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  BuiltinClock,
  ClockField,
  ClockSnapshotField,
  PacketField,
  ProcessField,
  ProcessTreeField,
  SystemInfoField,
  ThreadField,
  TraceField,
  UtsnameField,
} from './schema.js';
import type { ProcessTreeDelta } from './tasks.js';
import { writeU64 } from './varint.js';

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;

function beginPacket(out: BinaryWriter, sequenceId: number, ts?: number): void {
  out.tag(TraceField.packet, LD).fork();
  if (ts !== undefined) {
    out.tag(PacketField.timestamp, VARINT);
    writeU64(out, ts);
  }
  out.tag(PacketField.trustedPacketSequenceId, VARINT).uint32(sequenceId);
}

/**
 * SystemInfo: the kernel's uname (release — trace_processor decodes prev_state by it —, version
 * and machine, the architecture, when the capture's meta has them: captures before lifeline
 * stored them do not), the CPU count and the time zone.
 */
export function writeSystemInfo(
  out: BinaryWriter,
  sequenceId: number,
  uname: { release: string; version?: string; machine?: string },
  cpus: number,
  timezoneOffMins: number | null,
): void {
  beginPacket(out, sequenceId);
  out.tag(PacketField.systemInfo, LD).fork();
  out.tag(SystemInfoField.utsname, LD).fork();
  out.tag(UtsnameField.sysname, LD).string('Linux');
  if (uname.version) out.tag(UtsnameField.version, LD).string(uname.version);
  out.tag(UtsnameField.release, LD).string(uname.release);
  if (uname.machine) out.tag(UtsnameField.machine, LD).string(uname.machine);
  out.join();
  if (cpus > 0) out.tag(SystemInfoField.numCpus, VARINT).uint32(cpus);
  if (timezoneOffMins !== null) out.tag(SystemInfoField.timezoneOffMins, VARINT).int32(timezoneOffMins);
  out.join().join();
}

/**
 * ClockSnapshot at the capture start: BOOTTIME (the clock of the ftrace
 * timestamps), MONOTONIC (lifeline's) and REALTIME (for wall-clock display).
 * `realtimeNs` is a BigInt: ns since the epoch exceed 2^53.
 */
export function writeClockSnapshot(
  out: BinaryWriter,
  sequenceId: number,
  boottimeNs: number,
  monotonicNs: number,
  realtimeNs: bigint,
): void {
  beginPacket(out, sequenceId, boottimeNs);
  out.tag(PacketField.clockSnapshot, LD).fork();
  const clock = (id: number, write: () => void) => {
    out.tag(ClockSnapshotField.clocks, LD).fork();
    out.tag(ClockField.clockId, VARINT).uint32(id);
    out.tag(ClockField.timestamp, VARINT);
    write();
    out.join();
  };
  clock(BuiltinClock.BOOTTIME, () => writeU64(out, boottimeNs));
  clock(BuiltinClock.MONOTONIC, () => writeU64(out, monotonicNs));
  clock(BuiltinClock.REALTIME, () => out.uint64(realtimeNs));
  out.tag(ClockSnapshotField.primaryTraceClock, VARINT).uint32(BuiltinClock.BOOTTIME);
  out.join().join();
}

/** ProcessTree with what was learnt of processes and threads at one time (d.ts). */
export function writeProcessTree(out: BinaryWriter, sequenceId: number, d: ProcessTreeDelta): void {
  beginPacket(out, sequenceId, d.ts);
  out.tag(PacketField.processTree, LD).fork();
  for (const p of d.processes) {
    out.tag(ProcessTreeField.processes, LD).fork();
    out.tag(ProcessField.pid, VARINT).int32(p.pid);
    if (p.ppid !== null) out.tag(ProcessField.ppid, VARINT).int32(p.ppid);
    out.tag(ProcessField.cmdline, LD).string(p.cmdline);
    if (p.cmdlineIsComm) out.tag(ProcessField.cmdlineIsComm, VARINT).bool(true);
    out.join();
  }
  for (const t of d.threads) {
    out.tag(ProcessTreeField.threads, LD).fork();
    out.tag(ThreadField.tid, VARINT).int32(t.tid);
    if (t.name !== '') out.tag(ThreadField.name, LD).string(t.name);
    out.tag(ThreadField.tgid, VARINT).int32(t.tgid);
    out.join();
  }
  out.join().join();
}
