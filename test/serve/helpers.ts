/** Real components for the serve tests: `lifeline serve` and Debian's Prometheus, on loopback, bounded in time. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

export const WORKLOADS = path.join(ROOT, 'build/workloads');

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 200 ms until it returns a value (not undefined) or `ms` pass. */
export async function waitFor<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

export interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** SIGTERM, then the exit code (SIGKILL after 15 s). */
  stop: () => Promise<number | null>;
  /**
   * Sends these signals, only these, in this order, and resolves to the exit code; if serve has
   * not exited `ms` later, kills it (SIGKILL) and rejects naming the signals.
   */
  exitOn: (sigs: NodeJS.Signals | NodeJS.Signals[], ms?: number) => Promise<number | null>;
}

/** Starts `lifeline serve --listen 127.0.0.1:0 ARGS` and waits for its URL. */
export async function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await waitFor('lifeline serve to listen', 20_000, () => {
    if (child.exitCode !== null) throw new Error(`lifeline serve exited: ${err}`);
    return /serving Prometheus metrics on (http:\/\/\S+)\/metrics/.exec(err)?.[1];
  });
  return {
    child,
    url,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    exitOn: async (sigs, ms = 20_000) => {
      const sent = typeof sigs === 'string' ? [sigs] : sigs;
      for (const sig of sent) child.kill(sig);
      let t: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (t = setTimeout(() => resolve('late'), ms)));
      const code = await Promise.race([exited, late]);
      clearTimeout(t);
      if (code !== 'late') return code;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
      throw new Error(`lifeline serve had not exited ${ms} ms after ${sent.join(', ')}; stderr: ${err}`);
    },
  };
}

/** Whether every thread of process `pid` is stopped (state T): it runs no code, reads nothing. */
export function allStopped(pid: number): boolean {
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tids.every((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
    } catch {
      return true; // the thread is gone
    }
  });
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_PAIR = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE_VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?Inf|NaN)';
const SAMPLE_LINE = new RegExp(
  `^(${METRIC_NAME})(?:\\{(?:${LABEL_PAIR}(?:,${LABEL_PAIR})*,?)?\\})? ${SAMPLE_VALUE}(?: -?\\d+)?$`,
);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * What is wrong with a text exposition (format 0.0.4), or null: every line a HELP, a TYPE, a
 * sample or blank; every sample in a family whose TYPE came first, no family typed twice; a
 * final newline; and both halves of serve's answer (the replay's figures and serve's own).
 */
export function expositionProblem(body: string): string | null {
  if (!body.endsWith('\n')) return 'no final newline';
  const types = new Map<string, string>();
  const lines = body.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const at = `line ${i + 1} "${line.slice(0, 120)}"`;
    if (line.startsWith('# HELP ')) {
      if (!new RegExp(`^# HELP ${METRIC_NAME}( |$)`).test(line)) return `malformed HELP at ${at}`;
    } else if (line.startsWith('# TYPE ')) {
      const [, , name, type, extra] = line.split(' ');
      if (!name || !new RegExp(`^${METRIC_NAME}$`).test(name) || !TYPES.has(type ?? '') || extra !== undefined)
        return `malformed TYPE at ${at}`;
      if (types.has(name)) return `family ${name} typed twice, at ${at}`;
      types.set(name, type!);
    } else if (line.startsWith('#')) {
      return `unexpected comment at ${at}`;
    } else {
      const m = SAMPLE_LINE.exec(line);
      if (!m) return `malformed sample at ${at}`;
      const name = m[1]!;
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const family = types.has(name)
        ? name
        : types.get(base) === 'histogram' || types.get(base) === 'summary'
          ? base
          : '';
      if (family === '') return `sample without a TYPE line before it at ${at}`;
    }
  }
  for (const want of ['lifeline_events_total', 'lifeline_lost_events_total', 'lifeline_replay_lag_seconds'])
    if (!types.has(want)) return `no ${want} family`;
  return null;
}

export function scrape(url: string): Promise<{ body: string; contentType: string }> {
  // on a connection of its own, not a keep-alive pool: a test that stopped and resumed serve
  // (SIGSTOP/SIGCONT) had a pooled connection reused after serve had closed it ("other side closed")
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/metrics`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ body, contentType: res.headers['content-type'] ?? '' }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Sum of the samples of `name` whose labels include every given pair (the text exposition, parsed plainly). */
export function sample(body: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const want = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (!want) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : NaN;
}

export interface Prometheus {
  url: string;
  /** Instant query; the result vector. */
  query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  queryRange(
    expr: string,
    start: number,
    end: number,
    step: number,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  stop(): Promise<void>;
}

/** Debian's prometheus with a temporary TSDB, scraping `target` (host:port) every second. */
export async function startPrometheus(target: string): Promise<Prometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-prom-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: lifeline\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor('prometheus to be ready', 30_000, async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log.slice(-2000)}`);
    try {
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  });
  const api = async (p: string, params: Record<string, string>) => {
    const r = await fetch(`${url}/api/v1/${p}?${new URLSearchParams(params)}`);
    const j = (await r.json()) as { status: string; error?: string; data: { result: unknown } };
    if (j.status !== 'success') throw new Error(`prometheus ${p} failed: ${j.error}: ${params.query}`);
    return j.data.result;
  };
  return {
    url,
    query: async (expr, time) =>
      (await api('query', { query: expr, ...(time ? { time: String(time) } : {}) })) as never,
    queryRange: async (expr, start, end, step) =>
      (await api('query_range', { query: expr, start: String(start), end: String(end), step: String(step) })) as never,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a shell command in its own process group; kill() ends the group. */
export function startGroup(cmd: string): {
  child: ChildProcess;
  output: () => string;
  done: Promise<void>;
  kill: () => void;
} {
  const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => out,
    done,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
  };
}

/** VmRSS of a process, in KiB. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
