// Debian's prometheus scraping prometheus-node-exporter over loopback, for a bounded time:
// both on free 127.0.0.1 ports, prometheus with its own temporary storage, scrape interval 1 s.
// Run as a script inside the recorded command: `node prometheus.js IDS_FILE SECONDS` writes
// "exporter-pid prometheus-pid" to IDS_FILE once the first scrape succeeded, then stops both.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port nobody listens on now (the kernel picks it; closed again before use). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(2000, () => req.destroy());
  });
}

async function until(what, deadline, test) {
  while (Date.now() < deadline) {
    if (await test()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not happen in time`);
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Start both, wait for prometheus' first successful scrape, call `during(ids)`, keep scraping for
 * `seconds`, stop both and remove the temporary directory.
 * @param {number} seconds
 * @param {(ids: { exporter: number, prometheus: number }) => void} during
 */
export async function scrapeFor(seconds, during) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-prometheus-'));
  const [exporterPort, promPort] = [await freePort(), await freePort()];
  const children = [];
  try {
    const exporter = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${exporterPort}`], { stdio: 'ignore' });
    children.push(exporter);
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1m\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    );
    const prom = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(prom);
    const deadline = Date.now() + 30_000;
    await until('node exporter answering', deadline, async () => (await get(`http://127.0.0.1:${exporterPort}/metrics`)).status === 200);
    await until('first scrape', deadline, async () => {
      const r = await get(`http://127.0.0.1:${promPort}/api/v1/query?query=up`);
      return r.status === 200 && r.body.includes('"1"]');
    });
    during({ exporter: exporter.pid, prometheus: prom.pid });
    await sleep(seconds * 1000);
  } finally {
    await Promise.all(children.map(stop));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [ids, seconds] = process.argv.slice(2);
  await scrapeFor(Number(seconds ?? 20), (p) => writeFileSync(ids, `${p.exporter} ${p.prometheus}\n`));
}
