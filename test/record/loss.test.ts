/**
 * A real ring-buffer overflow (issue 25): `lifeline record --buffer-mb 1` (the smallest ring the
 * option takes) while its reader is held back and a fork storm runs. The recorded command stops
 * the recorder (SIGSTOP to its parent), waits until every thread of it has stopped, runs the
 * storm, and lets it go on (SIGCONT): the BPF programs stay attached throughout, the ring fills,
 * and every reservation after that fails in the kernel and is counted there, per CPU.
 *
 * Then every output must say so, with per-CPU figures that sum to the total: the capture's meta,
 * record's own summary, `info`, `analyze` (text and --json), the HTML report and the Perfetto
 * export; and the analysis must flag what the gap made uncertain.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisJson } from '../../src/analyze/output/json.js';
import { openCapture } from '../../src/capture/index.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { loadAddon } from '../../src/record/addon.js';
import { decodeTrace } from '../export/perfetto-reader.js';
import { BIN, cliOk, ROOT } from '../helpers/cli.js';
import { skipRecording, skipReason } from '../helpers/root.js';

if (skipRecording) console.warn(`skipping the ring-buffer overflow tests: ${skipReason}`);

/** Iterations of ll-forker: each forks a process that starts two threads, all three exit. */
const FORKS = 2000;
/** The smallest ring `--buffer-mb` accepts (a power of two, at least 1). */
const BUFFER_MB = 1;
/**
 * Ring-buffer reservations one fork iteration makes at the least, whether they succeed or not:
 * for each of its three new tasks a fork, a wakeup_new and an exit (9); the child's rename (1);
 * and three switches (each new task switched in and out at least once; one switch event
 * carries at most one of each).
 */
const RESERVATIONS_PER_FORK = 13;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-loss-'));
const capture = path.join(tmp, 'overflow.db');
const forker = path.join(ROOT, 'build/workloads/ll-forker');

/** The numbers after "cpuN " in a list like "cpu0 1,234  cpu1 56" (or "cpu 0: 1,234, cpu 1: 56"). */
function perCpuIn(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of text.matchAll(/cpu ?(\d+):? (\d[\d,]*\d|\d)/g))
    out.set(Number(m[1]), Number(m[2]!.replace(/,/g, '')));
  return out;
}

/** meta.lostPerCpu without the CPUs that lost nothing (what the outputs list). */
function nonZero(perCpu: readonly number[]): Map<number, number> {
  return new Map(perCpu.flatMap((n, cpu) => (n > 0 ? [[cpu, n] as [number, number]] : [])));
}

const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

const run = cliOk;

describe.skipIf(skipRecording)('a real ring-buffer overflow: a fork storm while the recorder is stopped', () => {
  let meta: CaptureMeta;
  let recordErr = '';
  let recorderPid = 0;
  let capacity = 0;

  beforeAll(async () => {
    const pidFile = path.join(tmp, 'recorder.pid');
    const script = [
      `echo $PPID > ${pidFile}`,
      'kill -STOP $PPID',
      // until every thread of the recorder is stopped (state T): from then on nothing reads the
      // ring; exit 3 (after letting it go on) if that never happens
      `n=0; while cat /proc/$PPID/task/*/stat 2>/dev/null | grep -qv '^[0-9]* (.*) T '; do n=$((n+1)); [ $n -lt 3000 ] || { kill -CONT $PPID; exit 3; }; sleep 0.01; done`,
      `${forker} 1 ${FORKS} >/dev/null`,
      'kill -CONT $PPID',
    ].join('; ');
    // SIGKILL at the timeout: a stopped recorder would not act on SIGTERM
    const r = spawnSync(
      process.execPath,
      [BIN, 'record', '-o', capture, '--buffer-mb', String(BUFFER_MB), '--', 'sh', '-c', script],
      { cwd: ROOT, encoding: 'utf8', timeout: 150_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (r.status !== 0)
      throw new Error(`lifeline record exited ${r.status} (3: the recorder never stopped): ${r.stderr}`);
    recordErr = r.stderr;
    recorderPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const cap = await openCapture(capture);
    meta = cap.meta;
    cap.close();
    // the most records the ring holds: all of the smallest size (an event and its 8-byte header)
    capacity = Math.floor((BUFFER_MB << 20) / (loadAddon().layout().eventSize + 8));
  }, 180_000);

  it('lost events in the kernel, counted per CPU, at least what the ring could not hold', () => {
    expect(meta.complete).toBe(true);
    expect(meta.lostPerCpu).toHaveLength(meta.cpus);
    expect(sum(meta.lostPerCpu), 'per-CPU figures sum to the total').toBe(meta.lost);
    // the storm made at least RESERVATIONS_PER_FORK × FORKS reservations while nothing was read
    expect(meta.lost).toBeGreaterThanOrEqual(RESERVATIONS_PER_FORK * FORKS - capacity);
    expect(meta.events).toBeGreaterThan(0);
    console.log(`lost ${meta.lost} (per CPU ${meta.lostPerCpu.join(', ')}), kept ${meta.events} events`);
  });

  it("record's summary gives the total and each CPU's share", () => {
    const m = /^ {2}lost +([\d,]+) \(([^)]*)\) +<-- warning: (\d+) events were lost/m.exec(recordErr);
    expect(m, `no lost line with per-CPU figures in:\n${recordErr}`).not.toBeNull();
    expect(Number(m![1]!.replace(/,/g, ''))).toBe(meta.lost);
    expect(Number(m![3])).toBe(meta.lost);
    expect(perCpuIn(m![2]!)).toEqual(nonZero(meta.lostPerCpu));
    expect(sum(perCpuIn(m![2]!).values()), 'its per-CPU figures sum to its total').toBe(Number(m![3]));
  });

  it('info gives the same figures', () => {
    const j = JSON.parse(run(['info', capture, '--json']).stdout) as { lost: number; lostPerCpu: number[] };
    expect(j.lost).toBe(meta.lost);
    expect(j.lostPerCpu).toEqual(meta.lostPerCpu);
    expect(sum(j.lostPerCpu), 'its per-CPU figures sum to its total').toBe(j.lost);
  });

  it("analyze leads with the loss per CPU and the contradictions; the recorder's threads are marked !", () => {
    const text = run(['analyze', capture]).stdout;
    const m = /^\*\*\* LOST ([\d,]+) events \(([^)]*)\) in the kernel/m.exec(text);
    expect(m, `no LOST line with per-CPU figures in:\n${text.slice(0, 600)}`).not.toBeNull();
    const total = Number(m![1]!.replace(/,/g, ''));
    expect(total).toBe(meta.lost);
    expect(perCpuIn(m![2]!)).toEqual(nonZero(meta.lostPerCpu));
    expect(sum(perCpuIn(m![2]!).values()), 'its per-CPU figures sum to its total').toBe(total);
    const c = /^note: ([\d,]+) contradictions of a thread's state/m.exec(text);
    expect(c, `no contradictions line in:\n${text.slice(0, 600)}`).not.toBeNull();
    // The thread that reads the ring was stopped (a switch-out in state T, recorded: the ring had
    // room then); SIGCONT woke it and it switched in while the ring was full (both lost); its next
    // recorded event is a switch-out of a thread the replay believes stopped: a contradiction.
    expect(Number(c![1]!.replace(/,/g, ''))).toBeGreaterThan(0);
    const mine = run(['analyze', capture, '--pid', String(recorderPid)]).stdout;
    // the table's rows: after the line of dashes, a comm, a tid and the run time
    const lines = mine.split('\n');
    const rows = lines
      .slice(lines.findIndex((l) => l.startsWith('---')) + 1)
      .filter((l) => /^.+? +\d+ +[\d.]+ /.test(l));
    expect(rows.length, mine).toBeGreaterThan(0);
    expect(rows.filter((l) => l.startsWith('!')).length, mine).toBeGreaterThan(0);
  });

  it('analyze --json gives the total and flags the recorder process uncertain', () => {
    const j = JSON.parse(run(['analyze', capture, '--json']).stdout) as AnalysisJson;
    expect(j.capture.lost).toBe(meta.lost);
    const recorder = j.processes.find((p) => p.tgid === recorderPid);
    expect(recorder, `process ${recorderPid} (the recorder) in the analysis`).toBeDefined();
    expect(recorder!.uncertain).toBe(true);
    const uncertain = j.threads.filter((t) => t.uncertain === true);
    expect(uncertain.some((t) => t.tgid === recorderPid)).toBe(true);
    // each uncertain thread was contradicted at least once; the JSON says both, as diagnostics too
    expect(j.capture.contradictions).toBeGreaterThanOrEqual(uncertain.length);
    const lost = j.diagnostics.find((d) => d.id === 'lost');
    expect(lost?.count).toBe(meta.lost);
    expect(perCpuIn(lost!.message)).toEqual(nonZero(meta.lostPerCpu));
    expect(j.diagnostics.find((d) => d.id === 'contradictions')?.count).toBe(j.capture.contradictions);
  });

  it("the report's summary warns with the total and each CPU's share; the recorder's threads are uncertain", () => {
    const out = path.join(tmp, 'overflow.html');
    run(['report', capture, '--pid', String(recorderPid), '-o', out]);
    const html = fs.readFileSync(out, 'utf8');
    const fact = /<dt>Lost events<\/dt><dd><strong class="bad">([\d,]+)<\/strong>/.exec(html);
    expect(fact, 'the Lost events fact').not.toBeNull();
    expect(Number(fact![1]!.replace(/,/g, ''))).toBe(meta.lost);
    const warning =
      /class="warning" role="alert">LOST ([\d,]+) events \(([^)]*)\) in the kernel \(ring buffer full\)/.exec(html);
    expect(warning, 'the lost-events warning with per-CPU figures').not.toBeNull();
    expect(Number(warning![1]!.replace(/,/g, ''))).toBe(meta.lost);
    expect(perCpuIn(warning![2]!)).toEqual(nonZero(meta.lostPerCpu));
    expect(sum(perCpuIn(warning![2]!).values()), 'its per-CPU figures sum to its total').toBe(
      Number(fact![1]!.replace(/,/g, '')),
    );
    expect(html).toContain('<span class="uncertain"');
  });

  it('the Perfetto export flags the first bundle of each CPU that lost events, and no other', () => {
    const out = path.join(tmp, 'overflow.pftrace');
    run(['export', capture, '--to', 'perfetto', '-o', out]);
    const t = decodeTrace(fs.readFileSync(out));
    const flagged = t.bundles.filter((b) => b.lostEvents).map((b) => b.cpu);
    expect(flagged.sort()).toEqual([...nonZero(meta.lostPerCpu).keys()].sort());
    for (const cpu of flagged) expect(t.bundles.find((b) => b.cpu === cpu)!.lostEvents, `cpu ${cpu}`).toBe(true);
  });
});
