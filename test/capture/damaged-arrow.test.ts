/**
 * A damaged Arrow capture is read around its damage (the next whole batch after it is found)
 * and said damaged there (byte offset and record batch), not incomplete; a recorder killed
 * mid-write stays incomplete; damage that leaves no event is one CAPTURE_DAMAGED line. The metadata checks (ipc-check.ts) never let a count
 * read from the file size an allocation or a loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Message, RecordBatchFileWriter, RecordBatchReader, Table } from 'apache-arrow';
import { formatInfo, metaFacts, openCapture, summarizeCapture } from '../../src/capture/index.js';
import { checkLifelineBatch, checkMessage, IpcDamage } from '../../src/capture/arrow/ipc-check.js';
import { diagnose } from '../../src/diagnostics.js';
import type { LifelineError } from '../../src/errors.js';
import { errorOf, tempDir, writeCapture } from './helpers.js';
import { prng, syntheticRows, toBatches } from './synthetic.js';

const dir = tempDir();
const ROWS = 3000;
const PER_BATCH = 1000;
const rows = syntheticRows({ events: ROWS, seed: 9, cpus: 2, skewNs: 0 });

interface Frame {
  start: number;
  metaStart: number;
  metaLength: number;
  bodyLength: number;
}

/** The messages of an intact Arrow stream from `from`. */
function frames(bytes: Buffer, from = 0, until = bytes.length): Frame[] {
  const out: Frame[] = [];
  let pos = from;
  while (pos + 8 <= until && bytes.readInt32LE(pos) === -1 && bytes.readInt32LE(pos + 4) !== 0) {
    const metaLength = bytes.readInt32LE(pos + 4);
    const bodyLength = Number(Message.decode(bytes.subarray(pos + 8, pos + 8 + metaLength)).bodyLength);
    out.push({ start: pos, metaStart: pos + 8, metaLength, bodyLength });
    pos += 8 + metaLength + bodyLength;
  }
  return out;
}

/** 16 bytes overwritten in a message's metadata, from its 40th byte: its header no longer decodes. */
function garble(bytes: Buffer, f: Frame): Buffer {
  const out = Buffer.from(bytes);
  out.fill(0xee, f.metaStart + 40, f.metaStart + 56);
  return out;
}

async function readAll(file: string) {
  const capture = await openCapture(file);
  let events = 0;
  for await (const b of capture.batches()) events += b.length;
  capture.close();
  return { meta: capture.meta, events, diagnostics: diagnose(metaFacts(capture.meta, events)) };
}

describe('damaged Arrow captures', async () => {
  const whole = await writeCapture(path.join(dir, 'whole.arrow'), 'arrow', toBatches(rows, PER_BATCH));
  const bytes = fs.readFileSync(whole);
  // schema, three batches, the trailer
  const [, b1, b2, b3, trailer] = frames(bytes);
  const write = (name: string, data: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  it('a batch whose header does not decode: the batches around it are read, and said DAMAGED at its byte and number', async () => {
    expect(trailer).toBeDefined();
    const r = await readAll(write('b2.arrow', garble(bytes, b2!)));
    expect(r.events).toBe(2 * PER_BATCH);
    expect(r.meta.complete).toBe(true);
    expect(r.meta.events).toBe(ROWS);
    expect(r.meta.damage).toMatchObject({ offset: b2!.start, batch: 2 });
    const ids = r.diagnostics.map((d) => d.id);
    expect(ids).toContain('damaged');
    expect(ids).not.toContain('incomplete');
    const line = r.diagnostics.find((d) => d.id === 'damaged')!.line;
    const text = formatInfo(await summarizeCapture(await openCapture(path.join(dir, 'b2.arrow'))));
    expect(text).toMatch(new RegExp(`^status +complete, DAMAGED at byte ${b2!.start.toLocaleString('en-US')}$`, 'm'));
    expect(text).toContain(line);
    expect(line).toContain(`DAMAGED at byte ${b2!.start.toLocaleString('en-US')} (record batch 2): `);
    expect(line).toContain(
      `${(2 * PER_BATCH).toLocaleString('en-US')} events could be read where the capture counts ${ROWS.toLocaleString('en-US')}`,
    );
    expect(line).not.toContain('more place');
  });

  it('a length prefix that runs past the end, with the trailer intact at the end: damaged, not incomplete', async () => {
    const data = Buffer.from(bytes);
    data.writeInt32LE(1 << 20, b3!.start + 4); // 1 MB of metadata, in a file far smaller
    const r = await readAll(write('b3-length.arrow', data));
    expect(r.events).toBe(2 * PER_BATCH);
    expect(r.meta.damage).toMatchObject({ offset: b3!.start, batch: 3 });
    expect(r.diagnostics.map((d) => d.id)).toEqual(['damaged']);
  });

  it('a recorder killed mid-write (the file cut inside a batch) is incomplete, not damaged', async () => {
    const r = await readAll(write('cut.arrow', bytes.subarray(0, b3!.start + 100)));
    expect(r.events).toBe(2 * PER_BATCH);
    expect(r.meta.complete).toBe(false);
    expect(r.meta.damage).toBeUndefined();
    expect(r.diagnostics.map((d) => d.id)).toEqual(['incomplete']);
  });

  it('bytes after the end-of-stream marker: every event read, and said damaged', async () => {
    const r = await readAll(write('appended.arrow', Buffer.concat([bytes, Buffer.alloc(24, 7)])));
    expect(r.events).toBe(ROWS);
    expect(r.meta.damage?.why).toBe('24 bytes follow the Arrow end-of-stream marker');
    expect(r.diagnostics.map((d) => d.id)).toContain('damaged');
  });

  it('the trailer damaged: every batch read, damaged and incomplete (its end facts are lost)', async () => {
    const r = await readAll(write('trailer.arrow', garble(bytes, trailer!)));
    expect(r.events).toBe(ROWS);
    expect(r.meta.damage).toMatchObject({ offset: trailer!.start, batch: 4 });
    expect(r.diagnostics.map((d) => d.id)).toEqual(['incomplete', 'damaged']);
  });

  it('the first and the third batch damaged: the others read, both places counted', async () => {
    const r = await readAll(write('b1b3.arrow', garble(garble(bytes, b1!), b3!)));
    expect(r.events).toBe(PER_BATCH);
    expect(r.meta.complete).toBe(true);
    expect(r.meta.damage).toMatchObject({ offset: b1!.start, batch: 1, places: 2 });
    expect(r.diagnostics.find((d) => d.id === 'damaged')!.line).toContain(', and in one more place after it;');
  });

  it('every batch damaged: no event can be read, one CAPTURE_DAMAGED line saying where', async () => {
    const file = write('all.arrow', garble(garble(garble(bytes, b1!), b2!), b3!));
    const err = (await errorOf(() => readAll(file))) as LifelineError;
    expect(err.code).toBe('CAPTURE_DAMAGED');
    expect(err.message).toMatch(
      new RegExp(`all\\.arrow is damaged: no event of it can be read; it is damaged from byte ${b1!.start}: `),
    );
    expect(err.message).not.toContain('\n');
  });

  it('an Arrow file (ARROW1) with a damaged batch: the others read through its footer, said damaged there', async () => {
    const table = new Table(RecordBatchReader.from(bytes).readAll());
    const file = Buffer.from(RecordBatchFileWriter.writeAll(table).toUint8Array(true));
    const footer = file.length - 10 - file.readInt32LE(file.length - 10);
    const batches = frames(file, 8, footer);
    expect(batches).toHaveLength(4);
    const r = await readAll(write('file-b2.arrow', garble(file, batches[1]!)));
    expect(r.events).toBe(2 * PER_BATCH);
    expect(r.meta.complete).toBe(true);
    expect(r.meta.damage).toMatchObject({ offset: batches[1]!.start, batch: 2 });
  });

  it('checkMessage: random and mutated metadata give a result or an IpcDamage, quickly, never another error', () => {
    const real = bytes.subarray(b2!.metaStart, b2!.metaStart + b2!.metaLength);
    const rand = prng(5);
    const started = Date.now();
    let damaged = 0;
    for (let k = 0; k < 3000; k++) {
      const m = Buffer.from(real);
      if (k % 3 === 0) for (let i = 0; i < m.length; i++) m[i] = Math.floor(rand() * 256);
      else for (let f = 0; f < 1 + (k % 8); f++) m[Math.floor(rand() * m.length)]! ^= 1 << Math.floor(rand() * 8);
      try {
        const checked = checkMessage(m, b2!.bodyLength);
        if (checked.batch) checkLifelineBatch(checked.batch);
      } catch (err) {
        expect(err).toBeInstanceOf(IpcDamage);
        damaged++;
      }
    }
    expect(damaged).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(5000);
    // the intact metadata passes, with its rows
    expect(checkMessage(real, b2!.bodyLength).batch?.rows).toBe(PER_BATCH);
  });
});
