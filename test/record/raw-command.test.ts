/**
 * `record -- CMD` where CMD's name (or an argument) is not UTF-8: Node decodes argv into U+FFFD,
 * which names no file; lifeline runs the real bytes, and the kernel's comm is the real name.
 * The CLI is started by /bin/sh (printf's octal escapes), since Node cannot pass such bytes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, ROOT } from '../helpers/cli.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RAW = Buffer.from([0xff, 0xfe]);
/** dir/<0xff 0xfe><suffix>, as bytes. */
const rawPath = (suffix: string) => Buffer.concat([Buffer.from(`${dir}/`), RAW, Buffer.from(suffix)]);

/**
 * `lifeline record -o OUT -- <dir/\377\376NAME> ARGS…`, the command's path given as bytes by
 * the shell; `rawArg` (a suffix) adds one more argument that is a raw-bytes path too.
 */
function recordRaw(out: string, name: string, args: string[], rawArg?: string) {
  const cmd = `"$(printf '%s/\\377\\376%s' "$3" "$4")"`;
  const extra = rawArg === undefined ? '' : ` "$(printf '%s/\\377\\376%s' "$3" "$5")"`;
  const script = `exec "$0" "$1" record -o "$2" -- ${cmd} ${args.map((a) => `'${a}'`).join(' ')}${extra}`;
  const r = spawnSync('/bin/sh', ['-c', script, process.execPath, BIN, out, dir, name, rawArg ?? ''], {
    cwd: ROOT,
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

describe.skipIf(!canRecord && !mustRecord)(`record -- a program whose name is not UTF-8 (${skipReason})`, () => {
  it('runs the real file: its comm in the kernel is the real bytes, a raw argument reaches it as bytes', () => {
    copyFileSync('/bin/cat', rawPath('-cat'));
    chmodSync(rawPath('-cat'), 0o755);
    writeFileSync(rawPath('-data'), 'payload\n');
    const out = path.join(dir, 'cat.db');
    // cat prints its own comm (the kernel's name of the process) and a file named by raw bytes
    const r = recordRaw(out, '-cat', ['/proc/self/comm'], '-data');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.equals(Buffer.concat([RAW, Buffer.from('-cat\npayload\n')])), r.stdout.toString('latin1')).toBe(
      true,
    );
  }, 60_000);

  it('the capture names the process as it stores names (not UTF-8: U+FFFD), with its own pid', () => {
    copyFileSync(path.join(ROOT, 'build/workloads/ll-sleeper'), rawPath('-sleep'));
    chmodSync(rawPath('-sleep'), 0o755);
    const out = path.join(dir, 'sleep.db');
    const r = recordRaw(out, '-sleep', ['20', '5']);
    expect(r.status, r.stderr).toBe(0);
    const pid = Number(r.stdout.toString('utf8').trim());
    expect(pid).toBeGreaterThan(0);
    const a = cli(['analyze', '--json', out, '--tid', String(pid)]);
    expect(a.status, a.stderr).toBe(0);
    const threads = (JSON.parse(a.stdout) as { threads: { tid: number; comm: string; sleeps?: unknown }[] }).threads;
    expect(threads.map((t) => [t.tid, t.comm])).toEqual([[pid, '\uFFFD\uFFFD-sleep']]);
    const info = JSON.parse(cli(['info', '--json', out]).stdout) as { command: string[]; exitCode: number };
    expect(info.command).toEqual([`${dir}/\uFFFD\uFFFD-sleep`, '20', '5']);
    expect(info.exitCode).toBe(0);
  }, 60_000);

  it('a raw name without a slash is found on PATH by its bytes', () => {
    copyFileSync('/bin/cat', rawPath('-pathcat'));
    chmodSync(rawPath('-pathcat'), 0o755);
    const out = path.join(dir, 'pathcat.db');
    const script = `PATH="$3:$PATH" exec "$0" "$1" record -o "$2" -- "$(printf '\\377\\376-pathcat')" /proc/self/comm`;
    const r = spawnSync('/bin/sh', ['-c', script, process.execPath, BIN, out, dir], {
      cwd: ROOT,
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(r.status, r.stderr.toString()).toBe(0);
    // comm is at most 15 bytes: "\xff\xfe-pathcat" is 10
    expect(r.stdout.equals(Buffer.concat([RAW, Buffer.from('-pathcat\n')])), r.stdout.toString('latin1')).toBe(true);
  }, 60_000);

  it('a raw name that names no file is still "command not found", in one line, writing nothing', () => {
    const out = path.join(dir, 'missing.db');
    const r = recordRaw(out, '-missing', []);
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/^lifeline: cannot run .*-missing: command not found\n$/);
    expect(existsSync(out)).toBe(false);
  });
});
