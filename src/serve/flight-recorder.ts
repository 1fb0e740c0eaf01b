/**
 * Flight recorder: the ordered event stream also written as rolling capture
 * segments in a directory (one per `segmentMs`, the oldest deleted once older
 * than `keepMs`). Each segment is a normal capture: it starts with the names
 * known so far (a COMM row per live thread, IRQ and symbol names, and the
 * kernel stacks: the recorder sends each distinct stack once per session, so
 * a later segment would otherwise have sleep reasons without their frames) so
 * that `lifeline analyze` can read it alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createWriter, allocBatch, trimBatch, type EventBatch } from '../capture/index.js';
import type { CaptureFormat, CaptureMeta, CaptureWriter } from '../capture/index.js';
import type { LiveAnalysis } from '../analyze/index.js';
import { St } from '../analyze/index.js';
import { CommReason, Kind } from '../format/index.js';

export interface FlightRecorderOptions {
  dir: string;
  keepMs: number;
  segmentMs: number;
  format: CaptureFormat;
}

interface Segment {
  path: string;
  /** Wall-clock ms when it was closed. */
  closedMs: number;
}

export class FlightRecorder {
  private writer: CaptureWriter | null = null;
  private meta: CaptureMeta | null = null;
  private segmentEndTs = -Infinity;
  private readonly closed: Segment[] = [];
  /**
   * The session's lost counts per CPU when the open segment started: a segment counts what
   * was lost while it was open. Taken once at the first segment, then where the previous one
   * ended, so that consecutive segments add up to every loss since the first.
   */
  private lostAtStart: number[] | null = null;
  /** The session's stack failure counts when the open segment started (by reason), as lostAtStart. */
  private stackFailsAtStart: Record<string, number> | null = null;
  private events = 0;

  constructor(
    private readonly opts: FlightRecorderOptions,
    private readonly baseMeta: CaptureMeta,
    private readonly lost: () => number[],
    private readonly stackFails: () => Record<string, number> = () => ({}),
  ) {}

  /** Paths of the segments on disk, oldest first (the open one last). */
  segments(): string[] {
    return [...this.closed.map((s) => s.path), ...(this.writer ? [this.writer.path] : [])];
  }

  /** Appends ordered rows, starting a new segment when the current one is full. */
  async append(batch: EventBatch, live: LiveAnalysis): Promise<void> {
    if (batch.length === 0) return;
    const first = batch.ts[0]!;
    if (this.writer === null || first >= this.segmentEndTs) {
      await this.close(first);
      await this.open(first, live);
    }
    await this.writer!.append(batch);
    this.events += batch.length;
  }

  /** Closes the open segment (its end = endTs) and deletes segments older than keepMs. */
  async close(endTs: number): Promise<void> {
    if (this.writer === null || this.meta === null) return;
    const lostNow = this.lost();
    const lostPerCpu = lostNow.map((n, cpu) => n - (this.lostAtStart?.[cpu] ?? 0));
    this.lostAtStart = lostNow;
    const failsNow = this.stackFails();
    const stackFails = Object.fromEntries(
      Object.entries(failsNow).map(([k, n]) => [k, n - (this.stackFailsAtStart?.[k] ?? 0)]),
    );
    this.stackFailsAtStart = failsNow;
    await this.writer.finish({
      ...this.meta,
      endNs: endTs,
      lostPerCpu,
      lost: lostPerCpu.reduce((x, y) => x + y, 0),
      stackFails,
      events: this.events,
      complete: true,
    });
    this.closed.push({ path: this.writer.path, closedMs: Date.now() });
    this.writer = null;
    this.meta = null;
    const now = Date.now();
    while (this.closed.length > 0 && now - this.closed[0]!.closedMs > this.opts.keepMs) {
      const old = this.closed.shift()!;
      for (const f of [old.path, `${old.path}-wal`, `${old.path}-shm`]) fs.rmSync(f, { force: true });
    }
  }

  private async open(startTs: number, live: LiveAnalysis): Promise<void> {
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const ext = this.opts.format === 'arrow' ? 'arrow' : 'db';
    let file = path.join(this.opts.dir, `lifeline-${stamp}.${ext}`);
    for (let k = 1; fs.existsSync(file); k++) file = path.join(this.opts.dir, `lifeline-${stamp}-${k}.${ext}`);
    this.meta = { ...this.baseMeta, startNs: startTs, endNs: 0 };
    this.writer = await createWriter(file, this.opts.format, this.meta);
    this.lostAtStart ??= this.lost();
    this.stackFailsAtStart ??= this.stackFails();
    this.events = 0;
    this.segmentEndTs = startTs + this.opts.segmentMs * 1e6;
    const seed = seedRows(startTs, live);
    if (seed.length > 0) await this.writer.append(seed);
  }
}

/** Names known so far, as rows at `ts`: COMM per live thread, IRQ_NAME, SYM, STACK. */
export function seedRows(ts: number, live: LiveAnalysis): EventBatch {
  const threads = live.threads;
  const n = threads.size + live.names.irq.size + live.names.sym.size + live.names.stack.size;
  const out = allocBatch(n);
  let i = 0;
  const row = (kind: number, tid: number, a: number, c: number, flags: number, name: string) => {
    out.ts[i] = ts;
    out.kind[i] = kind;
    out.flags[i] = flags;
    out.tid[i] = tid;
    out.a[i] = a;
    out.c[i] = c;
    out.names.set(i, name);
    i++;
  };
  for (let th = 0; th < threads.size; th++) {
    const r = threads.recs[th]!;
    if (r.st === St.DEAD || r.comm === '') continue;
    row(Kind.COMM, r.tid, threads.tgidOf(th), 0, CommReason.SEEN, r.comm);
  }
  for (const [irq, name] of live.names.irq) row(Kind.IRQ_NAME, 0, irq, 0, 0, name);
  for (const [id, name] of live.names.sym) row(Kind.SYM, 0, 0, id, 0, name);
  // a STACK row: tid = the stack id, a = its frames (the TRUNCATED flag is not kept by the replay)
  for (const [id, frames] of live.names.stack) row(Kind.STACK, id, frames.split(';').length, 0, 0, frames);
  return trimBatch(out, i);
}
