/**
 * A seeded fuzz test of the capture readers: truncations, bit flips and zeroed ranges of
 * every committed fixture, both formats. Every case must end with a result, or with one
 * CAPTURE_* LifelineError whose message is one line naming the file — never another
 * exception (an internal error), a crash or a hang. Most cases run in-process through the
 * API (info, then analyze --json, as the CLI does); a handful run through the CLI binary.
 * A result must state the damage (DAMAGED, or incomplete for a cut) unless every event the
 * fixture holds was read. Structural damage (Arrow message metadata, batch headers, footers;
 * SQLite b-tree page headers and cell pointers) runs through the CLI binary, each case a child
 * process bounded in time and heap: never a hang, an out-of-memory death or a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Message, RecordBatchFileWriter, RecordBatchReader, Table } from 'apache-arrow';
import { analyzeCapture, info, LifelineError } from '../../src/api.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';

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

interface Facts {
  events: number;
  complete: boolean;
  diagnostics: Array<{ id: string }>;
}

/** True when the diagnostics say the capture is damaged (or, with `cut`, incomplete). */
function saysDamage(diagnostics: Facts['diagnostics'], cut = false): boolean {
  return diagnostics.some((d) => d.id === 'damaged' || (cut && d.id === 'incomplete'));
}

/** The events of each intact fixture. */
const intact = new Map<string, number>();
beforeAll(async () => {
  for (const name of fixtures)
    intact.set(name, (JSON.parse(await info(path.join(FIXTURES, name), { json: true })) as Facts).events);
});

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
            const facts = JSON.parse(await info(file, { json: true })) as Facts;
            const analysis = JSON.parse(await analyzeCapture(file, { json: true })) as {
              capture: { events: number };
              diagnostics: Facts['diagnostics'];
            };
            // a result with fewer events than the fixture holds says why (damaged, or cut: incomplete)
            const where = `${name} ${mode} seed ${seed}`;
            if (!saysDamage(facts.diagnostics, true)) expect(facts.events, where).toBe(intact.get(name)!);
            if (!saysDamage(analysis.diagnostics, true)) expect(analysis.capture.events, where).toBe(intact.get(name)!);
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

/** A run of the built CLI in a child process bounded in time and heap (SIGKILL at the timeout). */
interface Bounded {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const BOUND = { timeoutMs: 20_000, heapMb: 512 };

function runBounded(args: string[]): Promise<Bounded> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${BOUND.heapMb}`, BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), BOUND.timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Runs `jobs` two at a time (the machine has two CPUs). */
async function inPairs<T>(jobs: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const k = next++;
      out[k] = await jobs[k]!();
    }
  };
  await Promise.all([lane(), lane()]);
  return out;
}

/** The framing of an intact Arrow stream: each message's offset, metadata bytes and body length. */
interface ArrowFrame {
  start: number;
  metaStart: number;
  metaLength: number;
  bodyLength: number;
  headerType: number;
}

function arrowFrames(bytes: Buffer, from: number, until = bytes.length): ArrowFrame[] {
  const frames: ArrowFrame[] = [];
  let pos = from;
  while (pos + 8 <= until) {
    const metaLength = bytes.readInt32LE(pos + 4);
    if (bytes.readInt32LE(pos) !== -1 || metaLength === 0) break;
    const message = Message.decode(bytes.subarray(pos + 8, pos + 8 + metaLength));
    const bodyLength = Number(message.bodyLength);
    frames.push({ start: pos, metaStart: pos + 8, metaLength, bodyLength, headerType: message.headerType });
    pos += 8 + metaLength + bodyLength;
  }
  return frames;
}

/** Minimal flatbuffer reading (of intact bytes): the position of field `i` of the table at `table`. */
function fbField(b: Buffer, table: number, i: number): number {
  const vtable = table - b.readInt32LE(table);
  const off = 4 + 2 * i < b.readUInt16LE(vtable) ? b.readUInt16LE(vtable + 4 + 2 * i) : 0;
  if (off === 0) throw new Error(`field ${i} absent`);
  return table + off;
}
const fbDeref = (b: Buffer, pos: number) => pos + b.readUInt32LE(pos);

/** The first 4-byte-aligned offset in [from, to) holding the uint32 `value`. */
function findU32(b: Buffer, from: number, to: number, value: number): number {
  for (let p = from; p + 4 <= to; p += 4) if (b.readUInt32LE(p) === value) return p;
  throw new Error(`${value} not found`);
}

interface StructCase {
  name: string;
  fixture: string;
  bytes: Buffer;
  /** Also run analyze, analyze --json or export on it (in turn), not info alone. */
  outputs?: boolean;
}

/** `original` with `patch` written at `at`. */
function patched(original: Buffer, at: number, patch: Buffer): Buffer {
  const out = Buffer.from(original);
  patch.copy(out, at);
  return out;
}

function flipped(original: Buffer, at: number, bit: number): Buffer {
  const out = Buffer.from(original);
  out[at]! ^= 1 << bit;
  return out;
}

/** 16 bytes of garbage from a seed. */
function garbage16(seed: number): Buffer {
  const rand = prng(seed);
  return Buffer.from(Array.from({ length: 16 }, () => Math.floor(rand() * 256)));
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

/** 722 680 466, then 12 bytes of 'A': the count a reported damaged batch header claimed for its buffers. */
const REPORTED_BUFFERS = Buffer.concat([u32(722_680_466), Buffer.alloc(12, 0x41)]);

function arrowStreamCases(name: string): StructCase[] {
  const original = fs.readFileSync(path.join(FIXTURES, name));
  const frames = arrowFrames(original, 0);
  const [schema, first, second] = frames;
  const trailer = frames[frames.length - 1]!;
  if (!schema || !first || !second || frames.length < 4)
    throw new Error(`${name}: expected a schema, 2 batches and a trailer`);
  const cases: StructCase[] = [];
  const add = (what: string, bytes: Buffer, outputs = false) =>
    cases.push({ name: `${name}: ${what}`, fixture: name, bytes, outputs });
  const headerOf = (f: ArrowFrame) => fbDeref(original, fbField(original, fbDeref(original, f.metaStart), 2));
  const bufferCount = (f: ArrowFrame) => fbDeref(original, fbField(original, headerOf(f), 2));
  const bodyLengthAt = (f: ArrowFrame) => findU32(original, f.metaStart, f.metaStart + f.metaLength, f.bodyLength);
  // the two reported cases, exactly
  add(
    '16 bytes of batch 1 header overwritten (722 680 466 buffers)',
    patched(original, bufferCount(first), REPORTED_BUFFERS),
    true,
  );
  add('one bit flipped in batch 1 metadata (its body length)', flipped(original, bodyLengthAt(first) + 4, 0), true);
  // the same damage further on, where batches before it can be read
  add(
    '16 bytes of batch 2 header overwritten (722 680 466 buffers)',
    patched(original, bufferCount(second), REPORTED_BUFFERS),
    true,
  );
  add('one bit flipped in batch 2 metadata (its body length)', flipped(original, bodyLengthAt(second) + 4, 0), true);
  const rows = Buffer.alloc(8);
  rows.writeBigInt64LE(722_680_466n);
  add('batch 2 row count 722 680 466', patched(original, fbField(original, headerOf(second), 0), rows), true);
  for (let k = 0; k < 2; k++) {
    const at = second.metaStart + Math.floor(prng(50 + k)() * (second.metaLength - 16));
    add(`16 bytes of batch 2 metadata at ${at} overwritten`, patched(original, at, garbage16(50 + k)));
  }
  for (let k = 0; k < 2; k++) {
    const at = schema.metaStart + Math.floor(prng(60 + k)() * (schema.metaLength - 16));
    add(`16 bytes of the schema message at ${at} overwritten`, patched(original, at, garbage16(60 + k)));
  }
  add('batch 2 metadata length 0x7fffffff', patched(original, second.start + 4, u32(0x7fffffff)));
  add('batch 2 metadata length -5', patched(original, second.start + 4, u32(-5)));
  add('batch 2 metadata length 64', patched(original, second.start + 4, u32(64)));
  add('batch 2 continuation marker zeroed', patched(original, second.start, u32(0)));
  add('16 bytes of the trailer metadata overwritten', patched(original, trailer.metaStart + 40, garbage16(70)), true);
  return cases;
}

/** The fixture rewritten as an Arrow *file* (ARROW1, footer), then its footer and a batch damaged. */
function arrowFileCases(name: string): StructCase[] {
  const stream = fs.readFileSync(path.join(FIXTURES, name));
  const file = Buffer.from(
    RecordBatchFileWriter.writeAll(new Table(RecordBatchReader.from(stream).readAll())).toUint8Array(true),
  );
  const footerLength = file.readInt32LE(file.length - 10);
  const footer = file.length - 10 - footerLength;
  const root = fbDeref(file, footer);
  const batches = fbDeref(file, fbField(file, root, 3)); // recordBatches: [Block]
  const firstBlockOffset = Number(file.readBigInt64LE(batches + 4));
  const [first] = arrowFrames(file, firstBlockOffset, footer);
  if (!first) throw new Error('no batch in the Arrow file');
  const cases: StructCase[] = [];
  const add = (what: string, bytes: Buffer) =>
    cases.push({ name: `${name} as an Arrow file: ${what}`, fixture: name, bytes });
  add('footer claims 722 680 466 record batches', patched(file, batches, u32(722_680_466)));
  add('footer block 1 offset beyond the file', patched(file, batches + 4, Buffer.from([0, 0, 0, 0, 1, 0, 0, 0])));
  add('footer length 0x7ffffff0', patched(file, file.length - 10, u32(0x7ffffff0)));
  add('16 bytes of the footer overwritten', patched(file, footer + 24, garbage16(80)));
  const header = fbDeref(file, fbField(file, fbDeref(file, first.metaStart), 2));
  add(
    '16 bytes of batch 1 header overwritten (722 680 466 buffers)',
    patched(file, fbDeref(file, fbField(file, header, 2)), REPORTED_BUFFERS),
  );
  return cases;
}

/** B-tree page headers and cell pointers of an SQLite fixture. */
function sqliteCases(name: string): StructCase[] {
  const original = fs.readFileSync(path.join(FIXTURES, name));
  const pageSize = original.readUInt16BE(16) === 1 ? 65536 : original.readUInt16BE(16);
  const pages = Math.floor(original.length / pageSize);
  const cases: StructCase[] = [];
  const add = (what: string, bytes: Buffer) => cases.push({ name: `${name}: ${what}`, fixture: name, bytes });
  // table pages (0x0d leaf, 0x05 interior) past the first, at three places in the file
  const btree: number[] = [];
  for (let p = 2; p <= pages; p++) {
    const type = original[(p - 1) * pageSize]!;
    if (type === 0x0d || type === 0x05) btree.push(p);
  }
  const interior = btree.find((p) => original[(p - 1) * pageSize] === 0x05);
  const chosen = [btree[0]!, btree[Math.floor(btree.length / 2)]!];
  for (const p of chosen) {
    const h = (p - 1) * pageSize;
    const cells = original.readUInt16BE(h + 3);
    const pointers = h + (original[h] === 0x05 ? 12 : 8);
    add(`page ${p}: cell count 65535`, patched(original, h + 3, Buffer.from([0xff, 0xff])));
    add(
      `page ${p}: cell pointers overwritten`,
      patched(original, pointers, garbage16(90 + p).subarray(0, Math.min(16, 2 * cells))),
    );
    add(`page ${p}: page type 0x0a`, patched(original, h, Buffer.from([0x0a])));
    if (p === chosen[0])
      add(
        `page ${p}: cell content start and first freeblock garbage`,
        patched(original, h + 1, Buffer.from([0x00, 0x07, 0xff, 0xff, 0xff, 0xf0, 0x00])),
      );
  }
  if (interior !== undefined) {
    const h = (interior - 1) * pageSize;
    add(`interior page ${interior}: right child 0x7fffffff`, patched(original, h + 8, u32(0x7fffffff).reverse()));
  }
  return cases;
}

describe.skipIf(fixtures.length === 0)('structural damage through the CLI, bounded in time and heap', () => {
  it(`Arrow metadata, batch headers and footers; SQLite b-tree pages: one lifeline: line, or a result that says DAMAGED (${BOUND.timeoutMs / 1000} s, ${BOUND.heapMb} MB each)`, async () => {
    const cases = [
      ...fixtures.filter((f) => f.endsWith('.arrow')).flatMap((f) => [...arrowStreamCases(f), ...arrowFileCases(f)]),
      ...fixtures
        .filter((f) => f.endsWith('.db'))
        .slice(0, 1)
        .flatMap(sqliteCases),
    ];
    let turn = 0;
    const jobs = cases.flatMap((c, k) => {
      const file = path.join(dir, `struct-${k}${path.extname(c.fixture)}`);
      fs.writeFileSync(file, c.bytes);
      // info --json for every case (the events read), and in turn the other outputs
      const runs = [['info', '--json', file]];
      if (c.outputs)
        runs.push(
          [
            ['analyze', file],
            ['analyze', '--json', file],
            ['export', file, '-o', `${file}.pftrace`],
          ][turn++ % 3]!,
        );
      return runs.map((args) => async () => ({ c, args, r: await runBounded(args) }));
    });
    const results = await inPairs(jobs);
    const outcomes = { error: 0, damaged: 0, whole: 0 };
    const failures: string[] = [];
    let slowest = 0;
    const infoOf = new Map<StructCase, Facts | null>();
    for (const { c, args, r } of results) {
      slowest = Math.max(slowest, r.ms);
      const where = `${c.name}: lifeline ${args.join(' ')}`;
      const fail = (why: string) => failures.push(`${where}: ${why}\n${r.stderr.slice(0, 2000)}`);
      if (r.status === null) {
        fail(`killed by ${r.signal} after ${r.ms} ms (a hang, or out of memory)`);
        continue;
      }
      if (/heap out of memory|FATAL ERROR|^\s+at /m.test(r.stderr)) {
        fail('a crash or a stack trace');
        continue;
      }
      if (r.status !== 0) {
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        if (lines.length !== 1 || !lines[0]!.startsWith('lifeline: ') || lines[0]!.includes('internal error'))
          fail(`exit ${r.status} without one lifeline: line`);
        else outcomes.error++;
        if (args[0] === 'info') infoOf.set(c, null);
        continue;
      }
      if (args[0] === 'info') {
        const facts = JSON.parse(r.stdout) as Facts;
        infoOf.set(c, facts);
        if (saysDamage(facts.diagnostics)) outcomes.damaged++;
        else if (facts.events === intact.get(c.fixture) && facts.complete) outcomes.whole++;
        else fail(`exit 0 with ${facts.events} of ${intact.get(c.fixture)} events and no word of damage`);
      }
    }
    // every other output agrees with info: it says the damage info said
    for (const { c, args, r } of results) {
      if (args[0] === 'info' || r.status !== 0) continue;
      const facts = infoOf.get(c);
      if (facts && saysDamage(facts.diagnostics) && !/DAMAGED|"damaged"/.test(r.stdout + r.stderr))
        failures.push(`${c.name}: lifeline ${args.join(' ')}: exit 0 without the DAMAGED info says`);
    }
    if (process.env.FUZZ_VERBOSE)
      for (const { c, args, r } of results)
        console.log(
          `${r.ms} ms exit ${r.status} ${c.name}: ${args[0]}: ${(r.stderr.split('\n')[0] ?? '').slice(0, 160)}`,
        );
    expect(failures).toEqual([]);
    // the reported cases and their kin are met: both a refusal and a result that says the damage
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.damaged).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(BOUND.timeoutMs);
  }, 120_000);
});
