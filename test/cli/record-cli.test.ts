import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';
import { eventsIn } from '../helpers/capture-rows.js';
import { cli, cliSpawn, expectOneLineError } from '../helpers/cli.js';
import { skipRecording, skipReason } from '../helpers/root.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeline-cli-'));

/** Polls `cond` every 50 ms until it holds; fails after 20 s naming `what`. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let t = 0; t < 400; t++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The recorder has created its capture and written its first batch. */
const recordingStarted = (out: string): Promise<void> =>
  until(() => existsSync(out) && statSync(out).size > 0, `${out} to be written`);

describe.skipIf(skipRecording)(`lifeline record (${skipReason})`, () => {
  let good: string;
  beforeAll(() => {
    good = path.join(tmp, 'good.db');
    const r = cli(['record', '-o', good, '--', 'sleep', '0.3']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/capture written to/);
    expect(r.stderr).toMatch(/bytes\/event/);
    expect(r.stderr).toMatch(/lost\s+0/);
  });

  it('does not feed on its own events: its threads wake a few times per read, not once per event', async () => {
    // A reader that returned as soon as one byte waited in the ring buffer read, at once, the
    // events its previous read caused: on an idle machine the recorder switched ~50 000 times a
    // second. It now sleeps until a batch is ready (the unread data crosses ring/8, 4 MiB here)
    // or 100 ms have passed: the number of reads follows from the duration and the bytes
    // recorded, whatever the machine's load.
    const out = path.join(tmp, 'self.db');
    const child = cliSpawn(['record', '-o', out, '--', 'sleep', '2']);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const cap = await openCapture(out);
    try {
      const { result } = await analyze(cap, { pid: [child.pid!] });
      const self = result.processes.find((p) => p.tgid === child.pid);
      expect(self, 'the recorder is in its own capture').toBeDefined();
      const reads =
        Math.ceil(result.capture.durationNs / 100e6) + Math.ceil((result.capture.events * 40) / (4 << 20)) + 2;
      // each read wakes a few of the recorder's threads (main, libuv's worker, V8's): ~7 measured
      expect(self!.wakeups).toBeGreaterThan(0);
      expect(self!.wakeups, `${self!.wakeups} wakeups for ${reads} reads`).toBeLessThanOrEqual(10 * reads);
    } finally {
      cap.close();
    }
  });

  it('forwards the exit status of the command', () => {
    const r = cli(['record', '-o', path.join(tmp, 'exit3.db'), '--', 'sh', '-c', 'exit 3']);
    expect(r.status).toBe(3);
  });

  it('records for --duration without a command', () => {
    const out = path.join(tmp, 'dur.arrow');
    const t0 = Date.now();
    const r = cli(['record', '-f', 'arrow', '-d', '0.5', '-o', out]);
    expect(r.status).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('stops on SIGINT and writes a complete capture', async () => {
    const out = path.join(tmp, 'sigint.db');
    const child = cliSpawn(['record', '-o', out]);
    try {
      await recordingStarted(out);
    } catch (e) {
      child.kill('SIGKILL'); // nothing of the test keeps running after it
      throw e;
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    const cap = await openCapture(out);
    expect(cap.meta.complete).toBe(true);
    cap.close();
  });

  for (const format of ['sqlite', 'arrow'] as const) {
    it(`leaves a readable ${format} capture when killed with SIGKILL`, async () => {
      const out = path.join(tmp, `killed.${format}`);
      const child = cliSpawn(['record', '-f', format, '-o', out, '--', 'sh', '-c', 'while :; do sleep 0.01; done'], {
        group: true,
      });
      // The recorder and its workload together (a killed recorder cannot stop the workload itself),
      // also when the wait fails: nothing of the test keeps running after it
      const exited = new Promise((r) => child.on('exit', r));
      let killedAt = 0;
      try {
        // batches appended while recording (every second, FLUSH_MS): the capture, read as it is
        // written, already holds events
        await recordingStarted(out);
        for (let t = 0; (await eventsIn(out)) <= 100; t++) {
          if (t >= 100) throw new Error(`${out}: no events appended within 20 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
        killedAt = Number(process.hrtime.bigint()); // CLOCK_MONOTONIC, as the capture
      } finally {
        process.kill(-child.pid!, 'SIGKILL');
        await exited;
      }
      const cap = await openCapture(out);
      let events = 0;
      let last = 0;
      for await (const b of cap.batches()) {
        events += b.length;
        last = b.ts[b.length - 1]!;
      }
      expect(cap.meta.complete).toBe(false);
      expect(events).toBeGreaterThan(100);
      // batches were appended while recording, up to shortly before the kill (one flush, 1 s, and
      // the reorder window)
      expect(last).toBeGreaterThan(cap.meta.startNs);
      expect(killedAt - last).toBeLessThan(3e9);
      cap.close();
    });
  }

  it('refuses a missing command, writing nothing', () => {
    const out = path.join(tmp, 'nocmd.db');
    const line = expectOneLineError(cli(['record', '-o', out, '--', 'no-such-command-xyz']));
    expect(line).toMatch(/no-such-command-xyz/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a nonexistent output directory', () => {
    const line = expectOneLineError(cli(['record', '-o', path.join(tmp, 'nope/dir/x.db'), '--', 'true']));
    expect(line).toMatch(/does not exist/);
  });

  it('refuses to overwrite an existing file', () => {
    const keep = path.join(tmp, 'keep.db');
    copyFileSync(good, keep);
    const before = readFileSync(keep);
    const line = expectOneLineError(cli(['record', '-o', keep, '--', 'true']));
    expect(line).toMatch(/already exists/);
    expect(readFileSync(keep).equals(before)).toBe(true);
  });

  it('rejects a bad duration and a bad format in one line', () => {
    expectOneLineError(cli(['record', '-d', 'soon', '-o', path.join(tmp, 'x.db')]));
    expectOneLineError(cli(['record', '-f', 'csv', '-o', path.join(tmp, 'y.db'), '--', 'true']));
  });

  describe('lifeline info', () => {
    it('prints the meta facts and counts by kind and context', () => {
      const r = cli(['info', good]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/switch/);
      expect(r.stdout).toMatch(/waking/);
      expect(r.stdout).toMatch(/hardirq|softirq|task/);
      expect(r.stdout).toContain(os.hostname());
    });

    it('prints one JSON object with --json', () => {
      const r = cli(['info', '--json', good]);
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.host.hostname).toBe(os.hostname());
      expect(j.events).toBeGreaterThan(0);
      expect(j.kinds.switch).toBeGreaterThan(0);
    });

    it('gives one-line errors for a truncated, a foreign and a missing capture', () => {
      const truncated = path.join(tmp, 'truncated.db');
      const data = readFileSync(good);
      writeFileSync(truncated, data.subarray(0, Math.floor(data.length / 3)));
      expectOneLineError(cli(['info', truncated]));
      const foreign = path.join(tmp, 'foreign.txt');
      writeFileSync(foreign, 'hello, not a capture\n');
      expect(expectOneLineError(cli(['info', foreign]))).toMatch(/not a lifeline capture/);
      expectOneLineError(cli(['info', path.join(tmp, 'missing.db')]));
      expect(readFileSync(foreign, 'utf8')).toBe('hello, not a capture\n');
    });
  });
});
