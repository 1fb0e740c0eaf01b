import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWriter } from '../../src/capture/index.js';
import { EXT, readRows, tempDir, writeCapture } from './helpers.js';
import { killTestRows } from './kill-batches.js';
import { expectedOrder, syntheticRows, testMeta, toBatches } from './synthetic.js';

const dir = tempDir();
const here = path.dirname(fileURLToPath(import.meta.url));
const FORMATS = ['sqlite', 'arrow'] as const;

/** Runs the writer child until it reported `appends` appends, then SIGKILLs it; returns the last reported count. */
function writeAndKill(format: string, file: string, batchRows: number, appends: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        path.join(here, 'child', 'register.mjs'),
        path.join(here, 'child', 'write-forever.ts'),
        format,
        file,
        String(batchRows),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let reported = 0;
    let stderr = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const matches = [...out.matchAll(/appended (\d+)/g)];
      reported = Number(matches[matches.length - 1]?.[1] ?? 0);
      if (reported >= appends && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('incomplete captures', () => {
  it('a writer that never finished: every appended batch is there, complete=false', async () => {
    const rows = syntheticRows({ events: 12_000, seed: 21 });
    const batches = toBatches(rows, 3000);
    for (const format of FORMATS) {
      const file = path.join(dir, `unfinished.${EXT[format]}`);
      const writer = await createWriter(file, format, testMeta());
      for (const b of batches) await writer.append(b);
      // No finish(): read it while the writer is still open, as after a crash.
      const { rows: read, meta } = await readRows(file);
      expect(meta.complete).toBe(false);
      expect(meta.events).toBe(rows.length);
      expect(meta.hostname).toBe('testhost');
      expect(read).toEqual(expectedOrder(rows));
    }
  });

  for (const format of FORMATS) {
    it(`${format}: a recorder killed with SIGKILL mid-write leaves every whole batch readable`, async () => {
      const batchRows = 1000;
      const file = path.join(dir, `killed.${EXT[format]}`);
      const reported = await writeAndKill(format, file, batchRows, 5);
      const left = format === 'sqlite' ? [file, `${file}-wal`] : [file];
      const before = left.map((f) => fs.readFileSync(f));
      const { rows: read, meta } = await readRows(file);
      // Reading recovered the data without checkpointing or otherwise touching the files.
      expect(left.map((f) => fs.readFileSync(f))).toEqual(before);
      expect(meta.complete).toBe(false);
      expect(read.length % batchRows).toBe(0);
      const whole = read.length / batchRows;
      expect(whole).toBeGreaterThanOrEqual(reported);
      expect(meta.events).toBe(read.length);
      expect(read).toEqual(expectedOrder(killTestRows(batchRows).slice(0, read.length)));
    }, 30_000);
  }

  it('arrow: a stream cut inside a batch keeps the batches before the cut', async () => {
    const rows = syntheticRows({ events: 10_000, seed: 8 });
    const batches = toBatches(rows, 2500);
    const whole = await writeCapture(path.join(dir, 'to-cut.arrow'), 'arrow', batches);
    const bytes = fs.readFileSync(whole);
    const cut = path.join(dir, 'cut.arrow');
    // Somewhere inside the third batch: two whole batches survive.
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const { rows: read, meta } = await readRows(cut);
    expect(meta.complete).toBe(false);
    expect(read).toEqual(expectedOrder(rows.slice(0, 5000)));
  });

  it('arrow: a stream cut inside the trailer reads as incomplete', async () => {
    const rows = syntheticRows({ events: 3000, seed: 9 });
    const whole = await writeCapture(path.join(dir, 'trailer.arrow'), 'arrow', toBatches(rows, 1000));
    const bytes = fs.readFileSync(whole);
    const cut = path.join(dir, 'trailer-cut.arrow');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const { rows: read, meta } = await readRows(cut);
    expect(meta.complete).toBe(false);
    expect(read.length).toBe(3000);
  });
});
