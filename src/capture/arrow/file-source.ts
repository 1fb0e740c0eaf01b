/**
 * An Arrow file ("ARROW1" magic, footer with the schema and batch offsets)
 * as an ArrowSource, read with random access through its footer (Arrow JS
 * writes the schema only there). The footer and every batch's metadata are
 * checked (ipc-check.ts) before apache-arrow reads them; a batch that does
 * not decode is skipped and said (the source's `stop`), the others are read. A file cut short has no footer and is reported as
 * damaged.
 */
import { msg } from '../../messages.js';
import fs from 'node:fs';
import { RecordBatchReader, type AsyncRecordBatchFileReader, type RecordBatch, type TypeMap } from '../../arrow-lib.js';
import type { ArrowSource } from './source.js';
import type { ArrowStop } from './scan.js';
import { isLifelineColumns } from './columns.js';
import { captureErrors } from '../capture-errors.js';
import {
  checkFooter,
  checkLifelineBatch,
  checkMessage,
  HeaderType,
  IpcDamage,
  MAX_METADATA_BYTES,
  type FileBlock,
} from './ipc-check.js';

interface OpenFile {
  reader: AsyncRecordBatchFileReader<TypeMap>;
  close(): Promise<void>;
}

const MAGIC = Buffer.from('ARROW1', 'latin1');
/** The footer's length (int32) and the closing magic. */
const TRAILER_BYTES = 4 + MAGIC.length;
/** The opening magic and its padding. */
const HEAD_BYTES = 8;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The footer's record batch blocks, each checked against the file; throws a damaged-file error. */
function footerBlocks(path: string): { blocks: FileBlock[]; fd: number } {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size < HEAD_BYTES + TRAILER_BYTES) throw captureErrors.damaged(path, msg.arrowNoFooter());
    const end = readAt(fd, size - TRAILER_BYTES, TRAILER_BYTES);
    if (!end.subarray(4).equals(MAGIC)) throw captureErrors.damaged(path, msg.arrowNoFooter());
    const length = end.readInt32LE(0);
    const dataEnd = size - TRAILER_BYTES - length;
    if (length <= 0 || length > MAX_METADATA_BYTES || dataEnd < HEAD_BYTES)
      throw captureErrors.damaged(path, msg.arrowBadFooter(msg.arrowBadLength(length)));
    try {
      const { batches, dictionaries } = checkFooter(readAt(fd, dataEnd, length), dataEnd);
      // apache-arrow reads every dictionary when it opens the file: each must be whole
      for (const block of dictionaries) {
        const checked = checkBlock(fd, block, false, HeaderType.DictionaryBatch);
        if (typeof checked === 'string') throw captureErrors.damaged(path, msg.arrowBadFooter(checked));
      }
      return { blocks: batches, fd };
    } catch (err) {
      if (err instanceof IpcDamage) throw captureErrors.damaged(path, msg.arrowBadFooter(err.message));
      throw err;
    }
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** The rows of the batch in `block` (a record batch, or a dictionary batch's 0), or why it cannot be read. */
function checkBlock(
  fd: number,
  block: FileBlock,
  lifeline: boolean,
  type: number = HeaderType.RecordBatch,
): number | string {
  const head = readAt(fd, block.offset, 8);
  if (head.length < 8) return msg.arrowCut();
  const continued = head.readInt32LE(0) === -1;
  const length = continued ? head.readInt32LE(4) : head.readInt32LE(0);
  const prefix = continued ? 8 : 4;
  if (length <= 0 || length > block.metaDataLength) return msg.arrowBadLength(length);
  try {
    const m = checkMessage(readAt(fd, block.offset + prefix, length), block.bodyLength);
    if (m.headerType !== type) return msg.arrowBadMetadata(`header type ${m.headerType} where ${type} belongs`);
    if (!m.batch) return 0;
    if (lifeline) checkLifelineBatch(m.batch);
    return m.batch.rows;
  } catch (err) {
    if (err instanceof IpcDamage) return err.message;
    throw err;
  }
}

async function openFile(path: string): Promise<OpenFile> {
  const handle = await fs.promises.open(path, 'r');
  const closeHandle = () => handle.close().catch(() => undefined);
  try {
    const reader = await RecordBatchReader.from<TypeMap>(handle);
    await reader.open();
    if (!reader.isFile()) throw new Error(msg.arrowNoFooter());
    const file = reader as AsyncRecordBatchFileReader<TypeMap>;
    return {
      reader: file,
      close: async () => {
        await file.cancel();
        await closeHandle();
      },
    };
  } catch (err) {
    await closeHandle();
    throw err;
  }
}

async function* fileBatches(path: string, indices: readonly number[]): AsyncGenerator<RecordBatch<TypeMap>> {
  const file = await openFile(path);
  try {
    for (const i of indices) {
      const batch = await file.reader.readRecordBatch(i);
      if (batch === null) throw new Error(msg.arrowEmptyBatch());
      yield batch;
    }
  } finally {
    await file.close();
  }
}

async function batchAt(path: string, index: number): Promise<RecordBatch<TypeMap> | null> {
  if (index < 0) return null;
  const file = await openFile(path);
  try {
    return await file.reader.readRecordBatch(index);
  } finally {
    await file.close();
  }
}

export async function openArrowFileSource(path: string): Promise<ArrowSource> {
  const { blocks, fd } = footerBlocks(path);
  /** The blocks whose batches are read: all but the damaged ones. */
  const readable: number[] = [];
  let rows = 0;
  let stop: ArrowStop | undefined;
  let schema;
  try {
    const probe = await openFile(path);
    schema = probe.reader.schema;
    await probe.close();
    const lifeline = isLifelineColumns(schema.fields.map((f) => f.name));
    for (let i = 0; i < blocks.length; i++) {
      const checked = checkBlock(fd, blocks[i]!, lifeline);
      if (typeof checked === 'number') {
        rows += checked;
        readable.push(i);
        continue;
      }
      stop ??= { offset: blocks[i]!.offset, batch: i + 1, why: checked, cut: false, places: 0 };
      stop.places++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return {
    schema,
    lastBatch: () => batchAt(path, readable[readable.length - 1] ?? -1),
    rows: async () => rows,
    ...(stop ? { stop } : {}),
    read: { batches: () => fileBatches(path, readable) },
  };
}
