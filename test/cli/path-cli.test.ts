/**
 * `lifeline path`: the text and the JSON of a fixture's critical path, its mistakes as one
 * `lifeline:` line, and hostile thread names escaped in the text, intact in the JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFromRows, createWriter } from '../../src/api.js';
import type { CriticalPath } from '../../src/analyze/index.js';
import { cli, cliOk, expectOneLineError, ROOT } from '../helpers/cli.js';
import { testMeta } from '../helpers/memory-capture.js';
import { comm, S, sw, wake } from '../helpers/sched-events.js';

const PINGPONG = path.join(ROOT, 'fixtures/pingpong.db');

function pongTid(): number {
  const j = JSON.parse(cliOk(['analyze', PINGPONG, '--json']).stdout) as {
    threads: { tid: number; comm: string; bursts: number }[];
  };
  return j.threads.find((t) => t.comm === 'll-pong')!.tid;
}

describe('lifeline path on a fixture', () => {
  let tid: number;
  beforeAll(() => {
    tid = pongTid();
  });

  it('--json: the longest burst by default, its segments tiling it, with the summaries', () => {
    const j = JSON.parse(cliOk(['path', PINGPONG, '--tid', String(tid), '--json']).stdout) as {
      paths: CriticalPath[];
      diagnostics: unknown[];
    };
    expect(j.paths).toHaveLength(1);
    const p = j.paths[0]!;
    expect(p.thread.tid).toBe(tid);
    expect(p.chosen.kind).toBe('burst');
    expect(p.segments.reduce((n, s) => n + s.end - s.start, 0)).toBe(p.endNs - p.startNs);
    expect(p.summary.reduce((n, s) => n + s.ns, 0)).toBe(p.endNs - p.startNs);
    expect(Array.isArray(j.diagnostics)).toBe(true);
    // --longest 3 gives the three longest, the longest first
    const three = (
      JSON.parse(cliOk(['path', PINGPONG, '--tid', String(tid), '--longest', '3', '--json']).stdout) as {
        paths: CriticalPath[];
      }
    ).paths;
    expect(three).toHaveLength(3);
    expect(three[0]).toEqual(p);
    const lengths = three.map((x) => x.endNs - x.startNs);
    expect([...lengths].sort((a, b) => b - a)).toEqual(lengths);
  });

  it('text: one row per segment, then the time by kind and by thread', () => {
    const j = JSON.parse(cliOk(['path', PINGPONG, '--tid', String(tid), '--burst', '2', '--json']).stdout) as {
      paths: CriticalPath[];
    };
    const out = cliOk(['path', PINGPONG, '--tid', String(tid), '--burst', '2']).stdout;
    expect(out).toMatch(new RegExp(`path of ll-pong ${tid}, burst 2 of \\d+`));
    const rows = out.split('\n').filter((l) => /^\s+\+\d+\.\d+\s/.test(l));
    expect(rows).toHaveLength(j.paths[0]!.segments.length);
    expect(out).toContain('time by kind:');
    expect(out).toContain('time by thread:');
  });

  it('an explicit interval with --from and --to', () => {
    const j = JSON.parse(
      cliOk(['path', PINGPONG, '--tid', String(tid), '--from', '0.05', '--to', '0.06', '--json']).stdout,
    ) as { paths: CriticalPath[] };
    expect(j.paths[0]!.chosen).toEqual({ kind: 'interval' });
    expect([j.paths[0]!.startNs, j.paths[0]!.endNs]).toEqual([50_000_000, 60_000_000]);
    expect(j.paths[0]!.segments.reduce((n, s) => n + s.end - s.start, 0)).toBe(10_000_000);
  });

  it.each([
    [['--burst', '1', '--longest'], /--burst N or --longest, not both/],
    [['--from', '0.06', '--to', '0.05'], /--to must be after --from|time window is empty/],
    [['--burst', '0'], /--burst takes a positive whole number/],
    [['--burst', '100000'], /has \d+ complete bursts? in the capture or the window, no burst 100000/],
    [['--depth', '5000'], /--depth takes a whole number from 0 to 1000/],
    [['--from', '50', '--to', '60'], /starts at 50 s, after the capture's end/],
  ])('a mistake is one line: %j', (args, re) => {
    const r = cli(['path', PINGPONG, '--tid', String(tid), ...(args as string[])]);
    expect(expectOneLineError(r)).toMatch(re as RegExp);
  });

  it('without --tid, --comm chooses among the threads whose name matches', () => {
    const j = JSON.parse(cliOk(['path', PINGPONG, '--comm', '^ll-pong$', '--longest', '2', '--json']).stdout) as {
      paths: CriticalPath[];
    };
    expect(j.paths).toHaveLength(2);
    for (const p of j.paths) expect(p.thread.tid).toBe(tid);
    expect(expectOneLineError(cli(['path', PINGPONG, '--comm', '^nothing-such$']))).toMatch(
      /no complete burst .* of the threads selected/,
    );
  });

  it('a thread that is not in the capture is one line', () => {
    expect(expectOneLineError(cli(['path', PINGPONG, '--tid', '999999']))).toMatch(/has no thread 999999/);
  });
});

describe('lifeline path with hostile thread names', () => {
  const HOSTILE = 'x\x1b]0;PWN\x07\x1b[31mred\x9b2J';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-path-hostile-'));
  const file = path.join(dir, 'hostile.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    // 200 sleeps, the hostile 300 wakes it after waiting behind it on CPU 1
    const rows = [
      comm(200, 200, 'sleeper'),
      comm(300, 300, HOSTILE),
      sw(1, 1, 200, 300, S),
      wake(10, 1, 200, 300),
      sw(12, 1, 300, 200, S),
      sw(20, 1, 200, 0, S),
    ];
    const meta = testMeta({ startNs: 1_000_000 });
    const writer = await createWriter(file, 'sqlite', meta);
    await writer.append(batchFromRows(rows));
    await writer.finish({ ...meta, endNs: 1_100_000, events: rows.length, exitCode: 0 });
  });

  it('escapes them in the text and keeps them exact in the JSON', () => {
    const text = cliOk(['path', file, '--tid', '200']).stdout;
    expect(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), JSON.stringify(text)).toBe(false);
    expect(text).toContain('x\\x1b]0;PWN');
    const j = JSON.parse(cliOk(['path', file, '--tid', '200', '--json']).stdout) as { paths: CriticalPath[] };
    expect(j.paths[0]!.segments.some((s) => s.thread.comm === HOSTILE)).toBe(true);
  });
});
