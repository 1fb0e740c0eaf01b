import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RecordBatchFileWriter, RecordBatchReader, Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/index.js';
import { LifelineError } from '../../src/errors.js';
import { EXT, errorOf, readRows, tempDir, writeCapture } from './helpers.js';
import { syntheticRows, testMeta, toBatches } from './synthetic.js';

const dir = tempDir();
const batches = toBatches(syntheticRows({ events: 30_000, seed: 5 }), 5000);

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function expectCaptureError(file: string, code: string, pattern: RegExp): Promise<void> {
  const err = await errorOf(() => openCapture(file));
  expect(err).toBeInstanceOf(LifelineError);
  expect((err as LifelineError).code).toBe(code);
  expect(err.message).toMatch(pattern);
  expect(err.message).not.toContain('\n');
  expect(err.message).toContain(file);
}

describe('openCapture errors', () => {
  it('a missing file', async () => {
    await expectCaptureError(path.join(dir, 'nope.db'), 'CAPTURE_NOT_FOUND', /no such file/);
  });

  it('a text file, a PNG and an empty file', async () => {
    const text = path.join(dir, 'notes.db');
    fs.writeFileSync(text, 'just some notes\nmore notes\n');
    await expectCaptureError(text, 'CAPTURE_FOREIGN', /not a lifeline capture/);
    const png = path.join(dir, 'image.arrow');
    fs.writeFileSync(
      png,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]),
    );
    await expectCaptureError(png, 'CAPTURE_FOREIGN', /not a lifeline capture/);
    const empty = path.join(dir, 'empty.db');
    fs.writeFileSync(empty, '');
    await expectCaptureError(empty, 'CAPTURE_DAMAGED', /empty/);
  });

  it('an SQLite database that is not a capture', async () => {
    const file = path.join(dir, 'foreign.db');
    const db = new Database(file);
    db.exec("CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('ada')");
    db.close();
    await expectCaptureError(file, 'CAPTURE_FOREIGN', /SQLite database but not a lifeline capture/);
    const withMeta = path.join(dir, 'foreign-meta.db');
    const db2 = new Database(withMeta);
    db2.exec(
      "CREATE TABLE meta(key TEXT, value TEXT); CREATE TABLE events(x); INSERT INTO meta VALUES ('format', '\"other\"')",
    );
    db2.close();
    await expectCaptureError(withMeta, 'CAPTURE_FOREIGN', /not a lifeline capture/);
  });

  it('Arrow stream and file without lifeline metadata', async () => {
    const table = tableFromArrays({ x: Int32Array.of(1, 2, 3) });
    const stream = path.join(dir, 'foreign-stream.arrow');
    fs.writeFileSync(stream, tableToIPC(table, 'stream'));
    await expectCaptureError(stream, 'CAPTURE_FOREIGN', /Arrow file but not a lifeline capture/);
    const file = path.join(dir, 'foreign-file.arrow');
    fs.writeFileSync(file, tableToIPC(table, 'file'));
    await expectCaptureError(file, 'CAPTURE_FOREIGN', /Arrow file but not a lifeline capture/);
  });

  it('an SQLite capture cut in half', async () => {
    const whole = await writeCapture(path.join(dir, 'whole.db'), 'sqlite', batches);
    const half = path.join(dir, 'half.db');
    const bytes = fs.readFileSync(whole);
    fs.writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectCaptureError(half, 'CAPTURE_DAMAGED', / is damaged: /);
    const stub = path.join(dir, 'stub.db');
    fs.writeFileSync(stub, bytes.subarray(0, 10));
    await expectCaptureError(stub, 'CAPTURE_DAMAGED', / is damaged: /);
  });

  it('an SQLite capture with garbage inside its pages', async () => {
    const whole = await writeCapture(path.join(dir, 'garbled-src.db'), 'sqlite', batches);
    const garbled = path.join(dir, 'garbled.db');
    const bytes = Buffer.from(fs.readFileSync(whole));
    const pageSize = bytes.readUInt16BE(16);
    for (let p = 8; p * pageSize < bytes.length; p += 9) bytes.fill(0xa5, p * pageSize, p * pageSize + 200);
    fs.writeFileSync(garbled, bytes);
    const err = await errorOf(async () => {
      await readRows(garbled);
    });
    expect(err).toBeInstanceOf(LifelineError);
    expect(err.message).toMatch(/ is damaged: /);
    expect(err.message).not.toContain('\n');
  });

  it('an Arrow capture with a partial header', async () => {
    const whole = await writeCapture(path.join(dir, 'whole.arrow'), 'arrow', batches);
    const bytes = fs.readFileSync(whole);
    for (const cut of [3, 6, 40]) {
      const file = path.join(dir, `head-${cut}.arrow`);
      fs.writeFileSync(file, bytes.subarray(0, cut));
      await expectCaptureError(file, 'CAPTURE_DAMAGED', / is damaged: /);
    }
    const sqliteHead = path.join(dir, 'head.db');
    fs.writeFileSync(sqliteHead, 'SQLite for');
    await expectCaptureError(sqliteHead, 'CAPTURE_DAMAGED', / is damaged: /);
  });

  it('a capture from a newer lifeline', async () => {
    for (const format of ['sqlite', 'arrow'] as const) {
      const file = path.join(dir, `newer.${EXT[format]}`);
      const { createWriter } = await import('../../src/capture/index.js');
      const w = await createWriter(file, format, testMeta({ formatVersion: 99 }));
      await w.finish(testMeta({ formatVersion: 99 }));
      await expectCaptureError(file, 'CAPTURE_NEWER_FORMAT', /capture format 99, newer/);
    }
  });

  it('reads an Arrow *file* (ARROW1) holding a lifeline stream, e.g. converted by another tool', async () => {
    const src = await writeCapture(path.join(dir, 'to-convert.arrow'), 'arrow', batches);
    const table = new Table(RecordBatchReader.from(fs.readFileSync(src)).readAll());
    const fileBytes = RecordBatchFileWriter.writeAll(table).toUint8Array(true);
    const converted = path.join(dir, 'converted.arrow');
    fs.writeFileSync(converted, fileBytes);
    expect(fileBytes.subarray(0, 6).toString()).toBe([...Buffer.from('ARROW1')].toString());
    const a = await readRows(src);
    const b = await readRows(converted);
    expect(b.rows).toEqual(a.rows);
    expect(b.meta).toEqual(a.meta);
    const cut = path.join(dir, 'converted-cut.arrow');
    fs.writeFileSync(cut, fileBytes.subarray(0, Math.floor(fileBytes.length / 2)));
    await expectCaptureError(cut, 'CAPTURE_DAMAGED', / is damaged: /);
  });

  it('opening and reading never modifies the file', async () => {
    for (const format of ['sqlite', 'arrow'] as const) {
      const file = await writeCapture(path.join(dir, `untouched.${EXT[format]}`), format, batches);
      const before = sha(file);
      const listing = fs.readdirSync(dir).sort();
      await readRows(file);
      expect(sha(file)).toBe(before);
      expect(fs.readdirSync(dir).sort()).toEqual(listing);
    }
  });
});
