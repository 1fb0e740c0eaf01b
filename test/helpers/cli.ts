import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin/lifeline.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (dist/, compiled by npm's pretest setup). */
export function cli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run the built CLI expecting success: its output (a JSON analysis runs to megabytes), or an
 * error naming the command and its stderr.
 */
export function cliOk(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 512 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`lifeline ${args.join(' ')} exited ${r.status ?? r.error?.message}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** The CLI as a child process; `group`: in a process group of its own (kill it and its workload with -pid). */
export function cliSpawn(args: string[], opts: { group?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.group ?? false,
  });
}

/** A user-facing error: exactly one line on stderr, starting with "lifeline:". */
export function expectOneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (r.status === 0) throw new Error(`expected a non-zero exit, got 0; stderr: ${r.stderr}`);
  if (lines.length !== 1 || !lines[0]!.startsWith('lifeline: '))
    throw new Error(`expected one line "lifeline: ..." on stderr, got:\n${r.stderr}`);
  return lines[0]!;
}
