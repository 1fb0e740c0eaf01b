/**
 * Strings from a capture are untrusted: a command line, comms, a symbol and a hostname
 * with ESC, BEL, CSI (7-bit and C1), newlines, invalid UTF-8 and `<script>` must reach the
 * terminal escaped — in info, analyze, chain and the `lifeline:` error line — while
 * `--json` carries them intact (JSON escapes them itself).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFromRows, createWriter } from '../../src/api.js';
import { cli, expectOneLineError } from '../helpers/cli.js';
import { testMeta } from '../helpers/memory-capture.js';
import { comm, hrtimerWake, R, S, sw, sym, wake } from '../helpers/sched-events.js';

const TITLE = '\x1b]0;PWN\x07'; // OSC: retitles the terminal
const RED = '\x1b[31m'; // CSI: recolours it
const C1_CSI = '\x9b2J'; // the one-byte CSI: clears the screen
const HOSTILE_COMM = `x${TITLE}${RED}red${C1_CSI}<script>alert(1)</script>`;
const HOSTILE_SYM = `hrtimer${RED}_wakeup\n`;
const COMMAND = ['sh', '-c', `x${TITLE}${RED}\nnext line <script>alert(1)</script>`];
const HOSTNAME = `host${RED}\r`;
/** Not UTF-8: 0xff 0xfe, then an ESC, inside a comm (written straight into the SQLite column). */
const INVALID_UTF8_HEX = '6261ff' + 'fe1b5b326a';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-hostile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'hostile.db');

/** Anything a terminal would act on: C0 controls but newline, DEL, C1 controls. */
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

function expectEscaped(text: string, what: string): void {
  expect(RAW_CONTROL.test(text), `${what} holds a raw control character: ${JSON.stringify(text)}`).toBe(false);
}

beforeAll(async () => {
  const rows = [
    comm(100, 100, 'stress'),
    comm(200, 200, 'sleeper'),
    comm(300, 300, HOSTILE_COMM),
    comm(400, 400, 'placeholder'),
    sym(7, HOSTILE_SYM),
    sw(1, 0, 0, 100, R),
    sw(5, 1, 200, 0, S),
    sw(6, 1, 0, 300, R),
    wake(10, 1, 200, 300),
    sw(12, 1, 300, 200, S),
    wake(20, 1, 400, 200),
    sw(30, 1, 200, 400, S),
    wake(40, 1, 200, 400),
    sw(50, 1, 400, 200, S),
    hrtimerWake(60, 0, 300, 100, 7),
    sw(70, 0, 100, 300, R, true),
    sw(80, 0, 300, 100, S),
  ];
  const meta = testMeta({ command: COMMAND, hostname: HOSTNAME, startNs: 1_000_000 });
  const writer = await createWriter(file, 'sqlite', meta);
  await writer.append(batchFromRows(rows));
  await writer.finish({ ...meta, endNs: 2_000_000, events: rows.length, exitCode: 0 });
  const db = new Database(file);
  db.prepare(`UPDATE events SET name = CAST(X'${INVALID_UTF8_HEX}' AS TEXT) WHERE kind = 7 AND tid = 400`).run();
  db.close();
});

describe('capture strings reach the terminal escaped', () => {
  it('info: the command line and the hostname', () => {
    const r = cli(['info', file]);
    expect(r.status).toBe(0);
    expectEscaped(r.stdout, 'info');
    expect(r.stdout).toContain('x\\x1b]0;PWN\\x07\\x1b[31m\\x0anext line <script>alert(1)</script>');
    expect(r.stdout).toContain('host\\x1b[31m\\x0d');
  });

  it('info --json carries them intact', () => {
    const r = cli(['info', file, '--json']);
    expectEscaped(r.stdout, 'info --json');
    const json = JSON.parse(r.stdout) as { command: string[]; host: { hostname: string } };
    expect(json.command).toEqual(COMMAND);
    expect(json.host.hostname).toBe(HOSTNAME);
  });

  it('analyze: comms (also not UTF-8), the waker symbol and the hostname', () => {
    const r = cli(['analyze', file]);
    expect(r.status).toBe(0);
    expectEscaped(r.stdout, 'analyze');
    expect(r.stdout).toContain('x\\x1b]0;PWN\\x07\\x1b[31mred\\x9b2J<script>alert(1)</script>');
    expect(r.stdout).toContain('ba\ufffd\ufffd\\x1b[2j');
    expect(r.stdout).toContain('hrtimer\\x1b[31m_wakeup\\x0a');
    expect(r.stdout).toContain('host\\x1b[31m\\x0d');
  });

  it('analyze --json carries the comm intact', () => {
    const r = cli(['analyze', file, '--json']);
    const json = JSON.parse(r.stdout) as { threads: Array<{ tid: number; comm: string }> };
    expect(json.threads.find((t) => t.tid === 300)!.comm).toBe(HOSTILE_COMM);
  });

  it('chain: the wakers of a thread, by comm and by symbol', () => {
    const byTask = cli(['chain', file, '--tid', '200']);
    expect(byTask.status).toBe(0);
    expectEscaped(byTask.stdout, 'chain --tid 200');
    expect(byTask.stdout).toContain('woken by task x\\x1b]0;PWN\\x07\\x1b[31mred\\x9b2J<script>alert(1)</script> 300');
    expect(byTask.stdout).toContain('ba\ufffd\ufffd\\x1b[2j');
    const byTimer = cli(['chain', file, '--tid', '300']);
    expect(byTimer.status).toBe(0);
    expectEscaped(byTimer.stdout, 'chain --tid 300');
    expect(byTimer.stdout).toContain('hrtimer\\x1b[31m_wakeup\\x0a');
  });

  it('error lines: a hostile capture name stays on one escaped line', () => {
    const evil = path.join(dir, `evil${TITLE}\nname.db`);
    fs.writeFileSync(evil, fs.readFileSync(file).subarray(0, 50));
    for (const command of ['info', 'analyze']) {
      const line = expectOneLineError(cli([command, evil]));
      expectEscaped(line, `${command} error line`);
      expect(line).toContain('evil\\x1b]0;PWN\\x07 name.db is damaged');
    }
  });
});
