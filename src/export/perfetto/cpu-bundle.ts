/**
 * One CPU's pending FtraceEventBundle: the compact sched_switch / sched_waking
 * columns (CompactSched, delta-encoded timestamps, comms interned per bundle)
 * and the other events as whole FtraceEvent messages.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  BundleField,
  CompactSchedField as C,
  FtraceEventField,
  InternedDataField,
  InternedStringField,
  PacketField,
  TraceField,
} from './schema.js';
import { writeU64 } from './varint.js';

/** Events per CPU before its bundle is written (bounds memory whatever the capture size). */
export const BUNDLE_EVENTS = 4096;

/** A column of one bundle: starts small (a machine may have hundreds of CPUs) and doubles up to BUNDLE_EVENTS. */
class Column {
  data = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(Math.min(this.data.length * 2, BUNDLE_EVENTS));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

export class CpuBundle {
  /** Whole FtraceEvent messages, each already tagged as FtraceEventBundle.event. */
  private readonly events = new BinaryWriter();
  private fullCount = 0;
  /** Events in the bundle, whole and compact. */
  size = 0;
  private readonly switchTs = new Column();
  private readonly switchState = new Column();
  private readonly switchPid = new Column();
  private readonly switchPrio = new Column();
  private readonly switchComm = new Column();
  private readonly wakingTs = new Column();
  private readonly wakingPid = new Column();
  private readonly wakingCpu = new Column();
  private readonly wakingPrio = new Column();
  private readonly wakingComm = new Column();
  private readonly wakingFlags = new Column();
  private readonly intern = new Map<string, number>();
  /** Set on the next bundle written: the kernel dropped events on this CPU. */
  lostEvents = false;
  /** Kernel symbols (iid -> name) this bundle's events use that no earlier packet interned. */
  private readonly symbols = new Map<number, string>();
  /** An event of the bundle names an interned kernel symbol (its packet needs the sequence's incremental state). */
  private namesSymbols = false;

  constructor(readonly cpu: number) {}

  get full(): boolean {
    return this.size >= BUNDLE_EVENTS;
  }

  private commIndex(comm: string): number {
    let i = this.intern.get(comm);
    if (i === undefined) {
      i = this.intern.size;
      this.intern.set(comm, i);
    }
    return i;
  }

  compactSwitch(ts: number, prevState: number, nextPid: number, nextPrio: number, nextComm: string): void {
    this.switchTs.push(ts);
    this.switchState.push(prevState);
    this.switchPid.push(nextPid);
    this.switchPrio.push(nextPrio);
    this.switchComm.push(this.commIndex(nextComm));
    this.size++;
  }

  compactWaking(ts: number, pid: number, targetCpu: number, prio: number, comm: string, commonFlags: number): void {
    this.wakingTs.push(ts);
    this.wakingPid.push(pid);
    this.wakingCpu.push(targetCpu);
    this.wakingPrio.push(prio);
    this.wakingComm.push(this.commIndex(comm));
    this.wakingFlags.push(commonFlags);
    this.size++;
  }

  /**
   * Starts a whole FtraceEvent and returns the writer, positioned for the
   * event's own message: the caller writes `tag(eventId).fork() … join()`, then
   * calls endEvent().
   */
  beginEvent(ts: number, pid: number, commonFlags = 0): BinaryWriter {
    const w = this.events;
    w.tag(BundleField.event, WireType.LengthDelimited).fork();
    w.tag(FtraceEventField.timestamp, WireType.Varint);
    writeU64(w, ts);
    w.tag(FtraceEventField.pid, WireType.Varint).uint32(pid);
    if (commonFlags !== 0) w.tag(FtraceEventField.commonFlags, WireType.Varint).uint32(commonFlags);
    return w;
  }

  endEvent(): void {
    this.events.join();
    this.fullCount++;
    this.size++;
  }

  /** Interns a kernel symbol in this bundle's packet (the events that name it travel with it). */
  internSymbol(iid: number, name: string): void {
    this.symbols.set(iid, name);
  }

  /** An event of the bundle names the kernel symbol `iid` (interned by this packet or an earlier one). */
  useSymbol(): void {
    this.namesSymbols = true;
  }

  /** The packet carries interned data. */
  get interns(): boolean {
    return this.symbols.size > 0;
  }

  /** The packet carries or refers to interned data. */
  get needsInterned(): boolean {
    return this.namesSymbols || this.symbols.size > 0;
  }

  /**
   * Writes the bundle as one TracePacket into `out` and empties it, with `sequenceFlags`
   * (TracePacket.SequenceFlags, 0 for none); returns the iids of the kernel symbols it interned.
   */
  writePacket(out: BinaryWriter, sequenceId: number, sequenceFlags: number): number[] {
    out.tag(TraceField.packet, WireType.LengthDelimited).fork();
    out.tag(PacketField.trustedPacketSequenceId, WireType.Varint).uint32(sequenceId);
    if (sequenceFlags !== 0) out.tag(PacketField.sequenceFlags, WireType.Varint).uint32(sequenceFlags);
    const interned = [...this.symbols.keys()];
    if (interned.length > 0) {
      out.tag(PacketField.internedData, WireType.LengthDelimited).fork();
      for (const [iid, name] of this.symbols) {
        out.tag(InternedDataField.kernelSymbols, WireType.LengthDelimited).fork();
        out.tag(InternedStringField.iid, WireType.Varint).uint32(iid);
        out.tag(InternedStringField.str, WireType.LengthDelimited).string(name); // bytes on the wire
        out.join();
      }
      out.join();
      this.symbols.clear();
    }
    out.tag(PacketField.ftraceEvents, WireType.LengthDelimited).fork();
    out.tag(BundleField.cpu, WireType.Varint).uint32(this.cpu);
    if (this.lostEvents) {
      out.tag(BundleField.lostEvents, WireType.Varint).bool(true);
      this.lostEvents = false;
    }
    if (this.fullCount > 0) out.raw(this.events.finish());
    if (this.switchTs.length + this.wakingTs.length > 0) {
      out.tag(BundleField.compactSched, WireType.LengthDelimited).fork();
      for (const s of this.intern.keys()) out.tag(C.internTable, WireType.LengthDelimited).string(s);
      if (this.switchTs.length > 0) {
        deltas(out, C.switchTimestamp, this.switchTs);
        packed(out, C.switchPrevState, this.switchState);
        packed(out, C.switchNextPid, this.switchPid);
        packed(out, C.switchNextPrio, this.switchPrio);
        packed(out, C.switchNextCommIndex, this.switchComm);
      }
      if (this.wakingTs.length > 0) {
        deltas(out, C.wakingTimestamp, this.wakingTs);
        packed(out, C.wakingPid, this.wakingPid);
        packed(out, C.wakingTargetCpu, this.wakingCpu);
        packed(out, C.wakingPrio, this.wakingPrio);
        packed(out, C.wakingCommIndex, this.wakingComm);
        packed(out, C.wakingCommonFlags, this.wakingFlags);
      }
      out.join();
    }
    out.join().join();
    this.reset();
    return interned;
  }

  private reset(): void {
    this.namesSymbols = false;
    this.fullCount = 0;
    this.size = 0;
    this.intern.clear();
    for (const c of [
      this.switchTs,
      this.switchState,
      this.switchPid,
      this.switchPrio,
      this.switchComm,
      this.wakingTs,
      this.wakingPid,
      this.wakingCpu,
      this.wakingPrio,
      this.wakingComm,
      this.wakingFlags,
    ])
      c.length = 0;
  }
}

/** A packed repeated varint field of non-negative values (pids, prios, indexes, flags, states). */
function packed(out: BinaryWriter, field: number, col: Column): void {
  out.tag(field, WireType.LengthDelimited).fork();
  const d = col.data;
  for (let i = 0; i < col.length; i++) out.uint32(d[i]!);
  out.join();
}

/** Timestamps as CompactSched stores them: the first absolute, each next relative to its predecessor. */
function deltas(out: BinaryWriter, field: number, col: Column): void {
  out.tag(field, WireType.LengthDelimited).fork();
  const d = col.data;
  let prev = 0;
  for (let i = 0; i < col.length; i++) {
    writeU64(out, d[i]! - prev);
    prev = d[i]!;
  }
  out.join();
}
