/**
 * A seeded fuzz test of the capture readers: truncations, bit flips and zeroed ranges of
 * every committed fixture, both formats. Every case must end with a result, or with one
 * CAPTURE_* LifelineError whose message is one line naming the file — never another
 * exception (an internal error), a crash or a hang. Most cases run in-process through the
 * API (info, then analyze --json, as the CLI does); a handful run through the CLI binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, info, LifelineError } from '../../src/api.js';
import { cli } from '../helpers/cli.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures');
const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((f) => /\.(db|arrow)$/.test(f))
  .sort();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded PRNG, so that every case can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mode = 'truncate' | 'flip' | 'zero';
const MODES: readonly Mode[] = ['truncate', 'flip', 'zero'];

/** The fixture's bytes damaged one way, chosen by `seed`. */
function damage(original: Buffer, mode: Mode, seed: number): Buffer {
  const rand = prng(seed);
  const at = () => Math.floor(rand() * original.length);
  if (mode === 'truncate') return Buffer.from(original.subarray(0, at()));
  const out = Buffer.from(original);
  if (mode === 'flip') {
    const flips = 1 + Math.floor(rand() * 16);
    for (let i = 0; i < flips; i++) out[at()]! ^= 1 << Math.floor(rand() * 8);
  } else {
    const start = at();
    out.fill(0, start, Math.min(out.length, start + 1 + Math.floor(rand() * 4096)));
  }
  return out;
}

const CASES_PER_MODE = 25;

describe.skipIf(fixtures.length === 0)('damaged captures (seeded fuzz of the readers)', () => {
  it(`${fixtures.length} fixtures × ${MODES.length} damages × ${CASES_PER_MODE} seeds, in-process: a result or one CAPTURE_* line`, async () => {
    const outcomes = { result: 0, damaged: 0 };
    const failures: string[] = [];
    for (const name of fixtures) {
      const original = fs.readFileSync(path.join(FIXTURES, name));
      for (const mode of MODES) {
        for (let k = 0; k < CASES_PER_MODE; k++) {
          const seed = 1000 * MODES.indexOf(mode) + k;
          const file = path.join(dir, `case${path.extname(name)}`);
          fs.writeFileSync(file, damage(original, mode, seed));
          try {
            await info(file);
            JSON.parse(await analyzeCapture(file, { json: true }));
            outcomes.result++;
          } catch (err) {
            const ok =
              err instanceof LifelineError &&
              err.code.startsWith('CAPTURE_') &&
              !err.message.includes('\n') &&
              err.message.startsWith(file);
            if (ok) outcomes.damaged++;
            else
              failures.push(
                `${name} ${mode} seed ${seed}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
              );
          }
          // SQLite may leave a -wal or -shm beside a damaged database: each case starts clean.
          for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { force: true });
        }
      }
    }
    expect(failures).toEqual([]);
    // The damages must reach past the file headers: both outcomes occur, most often the error.
    expect(outcomes.damaged).toBeGreaterThan(0);
    expect(outcomes.result).toBeGreaterThan(0);
    expect(outcomes.result + outcomes.damaged).toBe(fixtures.length * MODES.length * CASES_PER_MODE);
  }, 240_000);

  it('through the CLI binary: exit 0 with output, or one "lifeline:" line and a non-zero exit', () => {
    const seen = new Set<string>();
    for (const name of fixtures) {
      const original = fs.readFileSync(path.join(FIXTURES, name));
      for (const mode of MODES) {
        const seed = 7000 + MODES.indexOf(mode);
        const file = path.join(dir, `cli-${mode}${path.extname(name)}`);
        fs.writeFileSync(file, damage(original, mode, seed));
        // info and analyze in turn: 12 runs of the binary, one per fixture and damage.
        for (const command of [(fixtures.indexOf(name) + MODES.indexOf(mode)) % 2 === 0 ? 'analyze' : 'info']) {
          const r = cli([command, file], { timeoutMs: 60_000 });
          const where = `${command} ${name} ${mode} seed ${seed}`;
          expect(r.status, `${where}: no hang (killed at the timeout)`).not.toBeNull();
          if (r.status === 0) {
            expect(r.stdout.length, where).toBeGreaterThan(0);
            seen.add('result');
          } else {
            const lines = r.stderr.split('\n').filter((l) => l !== '');
            expect(lines, where).toHaveLength(1);
            expect(lines[0], where).toMatch(/^lifeline: /);
            expect(lines[0], where).not.toMatch(/internal error/);
            seen.add('error');
          }
        }
      }
    }
    expect(seen.has('error')).toBe(true);
  }, 240_000);
});
