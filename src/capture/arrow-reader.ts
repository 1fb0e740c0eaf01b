/**
 * Reads an Arrow capture (IPC stream, or an Arrow file converted by other
 * tools). The framing scan finds the whole batches and the META trailer;
 * the events are then streamed batch by batch from the file, so memory
 * stays flat whatever its size.
 */
import fs from 'node:fs';
import { RecordBatchReader, tableFromIPC, type TypeMap } from 'apache-arrow';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { Kind } from '../record/event-layout.js';
import { ARROW_COLUMNS, ARROW_META_KEY, fromRecordBatch } from './arrow-columns.js';
import { readSpans, scanArrow, type ArrowLayout } from './arrow-scan.js';
import { gatherRows } from './batch-rows.js';
import { captureErrors, firstLine } from './capture-errors.js';
import type { EventBatch } from './event-batch.js';
import type { CaptureMeta } from './meta.js';
import { metaFromJson } from './meta-codec.js';
import { reorderBatches } from './reorder.js';
import type { Capture } from './types.js';

/** The META trailer's JSON, when the last batch is that one-row trailer. */
function trailerJson(fd: number, layout: ArrowLayout): string | null {
  const last = layout.batches[layout.batches.length - 1];
  if (!last || last.rows !== 1) return null;
  const table = tableFromIPC(readSpans(fd, [layout.schemaSpan, last]));
  const kind = table.getChild('kind')?.get(0);
  const name = table.getChild('name')?.get(0);
  return kind === Kind.META && typeof name === 'string' ? name : null;
}

function readMeta(path: string, fd: number, layout: ArrowLayout): CaptureMeta {
  const initial = layout.schema.metadata.get(ARROW_META_KEY);
  const names = new Set(layout.schema.fields.map((f) => f.name));
  if (initial === undefined || ARROW_COLUMNS.some((c) => !names.has(c))) throw captureErrors.foreignArrow(path);
  const meta = metaFromJson(path, initial);
  let trailer: string | null;
  try {
    trailer = trailerJson(fd, layout);
  } catch (err) {
    throw captureErrors.damaged(path, msg.damageArrowMessage(firstLine(err)));
  }
  if (trailer !== null) return metaFromJson(path, trailer);
  // No trailer: the recorder did not finish. Count the whole batches there are.
  meta.complete = false;
  meta.events = layout.batches.reduce((sum, b) => sum + b.rows, 0);
  return meta;
}

/** Opens an Arrow capture whose messages start at `start` (0 for a stream, 8 for a file). */
export function openArrowCapture(path: string, start: number): Capture {
  const fd = fs.openSync(path, 'r');
  try {
    const layout = scanArrow(path, fd, start);
    const meta = readMeta(path, fd, layout);
    return new ArrowCapture(path, meta, layout);
  } finally {
    fs.closeSync(fd);
  }
}

/** Drops Kind.META rows (the trailer), keeping names with their rows. */
function withoutMetaRows(b: EventBatch): EventBatch {
  const kind = b.kind;
  let metaRows = 0;
  for (let i = 0; i < b.length; i++) if (kind[i] === Kind.META) metaRows++;
  if (metaRows === 0) return b;
  const keep: number[] = [];
  const inverse = new Int32Array(b.length).fill(-1);
  for (let i = 0; i < b.length; i++) {
    if (kind[i] !== Kind.META) {
      inverse[i] = keep.length;
      keep.push(i);
    }
  }
  return gatherRows(b, keep, 0, keep.length, inverse);
}

class ArrowCapture implements Capture {
  readonly format = 'arrow' as const;
  private readonly streams = new Set<fs.ReadStream>();

  constructor(
    readonly path: string,
    readonly meta: CaptureMeta,
    private readonly layout: ArrowLayout,
  ) {}

  batches(): AsyncIterable<EventBatch> {
    return reorderBatches(this.fileOrder());
  }

  /** Events in file order, one record batch at a time, up to the last whole batch. */
  async *fileOrder(): AsyncGenerator<EventBatch> {
    const { start, end } = this.layout;
    const stream = fs.createReadStream(this.path, { start, end: end - 1, highWaterMark: 1 << 20 });
    this.streams.add(stream);
    try {
      const reader = await RecordBatchReader.from<TypeMap>(stream);
      for await (const batch of reader) {
        const events = withoutMetaRows(fromRecordBatch(batch));
        if (events.length > 0) yield events;
      }
    } catch (err) {
      if (err instanceof LifelineError) throw err;
      throw captureErrors.damaged(this.path, msg.damageArrowMessage(firstLine(err)));
    } finally {
      stream.destroy();
      this.streams.delete(stream);
    }
  }

  close(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }
}
