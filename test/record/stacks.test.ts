/**
 * Kernel stacks in captures, on real recordings: every stack an event names is in the capture
 * (both formats, the same), a recorder killed with SIGKILL keeps the stacks of what it wrote,
 * a full stack table is counted and said, --stacks none records none, and names that could act
 * on a terminal or break a folded line are escaped there.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../src/record/recorder.js';
import { Ctx, Flag, Kind } from '../../src/format/index.js';
import { eventsIn, readRows, type CaptureRows } from '../helpers/capture-rows.js';
import { cli, cliOk, cliSpawn, expectOneLineError } from '../helpers/cli.js';
import { skipReason, skipRecording } from '../helpers/root.js';
import { rmSync } from 'node:fs';

const ROOT = path.resolve(__dirname, '../..');
const wl = (n: string): string => path.join(ROOT, 'build/workloads', n);

/** Stack ids used by events, and the ids the STACK rows name. */
function stackIds(c: CaptureRows): { used: Set<number>; named: Map<number, string> } {
  const used = new Set<number>();
  const named = new Map<number, string>();
  for (const r of c.rows) {
    if (r.kind === Kind.STACK) named.set(r.tid, r.name ?? '');
    else if ((r.stack ?? 0) > 0) used.add(r.stack!);
  }
  return { used, named };
}

describe.skipIf(skipRecording)(`kernel stacks in captures (${skipRecording ? skipReason : 'root'})`, () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-stacks-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names every stack its events use, once each, the same in SQLite and Arrow', async () => {
    const out = path.join(tmp, 'both.db');
    const mirror = path.join(tmp, 'both.arrow');
    await record({
      output: out,
      mirror: { output: mirror, format: 'arrow' },
      command: [wl('ll-pingpong'), '300'],
      stdio: 'ignore',
    });
    const [db, arrow] = [await readRows(out), await readRows(mirror)];
    const { used, named } = stackIds(db);
    expect(used.size).toBeGreaterThan(3);
    for (const id of used) expect(named.has(id), `stack ${id} used but never named`).toBe(true);
    const stackRows = db.rows.filter((r) => r.kind === Kind.STACK);
    expect(new Set(stackRows.map((r) => r.tid)).size).toBe(stackRows.length);
    for (const r of stackRows) {
      // frames named from kallsyms: function names, as many as the record says
      const frames = r.name!.split(';');
      expect(frames.length).toBe(r.a);
      expect(
        frames.every((f) => /^[\w.$]+( \[\w+\])?$|^0x[0-9a-f]+$/.test(f)),
        r.name,
      ).toBe(true);
    }
    // sleeps take the sleeper's stack, preemptions none
    const switches = db.rows.filter((r) => r.kind === Kind.SWITCH);
    expect(switches.filter((r) => (r.a & 3) !== 0 && (r.stack ?? 0) > 0).length).toBeGreaterThan(100);
    expect(switches.filter((r) => r.a === 0 && (r.stack ?? 0) > 0).length).toBe(0);
    // the same stack column and STACK rows in the Arrow mirror
    const col = (c: CaptureRows) => c.rows.map((r) => r.stack ?? 0);
    expect(col(arrow)).toEqual(col(db));
    expect(arrow.rows.filter((r) => r.kind === Kind.STACK)).toEqual(stackRows);
    expect(db.meta.stacks).toBe('kernel');
    expect(db.meta.stackFails).toEqual({ untaken: 0, full: 0, lost: 0 });
  }, 60_000);

  it('ends a stack taken in a hard interrupt at the interrupt entry code, without the interrupted code', async () => {
    // the nanosleep loop is woken by the timer interrupt: the wakings' stacks are the interrupt's
    const out = path.join(tmp, 'irq.db');
    await record({ output: out, command: [wl('ll-sleeper'), '200', '1'], stdio: 'ignore' });
    const c = await readRows(out);
    const { named } = stackIds(c);
    // the entry code's symbols: those in [__irqentry_text_start, __irqentry_text_end) of kallsyms
    const syms = readFileSync('/proc/kallsyms', 'latin1')
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((f) => f.length >= 3);
    const at = (name: string) => BigInt(`0x${syms.find((f) => f[2] === name)![0]}`);
    const [lo, hi] = [at('__irqentry_text_start'), at('__irqentry_text_end')];
    const entry = new Set(syms.filter((f) => BigInt(`0x${f[0]}`) >= lo && BigInt(`0x${f[0]}`) < hi).map((f) => f[2]));
    expect(entry.size).toBeGreaterThan(0);
    const inIrq = c.rows.filter(
      (r) => r.kind === Kind.WAKING && (r.flags & Flag.CTX_MASK) === Ctx.HARDIRQ && (r.stack ?? 0) > 0,
    );
    expect(inIrq.length).toBeGreaterThan(50);
    for (const r of inIrq) {
      const frames = named.get(r.stack!)!.split(';');
      // the outermost frame is the entry code, and it is the only one there
      expect(entry.has(frames[frames.length - 1]!), frames.join(';')).toBe(true);
      expect(frames.filter((f) => entry.has(f))).toHaveLength(1);
    }
  }, 60_000);

  it('records none with --stacks none, and `lifeline stacks` says the capture has none', () => {
    const out = path.join(tmp, 'none.db');
    cliOk(['record', '--stacks', 'none', '-o', out, '--', wl('ll-sleeper'), '20', '1']);
    const info = JSON.parse(cliOk(['info', '--json', out]).stdout) as { stacks: { mode: string; distinct: number } };
    expect(info.stacks).toMatchObject({ mode: 'none', distinct: 0 });
    const line = expectOneLineError(cli(['stacks', out]));
    expect(line).toMatch(/has no kernel stacks/);
    const json = JSON.parse(cliOk(['analyze', '--json', out]).stdout) as { threads: { sleepReasons: unknown[] }[] };
    expect(json.threads.every((t) => t.sleepReasons.length === 0)).toBe(true);
    expect(
      expectOneLineError(cli(['record', '--stacks', 'user', '-o', path.join(tmp, 'bad.db'), '--', 'true'])),
    ).toMatch(/--stacks/);
  });

  it('counts and says the stacks a full table could not keep', async () => {
    const out = path.join(tmp, 'full.db');
    const res = await record({ output: out, maxStacks: 3, command: [wl('ll-pingpong'), '200'], stdio: 'ignore' });
    expect(res.distinctStacks).toBeLessThanOrEqual(3);
    expect(res.stackFails.full).toBeGreaterThan(0);
    const c = await readRows(out);
    expect(c.meta.stackFails.full).toBe(res.stackFails.full);
    // each event that found the table full carries no stack
    const { used } = stackIds(c);
    expect(used.size).toBeLessThanOrEqual(3);
    const info = cliOk(['info', out]).stdout;
    expect(info).toMatch(/sleeps or wakeups have no kernel stack \(full [\d,]+\)/);
    const analyze = cliOk(['analyze', out]).stdout;
    expect(analyze).toMatch(/note: [\d,]+ sleeps or wakeups have no kernel stack/);
    const json = JSON.parse(cliOk(['analyze', '--json', out]).stdout) as {
      diagnostics: { id: string; count: number }[];
    };
    expect(json.diagnostics.find((d) => d.id === 'stacks')?.count).toBe(res.stackFails.full);
  }, 60_000);

  it('keeps the stacks of every batch written when the recorder is killed', async () => {
    const out = path.join(tmp, 'killed.arrow');
    const child = cliSpawn(['record', '-f', 'arrow', '-o', out, '--', wl('ll-pingpong'), '100000000'], {
      group: true,
    });
    const exited = new Promise((r) => child.on('exit', r));
    try {
      // batches are appended every second: wait until the capture, read as it is written, holds
      // a few thousand events, and one more second
      for (let t = 0; (await eventsIn(out)) < 3000; t++) {
        if (t >= 100) throw new Error(`${out}: no events appended within 20 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    const c = await readRows(out);
    expect(c.meta.complete).toBe(false);
    const { used, named } = stackIds(c);
    expect(used.size).toBeGreaterThan(3);
    for (const id of used) expect(named.has(id), `stack ${id} used but never named`).toBe(true);
  }, 60_000);

  it('escapes names in the folded output: one line per stack, no raw control character, no extra frame', () => {
    const dir = mkdtempSync(path.join(tmp, 'hostile-'));
    const name = 'a;b\x1b[31mc';
    const exe = path.join(dir, name);
    copyFileSync(wl('ll-sleeper'), exe);
    const out = path.join(tmp, 'hostile.db');
    cliOk(['record', '-o', out, '--', exe, '20', '1']);
    const folded = cliOk(['stacks', '--waker', out]).stdout;
    // the kernel keeps the first 15 bytes of the file name as comm
    const lines = folded.split('\n').filter((l) => l.startsWith('a\\x3bb\\x1b[31mc;'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of folded.split('\n').filter((x) => x !== '')) {
      expect(l).toMatch(/^[^\x00-\x1f\x7f]+ \d+$/);
    }
    for (const l of lines) expect(l.split(';')[1]).toMatch(/^entry_SYSCALL_64/);
  }, 60_000);
});
