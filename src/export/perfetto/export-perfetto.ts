/**
 * A capture's ordered event stream as a Perfetto `Trace`:
 *
 * 1. SystemInfo (kernel release, CPU count, time zone offset);
 * 2. ClockSnapshot at the capture start (BOOTTIME, MONOTONIC, REALTIME);
 * 3. per-CPU FtraceEventBundles, each written as it fills, with ProcessTree
 *    packets for the threads and processes learnt before it;
 * 4. what is still pending at the end;
 * 5. the critical paths asked for, as tracks of slices.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { Capture } from '../../capture/index.js';
import type { FormatRunOptions } from '../format.js';
import { usableZone, wallTime } from '../../wall-time.js';
import { writeClockSnapshot, writeSystemInfo } from './packets.js';
import { writePathTracks } from './path-track.js';
import { PerfettoTranslator, type TranslateStats } from './translate.js';

/** The events' packets share one trusted sequence (one writer); the critical paths have their own. */
const SEQUENCE_ID = 1;
const PATH_SEQUENCE_ID = 2;

export interface PerfettoExportResult extends TranslateStats {
  /** The BOOTTIME − MONOTONIC offset used (0 when the capture did not store it). */
  bootOffsetNs: number;
  /** True when the capture predates bootOffsetNs and 0 was assumed. */
  bootOffsetAssumed: boolean;
  /** Slices written on the critical-path tracks. */
  pathSlices: number;
}

/** The UTC offset in minutes of `zone` at `ms`, or null when unknown. */
function zoneOffsetMinutes(ms: number, zone: string): number | null {
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(wallTime(ms, usableZone(zone)).offset);
  if (m === null) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export async function exportPerfetto(
  capture: Capture,
  opts: FormatRunOptions,
  sink: (bytes: Uint8Array) => void,
): Promise<PerfettoExportResult> {
  const meta = capture.meta;
  // Older captures have no offset (null); a stored value that is not a sane number counts as none.
  const stored = meta.bootOffsetNs;
  const bootOffsetAssumed = !(typeof stored === 'number' && Number.isFinite(stored) && stored >= 0);
  const bootOffsetNs = bootOffsetAssumed ? 0 : Math.round(stored as number);

  // 1-2. header packets
  const out = new BinaryWriter();
  const startWallMs = meta.startNs / 1e6 + meta.clockOffsetMs;
  writeSystemInfo(
    out,
    SEQUENCE_ID,
    { release: meta.kernel, version: meta.kernelVersion, machine: meta.machine },
    meta.cpus,
    zoneOffsetMinutes(startWallMs, meta.timezone),
  );
  const realtimeNs = BigInt(Math.round(meta.startNs)) + BigInt(Math.round(meta.clockOffsetMs * 1e6));
  writeClockSnapshot(out, SEQUENCE_ID, meta.startNs + bootOffsetNs, meta.startNs, realtimeNs);
  sink(out.finish());

  // 3. the events
  const translator = new PerfettoTranslator({
    from: opts.from,
    to: opts.to,
    bootOffsetNs,
    lostPerCpu: meta.lostPerCpu,
    sequenceId: SEQUENCE_ID,
    sink,
  });
  for await (const batch of capture.batches()) {
    translator.feed(batch);
    opts.onProgress?.(translator.stats.events);
  }

  // 4. the rest
  const stats = translator.finish();

  // 5. the critical paths
  let pathSlices = 0;
  if (opts.paths !== undefined && opts.paths.length > 0) {
    const w = new BinaryWriter();
    pathSlices = writePathTracks(w, PATH_SEQUENCE_ID, opts.paths, (rel) => meta.startNs + rel + bootOffsetNs);
    sink(w.finish());
  }
  return { ...stats, bootOffsetNs, bootOffsetAssumed, pathSlices };
}
