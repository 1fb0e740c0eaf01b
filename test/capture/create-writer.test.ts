import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWriter } from '../../src/capture/index.js';
import { LifelineError } from '../../src/errors.js';
import { EXT, errorOf, readRows, tempDir, writeCapture } from './helpers.js';
import { syntheticRows, testMeta, toBatches } from './synthetic.js';

const dir = tempDir();
const FORMATS = ['sqlite', 'arrow'] as const;

describe('createWriter', () => {
  for (const format of FORMATS) {
    it(`${format}: refuses an existing file and leaves it unchanged`, async () => {
      const file = path.join(dir, `existing.${EXT[format]}`);
      fs.writeFileSync(file, 'precious data');
      const err = await errorOf(() => createWriter(file, format, testMeta()));
      expect(err).toBeInstanceOf(LifelineError);
      expect((err as LifelineError).code).toBe('OUTPUT_EXISTS');
      expect(err.message).toBe(`${file} already exists (use --force to overwrite it)`);
      expect(fs.readFileSync(file, 'utf8')).toBe('precious data');
      expect(fs.existsSync(`${file}-wal`)).toBe(false);
    });

    it(`${format}: refuses a missing directory without creating anything`, async () => {
      const missing = path.join(dir, `no-such-dir-${format}`);
      const err = await errorOf(() => createWriter(path.join(missing, 'run.db'), format, testMeta()));
      expect(err).toBeInstanceOf(LifelineError);
      expect(err.message).toBe(`cannot write the capture: directory ${missing} does not exist`);
      expect(fs.existsSync(missing)).toBe(false);
    });

    it(`${format}: refuses a directory as the output file`, async () => {
      const sub = path.join(dir, `a-dir-${format}`);
      fs.mkdirSync(sub);
      const err = await errorOf(() => createWriter(sub, format, testMeta(), { force: true }));
      expect(err).toBeInstanceOf(LifelineError);
      expect(fs.statSync(sub).isDirectory()).toBe(true);
    });

    it(`${format}: with force, replaces an existing capture`, async () => {
      const file = path.join(dir, `forced.${EXT[format]}`);
      const first = syntheticRows({ events: 3000, seed: 1 });
      const second = syntheticRows({ events: 1000, seed: 2 });
      await writeCapture(file, format, toBatches(first, 1000));
      const writer = await createWriter(file, format, testMeta(), { force: true });
      for (const b of toBatches(second, 500)) await writer.append(b);
      await writer.finish(testMeta({ endNs: 1 }));
      const { rows, meta } = await readRows(file);
      expect(rows.length).toBe(1000);
      expect(meta.events).toBe(1000);
    });

    it(`${format}: reports bytes on disk and counts events in the final meta`, async () => {
      const file = path.join(dir, `bytes.${EXT[format]}`);
      const writer = await createWriter(file, format, testMeta());
      expect(writer.format).toBe(format);
      expect(writer.path).toBe(file);
      for (const b of toBatches(syntheticRows({ events: 5000, seed: 4 }), 1000)) await writer.append(b);
      expect(writer.bytes()).toBeGreaterThan(5000 * 20);
      await writer.finish(testMeta({ events: 1, lost: 7, lostPerCpu: [3, 4], exitCode: 2, endNs: 86_400e9 + 5e9 }));
      expect(writer.bytes()).toBe(fs.statSync(file).size);
      const { meta } = await readRows(file);
      expect(meta).toMatchObject({
        events: 5000,
        lost: 7,
        lostPerCpu: [3, 4],
        exitCode: 2,
        complete: true,
        endNs: 86_400e9 + 5e9,
      });
    });
  }

  it('sqlite: refuses to create a database beside a leftover -wal', async () => {
    const file = path.join(dir, 'orphan.db');
    fs.writeFileSync(`${file}-wal`, 'old journal');
    const err = await errorOf(() => createWriter(file, 'sqlite', testMeta()));
    expect(err).toBeInstanceOf(LifelineError);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}-wal`, 'utf8')).toBe('old journal');
  });

  it('sqlite: a finished capture is one file, no -wal or -shm left', async () => {
    const file = await writeCapture(
      path.join(dir, 'single.db'),
      'sqlite',
      toBatches(syntheticRows({ events: 2000 }), 500),
    );
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(fs.existsSync(`${file}-shm`)).toBe(false);
  });

  it('rejects an unknown format', async () => {
    const err = await errorOf(() => createWriter(path.join(dir, 'x.parquet'), 'parquet', testMeta()));
    expect(err).toBeInstanceOf(LifelineError);
    expect(err.message).toMatch(/unknown capture format "parquet"/);
    expect(fs.existsSync(path.join(dir, 'x.parquet'))).toBe(false);
  });
});
