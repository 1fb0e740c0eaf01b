import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOf, fromLifelineMessage, isLifelineSchema, withoutMetaRows } from '../../src/capture/arrow/columns.js';
import { tableFromIPC } from '../../src/arrow-lib.js';
import { openArrowStreamSource } from '../../src/capture/arrow/source.js';
import { NUMERIC_COLUMNS, type EventBatch } from '../../src/capture/event-batch.js';
import { metaRowKind } from '../../src/capture/meta.js';
import { EXT, tempDir, writeCapture } from './helpers.js';
import { syntheticRows, testMeta, toBatches } from './synthetic.js';

const dir = tempDir();

function read(fd: number, start: number, end: number): Uint8Array {
  const bytes = new Uint8Array(end - start);
  fs.readSync(fd, bytes, 0, bytes.length, start);
  return bytes;
}

function plain(b: EventBatch): Record<string, unknown> {
  const out: Record<string, unknown> = { length: b.length, names: [...b.names] };
  for (const col of NUMERIC_COLUMNS) out[col] = [...b[col].subarray(0, b.length)];
  return out;
}

describe('Arrow batches read in place', () => {
  it('give the columns apache-arrow gives, copied out or as views, on every batch (the trailer too)', async () => {
    const rows = syntheticRows({ events: 20_000, seed: 5, cpus: 2, skewNs: 10_000 });
    const file = await writeCapture(path.join(dir, `in-place.${EXT.arrow}`), 'arrow', toBatches(rows, 3000));
    const source = openArrowStreamSource(file);
    expect(isLifelineSchema(source.schema)).toBe(true);
    if (!('pages' in source.read)) throw new Error('a stream has pages');
    const { schema, spans } = source.read.pages;
    const metaKind = metaRowKind(testMeta().formatVersion);
    const fd = fs.openSync(file, 'r');
    try {
      const schemaBytes = read(fd, schema.start, schema.end);
      expect(spans.length).toBeGreaterThan(5);
      for (const span of spans) {
        const message = read(fd, span.start, span.end);
        const whole = new Uint8Array(schemaBytes.length + message.length);
        whole.set(schemaBytes);
        whole.set(message, schemaBytes.length);
        const want = plain(eventsOf(tableFromIPC(whole).batches[0]!, metaKind));
        for (const copy of [false, true]) {
          const got = fromLifelineMessage(message.slice(), copy);
          expect(got).not.toBeNull();
          expect(plain(withoutMetaRows(got!, metaKind))).toEqual(want);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  });

  it('decline what is not a record batch of the capture schema', () => {
    expect(fromLifelineMessage(new Uint8Array(4))).toBeNull();
    expect(fromLifelineMessage(new Uint8Array([255, 255, 255, 255, 16, 0, 0, 0, 1, 2, 3]))).toBeNull();
  });
});
