/**
 * How `lifeline serve` starts and stops: one-line errors (port in use, no
 * root, no BTF, bad options), a clean stop on SIGTERM and SIGINT, and the
 * flight recorder's segments (rolling, each one opened by `lifeline analyze`
 * with --from/--to). Loopback only, bounded in time.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboard } from '../../src/serve/grafana-dashboard.js';
import { BIN, cli, expectOneLineError, ROOT } from '../helpers/cli.js';
import { canRecord, mustRecord, skipReason } from '../helpers/root.js';
import { hasCommand, sample, scrape, startGroup, startServe, waitFor, WORKLOADS } from './helpers.js';

const skipBpf = !canRecord && !mustRecord;

describe('lifeline serve: options and errors', () => {
  it('refuses a malformed address, --top or --keep in one line', () => {
    expect(expectOneLineError(cli(['serve', '--listen', 'nowhere']))).toContain('--listen takes ADDRESS:PORT');
    expect(expectOneLineError(cli(['serve', '--top', '0']))).toContain('--top takes a positive whole number');
    expect(expectOneLineError(cli(['serve', '--capture', os.tmpdir(), '--keep', 'soon']))).toContain(
      '--keep takes a duration',
    );
    expect(expectOneLineError(cli(['serve', '--keep', '10m']))).toContain('need --capture');
    expect(expectOneLineError(cli(['serve', '--capture', '/nonexistent/dir', '--listen', '127.0.0.1:0']))).toContain(
      'directory /nonexistent/dir does not exist',
    );
  });

  it('says in one line that the port is in use, before loading BPF', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const line = expectOneLineError(cli(['serve', '--listen', `127.0.0.1:${port}`], { timeoutMs: 20_000 }));
      expect(line).toBe(`lifeline: cannot listen on 127.0.0.1:${port}: the address is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('the committed Grafana dashboard is the one the typed module describes', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'grafana/lifeline-dashboard.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(dashboard(), null, 2)}\n`);
    // provisioning-safe: the datasource is the variable everywhere
    const uids = [...committed.matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids.filter((u) => u !== 'lifeline-serve'))).toEqual(new Set(['${datasource}']));
  });
});

describe.skipIf(skipBpf)(`lifeline serve: BPF (${skipReason})`, () => {
  // setpriv and unshare (util-linux) are on every Debian; outside CI a machine without them skips
  const optional = process.env.CI !== 'true';
  it.skipIf(optional && !hasCommand('setpriv'))('without root: one line, non-zero exit', () => {
    const r = spawnSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        BIN,
        'serve',
        '--listen',
        '127.0.0.1:0',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    const line = expectOneLineError({ status: r.status, stdout: r.stdout, stderr: r.stderr });
    expect(line).toMatch(/permission|root|CAP_/i);
    expect(line).not.toMatch(/lifeline record/); // it is serve that was run
  });

  it.skipIf(optional && !hasCommand('unshare'))(
    'without BTF: one line, non-zero exit (a private mount namespace hides /sys/kernel/btf)',
    () => {
      const r = spawnSync(
        'unshare',
        [
          '--mount',
          'sh',
          '-c',
          `mount -t tmpfs none /sys/kernel/btf && exec "${process.execPath}" "${BIN}" serve --listen 127.0.0.1:0`,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
      );
      const line = expectOneLineError({ status: r.status, stdout: r.stdout, stderr: r.stderr });
      expect(line).toContain('BTF');
    },
  );

  it('stops cleanly on SIGINT and on SIGTERM; the page / says what is watched', async () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const s = await startServe(['--watch', '1', '--watch', '<b>x</b>']);
      const page = await (await fetch(`${s.url}/`)).text();
      expect(page).toContain('<a href="/metrics">');
      expect(page).toContain('watched (per thread): 1, &#60;b&#62;x&#60;/b&#62;');
      const { body } = await scrape(s.url);
      expect(sample(body, 'lifeline_events_total')).toBeGreaterThan(0);
      // this signal alone (under load and scrapes: signals.test.ts)
      const code = await s.exitOn(sig);
      expect(code, s.stderr()).toBe(0);
      expect(s.stderr()).toMatch(/stopped: [\d,]+ events replayed, \d+ lost/);
    }
  });

  it('writes rolling capture segments; the oldest go, the last opens with analyze --from/--to', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-segments-'));
    const s = await startServe(['--capture', dir, '--segment', '1s', '--keep', '3s']);
    const sleeper = startGroup(`${WORKLOADS}/ll-sleeper 700 10`);
    const first = await waitFor('the first segment', 30_000, () =>
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.db'))
        .sort()
        .at(0),
    );
    await waitFor('segments to roll over', 30_000, () =>
      fs.readdirSync(dir).filter((f) => f.endsWith('.db')).length >= 4 ? true : undefined,
    );
    // kept 3 s: the first goes when a segment closes more than 3 s after it
    await waitFor(`the first segment (${first}) to be deleted`, 30_000, () =>
      fs.existsSync(path.join(dir, first)) ? undefined : true,
    );
    const pid = Number(sleeper.output().trim());
    expect(await s.exitOn('SIGTERM'), s.stderr()).toBe(0);
    sleeper.kill();
    const segments = fs
      .readdirSync(dir)
      .filter((f) => /^lifeline-\d{8}T\d{6}Z(-\d+)?\.db$/.test(f))
      .sort();
    // one a second, kept 3 s: the oldest were deleted
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments.length).toBeLessThanOrEqual(6);
    const last = path.join(dir, segments[segments.length - 1]!);
    const info = cli(['info', last, '--json']);
    expect(info.status, info.stderr).toBe(0);
    expect((JSON.parse(info.stdout) as { complete: boolean }).complete).toBe(true);
    // a middle segment: the sleeper is named (COMM rows at the segment start) and sleeps ~100 times a second
    const mid = path.join(dir, segments[segments.length - 2]!);
    const r = cli(['analyze', mid, '--from', '0', '--to', '0.5', '--pid', String(pid), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { threads: { tid: number; comm: string; sleeps: number }[] };
    const t = j.threads.find((x) => x.tid === pid);
    expect(t?.comm).toBe('ll-sleeper');
    expect(t!.sleeps).toBeGreaterThanOrEqual(35);
    expect(t!.sleeps).toBeLessThanOrEqual(51);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
