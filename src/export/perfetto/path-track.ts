/**
 * Critical paths (docs/metrics.md, "Where the time went") as Perfetto tracks: one track per path,
 * named after its thread and interval, each segment a slice (TrackEvent SLICE_BEGIN / SLICE_END)
 * named "thread state", with what it waited on, the CPU and the depth as debug annotations. The
 * segments tile the interval, so the slices sit end to end, seen beside the scheduler tracks.
 * Written on a sequence of their own, after the events.
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { CriticalPath } from '../../analyze/index.js';
import {
  DebugAnnotationField,
  PacketField,
  SEQ_INCREMENTAL_STATE_CLEARED,
  TraceField,
  TrackDescriptorField,
  TrackEventField,
  TrackEventType,
} from './schema.js';
import { writeU64 } from './varint.js';

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;

/** Track uuids of the paths: any number unique in the trace (lifeline writes no other tracks). */
const UUID_BASE = 0x11fe11fe;

function packet(out: BinaryWriter, sequenceId: number, ts: number | undefined, body: () => void, flags = 0): void {
  out.tag(TraceField.packet, LD).fork();
  if (ts !== undefined) {
    out.tag(PacketField.timestamp, VARINT);
    writeU64(out, ts);
  }
  out.tag(PacketField.trustedPacketSequenceId, VARINT).uint32(sequenceId);
  if (flags !== 0) out.tag(PacketField.sequenceFlags, VARINT).uint32(flags);
  body();
  out.join();
}

function annotation(out: BinaryWriter, name: string, value: string): void {
  out.tag(TrackEventField.debugAnnotations, LD).fork();
  out.tag(DebugAnnotationField.name, LD).string(name);
  out.tag(DebugAnnotationField.stringValue, LD).string(value);
  out.join();
}

/** The name of a path's track: "critical path: comm tid, burst 3 of 40" (the exact name: protobuf carries it). */
export function pathTrackName(p: CriticalPath): string {
  const what = p.chosen.kind === 'burst' ? `burst ${p.chosen.burst} of ${p.chosen.bursts}` : 'interval';
  return `critical path: ${p.thread.comm} ${p.thread.tid}, ${what}`;
}

/**
 * Writes the paths' tracks and slices. `toTraceNs` turns a time relative to the capture start into
 * the trace's clock (BOOTTIME). Returns the number of slices.
 */
export function writePathTracks(
  out: BinaryWriter,
  sequenceId: number,
  paths: readonly CriticalPath[],
  toTraceNs: (relNs: number) => number,
): number {
  let slices = 0;
  paths.forEach((p, i) => {
    const uuid = UUID_BASE + i;
    packet(
      out,
      sequenceId,
      undefined,
      () => {
        out.tag(PacketField.trackDescriptor, LD).fork();
        out.tag(TrackDescriptorField.uuid, VARINT);
        writeU64(out, uuid);
        out.tag(TrackDescriptorField.name, LD).string(pathTrackName(p));
        out.join();
      },
      i === 0 ? SEQ_INCREMENTAL_STATE_CLEARED : 0,
    );
    for (const s of p.segments) {
      packet(out, sequenceId, toTraceNs(s.start), () => {
        out.tag(PacketField.trackEvent, LD).fork();
        out.tag(TrackEventField.type, VARINT).int32(TrackEventType.SLICE_BEGIN);
        out.tag(TrackEventField.trackUuid, VARINT);
        writeU64(out, uuid);
        out.tag(TrackEventField.name, LD).string(`${s.thread.comm} ${s.thread.tid} ${s.state}`);
        annotation(out, 'what', s.state === 'sleeping' && s.sleptIn ? `${s.label}; slept in ${s.sleptIn}` : s.label);
        if (s.cpu !== undefined) annotation(out, 'cpu', String(s.cpu));
        annotation(out, 'depth', String(s.depth));
        out.join();
      });
      packet(out, sequenceId, toTraceNs(s.end), () => {
        out.tag(PacketField.trackEvent, LD).fork();
        out.tag(TrackEventField.type, VARINT).int32(TrackEventType.SLICE_END);
        out.tag(TrackEventField.trackUuid, VARINT);
        writeU64(out, uuid);
        out.join();
      });
      slices++;
    }
  });
  return slices;
}
