// What the benchmarks share: running a command (failing loudly) and timing it with GNU time.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** Runs argv; throws with the end of its stderr when it fails. */
export function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return r;
}

/**
 * `lifeline record [options] -- command` into `db` (SQLite) with an Arrow mirror: the capture pair
 * the analyze and export benchmarks measure.
 */
export function recordPairArgv(bin, db, arrow, command, options = []) {
  return [process.execPath, bin, 'record', ...options, '-o', db, '--mirror', arrow, '--', ...command];
}

/** The capture pair of `perf bench sched messaging -l loops`. */
export function recordMessagingArgv(bin, db, arrow, loops) {
  return recordPairArgv(bin, db, arrow, ['perf', 'bench', 'sched', 'messaging', '-l', String(loops)]);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall seconds, CPU seconds and peak RSS (MiB) of one command over `runs` runs, by GNU time. */
export function measure(argv, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = sh(['/usr/bin/time', '-f', '%e %U %S %M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    const [wall, user, sys, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    samples.push({ wall, cpu: user + sys, rssMb: rss / 1024 });
  }
  return {
    wall: median(samples.map((s) => s.wall)),
    cpu: median(samples.map((s) => s.cpu)),
    rssMb: median(samples.map((s) => s.rssMb)),
  };
}

/** A loopback port nobody listens on now (the kernel picks it; closed again before use). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process, seconds. */
export function cpuOf(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** `lifeline serve` on a free loopback port; resolves once it listens, with its process and base URL. */
export async function spawnServe(bin) {
  const child = spawn(process.execPath, [bin, 'serve', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 100 && !/on (http:\S+)\/metrics/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
  const url = /on (http:\S+)\/metrics/.exec(err)?.[1];
  if (!url) throw new Error(`serve did not start: ${err}`);
  return { child, url, stderr: () => err };
}

/**
 * GET `url` on a connection of its own (no keep-alive): the bench blocks its event loop in
 * spawnSync while a workload runs, and a kept-alive socket that the server closed meanwhile
 * would fail the next scrape for the bench's own reason.
 */
export function getText(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
