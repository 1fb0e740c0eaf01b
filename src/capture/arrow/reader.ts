/**
 * Reads an Arrow capture: the IPC stream lifeline writes, or an Arrow file
 * ("ARROW1", e.g. converted by pyarrow). Either way the meta comes from the
 * schema metadata and the META trailer, and events are streamed batch by
 * batch so memory stays flat whatever the file size.
 */
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { checkRows } from '../open/check-rows.js';
import { ARROW_COLUMNS, ARROW_META_KEY, eventsOf } from './columns.js';
import { openArrowFileSource } from './file-source.js';
import { ArrowPages, openArrowStreamSource, type ArrowSource } from './source.js';
import { readPages } from '../pages/parallel-pages.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import type { EventBatch } from '../event-batch.js';
import type { RecordBatch } from '../../arrow-lib.js';
import { metaRowKind, type CaptureMeta } from '../meta.js';
import { metaFromJson } from '../meta-codec.js';
import { reorderBatches } from '../open/reorder.js';
import type { Capture, ReadOptions } from '../types.js';

/**
 * Decoding Arrow is light: a worker thread's start-up and hand-over cost as
 * much as it saves (measured on 1M events), so batches are read here.
 */
const DEFAULT_WORKERS = 0;

/** The META trailer's JSON, when `last` is that one-row trailer. */
function trailerJson(last: RecordBatch | null, metaKind: number): string | null {
  if (!last || last.numRows !== 1) return null;
  const kind: unknown = last.getChild('kind')?.get(0);
  const name: unknown = last.getChild('name')?.get(0);
  return kind === metaKind && typeof name === 'string' ? name : null;
}

/** The tail batch, or null when it cannot be decoded (it was found past damage: it may be damaged too). */
async function tailOf(source: ArrowSource): Promise<RecordBatch | null> {
  try {
    return (await source.tailBatch?.()) ?? null;
  } catch {
    return null;
  }
}

async function readMeta(path: string, source: ArrowSource): Promise<CaptureMeta> {
  const initial = source.schema.metadata.get(ARROW_META_KEY);
  const names = new Set(source.schema.fields.map((f) => f.name));
  if (initial === undefined || ARROW_COLUMNS.some((c) => !names.has(c))) throw captureErrors.foreignArrow(path);
  const meta = metaFromJson(path, initial);
  const metaKind = metaRowKind(meta.formatVersion);
  const stop = source.stop;
  let trailer = trailerJson(await source.lastBatch(), metaKind);
  const eventRows = (await source.rows()) - (trailer === null ? 0 : 1);
  // Past the damage where a scan ended, the file may still end with the trailer of a finished capture.
  let trailerPastStop = false;
  if (trailer === null && stop !== undefined) {
    trailer = trailerJson(await tailOf(source), metaKind);
    trailerPastStop = trailer !== null;
  }
  const final = trailer !== null ? metaFromJson(path, trailer) : meta;
  if (trailer === null) {
    // No trailer: the recorder did not finish. Count the whole batches there are.
    final.complete = false;
    final.events = await source.rows();
  }
  // A message cut by the end of the file is what a killed recorder leaves; anything else is damage.
  if (stop !== undefined && (!stop.cut || trailerPastStop)) {
    // Damage, and not one event around it: nothing of the capture can be read.
    if (eventRows === 0 && !(final.complete && final.events === 0))
      throw captureErrors.damaged(path, msg.damageNothingRead(stop.offset, stop.why));
    final.damage = { offset: stop.offset, batch: stop.batch, why: stop.why, places: stop.places };
  }
  return final;
}

function asCaptureError(path: string, err: unknown): Error {
  if (err instanceof LifelineError) return err;
  return captureErrors.damaged(path, msg.damageArrowMessage(firstLine(err)));
}

/** Opens an Arrow capture: a stream, or an Arrow file when `isFile`. */
export async function openArrowCapture(path: string, isFile: boolean): Promise<Capture> {
  try {
    const source = isFile ? await openArrowFileSource(path) : openArrowStreamSource(path);
    return new ArrowCapture(path, await readMeta(path, source), source);
  } catch (err) {
    throw asCaptureError(path, err);
  }
}

class ArrowCapture implements Capture {
  readonly format = 'arrow' as const;

  constructor(
    readonly path: string,
    readonly meta: CaptureMeta,
    private readonly source: ArrowSource,
  ) {}

  batches(opts: ReadOptions = {}): AsyncIterable<EventBatch> {
    const ordered = opts.ordered !== false;
    const rows = this.fileOrder(opts.workers ?? DEFAULT_WORKERS, ordered);
    return ordered ? reorderBatches(rows) : rows;
  }

  /** Events in file order, one record batch at a time, up to the last whole batch (pages sorted, unless `sorted` is false and no worker reads them). */
  async *fileOrder(workers: number, sorted: boolean): AsyncGenerator<EventBatch> {
    const read = this.source.read;
    if ('pages' in read) {
      const spec = { ...read.pages, metaKind: metaRowKind(this.meta.formatVersion), cpus: this.meta.cpus };
      const local = new ArrowPages(this.path, spec.schema, spec.spans, spec.metaKind, spec.cpus);
      try {
        yield* readPages(local, spec, workers, { sorted });
      } finally {
        local.close();
      }
      return;
    }
    const metaKind = metaRowKind(this.meta.formatVersion);
    try {
      let k = 0;
      for await (const batch of read.batches()) {
        const events = eventsOf(batch, metaKind);
        k++;
        checkRows(this.path, events, this.meta.cpus, () => msg.damageWhereArrow(k));
        if (events.length > 0) yield events;
      }
    } catch (err) {
      throw asCaptureError(this.path, err);
    }
  }

  close(): void {
    // Sources hold no descriptor outside an iteration; an iteration (paused or
    // abandoned) releases its file, and its workers, when its loop exits.
  }
}
