/**
 * Bad options fail at the API boundary, before a capture is read, in the user's units.
 *
 * In-process: the capture path does not exist, so reaching the capture would give
 * CAPTURE_NOT_FOUND; an OPTION_* code proves the options were refused first.
 * Through the CLI: the capture is a FIFO with no writer, which the capture stage refuses
 * in a line of its own (opening it would block forever): the option's own one-line error
 * proves the options were checked before the capture was looked at.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SORT_KEYS } from '../../src/analyze/index.js';
import * as api from '../../src/api.js';
import { cli, expectOneLineError } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-options-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const MISSING = path.join(dir, 'no-such-capture.db');

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof api.LifelineError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

describe('options are checked once, at the API boundary, before the capture', () => {
  it('analyze: sort, group, top, ids, window and regex', async () => {
    const cases: Array<[Parameters<typeof api.analyzeCapture>[1], string, string]> = [
      [{ sort: 'bogus' }, 'OPTION_BAD_SORT', `--sort takes one of ${SORT_KEYS.join(', ')}, not "bogus"`],
      [{ by: 'cpu' }, 'OPTION_BAD_GROUP', '--by takes one of thread, process, not "cpu"'],
      [{ top: '0' }, 'OPTION_BAD_NUMBER', '--top takes a positive whole number, not "0"'],
      [{ tid: '0' }, 'OPTION_BAD_ID', '--tid takes comma-separated ids (positive whole numbers), not "0"'],
      [{ pid: '12,x' }, 'OPTION_BAD_ID', '--pid takes comma-separated ids (positive whole numbers), not "12,x"'],
      [{ from: '5', to: '1' }, 'OPTION_BAD_WINDOW', 'the time window is empty: --from 5 s is after --to 1 s'],
      [{ from: '0.5', to: '0.25' }, 'OPTION_BAD_WINDOW', 'the time window is empty: --from 0.5 s is after --to 0.25 s'],
      [{ from: '-1' }, 'OPTION_BAD_WINDOW', '--from takes a number of seconds (≥ 0) from the capture start, not "-1"'],
      [{ fromNs: 5, toNs: 1 }, 'OPTION_BAD_WINDOW', 'the time window is empty: fromNs 5 ns is after toNs 1 ns'],
      [{ comm: '(' }, 'OPTION_BAD_REGEX', '--comm takes a regular expression; "(" is not one'],
    ];
    for (const [opts, code, message] of cases) {
      expect(await codeOf(api.analyzeCapture(MISSING, opts))).toEqual({ code, message });
    }
    // The same rules in analyzeFile and analyze (an open capture): --tid 0 is refused alike.
    expect((await codeOf(api.analyzeFile(MISSING, { tid: [0] }))).code).toBe('OPTION_BAD_ID');
    // Good options reach the capture.
    expect((await codeOf(api.analyzeCapture(MISSING, { sort: 'runq', tid: '1,2', from: '1', to: '1' }))).code).toBe(
      'CAPTURE_NOT_FOUND',
    );
  });

  it('chain: a target is required; --depth is a whole number ≥ 0 (0 is valid), --tid an id', async () => {
    expect(await codeOf(api.chain(MISSING, {}))).toEqual({
      code: 'OPTION_MISSING_TARGET',
      message: 'lifeline chain needs --tid N or --pid N',
    });
    expect(await codeOf(api.chain(MISSING, { tid: '0' }))).toEqual({
      code: 'OPTION_BAD_ID',
      message: '--tid takes an id (a positive whole number), not "0"',
    });
    expect(await codeOf(api.chain(MISSING, { tid: '5', depth: '-1' }))).toEqual({
      code: 'OPTION_BAD_NUMBER',
      message: '--depth takes a whole number ≥ 0, not "-1"',
    });
    expect(await codeOf(api.chain(MISSING, { tid: '5', from: '3', to: '2' }))).toEqual({
      code: 'OPTION_BAD_WINDOW',
      message: 'the time window is empty: --from 3 s is after --to 2 s',
    });
    expect((await codeOf(api.chain(MISSING, { tid: '5', depth: '0' }))).code).toBe('CAPTURE_NOT_FOUND');
  });

  it('report: renderer, top and limits', async () => {
    expect(await codeOf(api.writeReport(MISSING, { renderer: 'webgl' }))).toEqual({
      code: 'OPTION_BAD_RENDERER',
      message: '--renderer takes one of canvas, svg, not "webgl"',
    });
    expect((await codeOf(api.writeReport(MISSING, { top: '0' }))).code).toBe('OPTION_BAD_NUMBER');
    expect((await codeOf(api.writeReport(MISSING, { budget: { maxLanes: 0 } }))).code).toBe('OPTION_BAD_NUMBER');
    expect((await codeOf(api.writeReport(MISSING, { to: '1', from: '2' }))).message).toBe(
      'the time window is empty: --from 2 s is after --to 1 s',
    );
  });

  it('record: format, duration, buffer and pid, before the recorder loads or a file is made', async () => {
    const out = path.join(dir, 'never.db');
    const cases: Array<[Parameters<typeof api.record>[0], string, string]> = [
      [{ format: 'parquet' }, 'OPTION_BAD_FORMAT', '--format takes one of sqlite, arrow, not "parquet"'],
      [{ durationSec: '0' }, 'OPTION_BAD_NUMBER', '--duration takes a positive number of seconds, not "0"'],
      [
        { bufferMb: '3' },
        'OPTION_BAD_NUMBER',
        '--buffer-mb takes a power of two up to 4096 (e.g. 16, 32, 64), not "3"',
      ],
      [{ tgid: '-4' }, 'OPTION_BAD_ID', '--pid takes an id (a positive whole number), not "-4"'],
    ];
    for (const [opts, code, message] of cases)
      expect(await codeOf(api.record({ output: out, ...opts }))).toEqual({ code, message });
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe.skipIf(process.platform !== 'linux')('the CLI refuses bad options without opening the capture', () => {
  const fifo = path.join(dir, 'blocking.db');
  execFileSync('mkfifo', [fifo]);

  it('control: a FIFO given as capture is refused in one line, without blocking', () => {
    for (const cmd of ['info', 'analyze', 'report', 'export']) {
      const r = cli([cmd, fifo], { timeoutMs: 20_000 });
      expect(r.status, `${cmd}: exited`).not.toBeNull();
      expect(expectOneLineError(r)).toMatch(/blocking\.db: it is not a regular file/);
    }
  });

  const cases: Array<[string[], RegExp]> = [
    [['analyze', fifo, '--sort', 'bogus'], /^lifeline: --sort takes one of run, .*, not "bogus"$/],
    [
      ['analyze', fifo, '--from', '5', '--to', '1'],
      /^lifeline: the time window is empty: --from 5 s is after --to 1 s$/,
    ],
    [['analyze', fifo, '--tid', '0'], /^lifeline: --tid takes comma-separated ids/],
    [['analyze', fifo, '--top', 'many'], /^lifeline: --top takes a positive whole number, not "many"$/],
    [['chain', fifo], /^lifeline: lifeline chain needs --tid N or --pid N$/],
    [['chain', fifo, '--tid', '3', '--depth=-1'], /^lifeline: --depth takes a whole number ≥ 0, not "-1"$/],
    [['report', fifo, '--renderer', 'webgl'], /^lifeline: --renderer takes one of canvas, svg, not "webgl"$/],
    [['report', fifo, '--top', '0'], /^lifeline: --top takes a positive whole number, not "0"$/],
    [['record', '-o', fifo, '--format', 'parquet'], /^lifeline: --format takes one of sqlite, arrow, not "parquet"$/],
    [['record', '-o', fifo, '--buffer-mb', '3'], /^lifeline: --buffer-mb takes a power of two/],
    [['record', '-o', fifo, '--duration', '0'], /^lifeline: --duration takes a positive number of seconds, not "0"$/],
  ];
  for (const [args, message] of cases) {
    it(`lifeline ${args.map((a) => (a === fifo ? 'FIFO' : a)).join(' ')}`, () => {
      const r = cli(args, { timeoutMs: 20_000 });
      expect(r.status, 'exited (a run that opened the FIFO would be killed at the timeout)').not.toBeNull();
      expect(expectOneLineError(r)).toMatch(message);
    });
  }
});
