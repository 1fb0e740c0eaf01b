/**
 * An Arrow file ("ARROW1" magic, footer with the schema and batch offsets)
 * as an ArrowSource, read with random access through its footer (Arrow JS
 * writes the schema only there). A file cut short has no footer and is
 * reported as damaged.
 */
import { msg } from '../../messages.js';
import fs from 'node:fs';
import { RecordBatchReader, type AsyncRecordBatchFileReader, type RecordBatch, type TypeMap } from './lib.js';
import type { ArrowSource } from './source.js';

interface OpenFile {
  reader: AsyncRecordBatchFileReader<TypeMap>;
  close(): Promise<void>;
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

async function* fileBatches(path: string): AsyncGenerator<RecordBatch<TypeMap>> {
  const file = await openFile(path);
  try {
    yield* file.reader;
  } finally {
    await file.close();
  }
}

export async function openArrowFileSource(path: string): Promise<ArrowSource> {
  const probe = await openFile(path);
  const schema = probe.reader.schema;
  const count = probe.reader.numRecordBatches;
  await probe.close();
  return {
    schema,
    async lastBatch(): Promise<RecordBatch<TypeMap> | null> {
      if (count === 0) return null;
      const file = await openFile(path);
      try {
        return await file.reader.readRecordBatch(count - 1);
      } finally {
        await file.close();
      }
    },
    async rows(): Promise<number> {
      let rows = 0;
      for await (const batch of fileBatches(path)) rows += batch.numRows;
      return rows;
    },
    read: { batches: () => fileBatches(path) },
  };
}
