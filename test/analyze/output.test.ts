import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { analyze, formatTable, jsonChunks, sanitize, toJson } from '../../src/analyze/index.js';
import { openCapture } from '../../src/capture/index.js';
import { inertJson } from '../../src/sanitize.js';
import { memoryCapture, testMeta } from '../helpers/memory-capture.js';
import { armHrtimer, comm, expire, hrtimerWake, R, S, sw, sym, wake } from '../helpers/sched-events.js';

const rows = [
  comm(100, 100, 'stress'),
  comm(200, 200, 'sleeper'),
  comm(300, 300, 'evil\x1b[31mred\x07'),
  sym(7, 'hrtimer_wakeup'),
  armHrtimer(4, 1, 0x77, 200, 7, 95), // the sleeper arms its nanosleep timer
  sw(5, 1, 200, 0, S),
  sw(6, 1, 0, 300),
  sw(8, 1, 300, 0, S),
  expire(100, 0, 0x77, 7, 100),
  hrtimerWake(100, 0, 200, 100, 7),
  sw(110, 0, 100, 200, R, true),
  wake(130, 0, 300, 200),
  sw(150, 0, 200, 300, S),
  sw(170, 0, 300, 100, S),
];

describe('toJson', () => {
  it('has exactly the documented keys', async () => {
    const json = toJson(await analyze(memoryCapture(rows, { lost: 2 }), {}));
    expect(Object.keys(json)).toEqual([
      'capture',
      'threads',
      'processes',
      'edges',
      'reattributed',
      'onCpuCause',
      'unknownCause',
      'diagnostics',
    ]);
    expect(Object.keys(json.capture)).toEqual([
      'format',
      'events',
      'lost',
      'contradictions',
      'startWall',
      'durationNs',
    ]);
    // the loss, with no meta to say per CPU: the diagnostics catalogue's line
    expect(json.diagnostics).toEqual([
      { id: 'lost', severity: 'warning', count: 2, message: expect.stringMatching(/^LOST 2 events in the kernel/) },
    ]);
    const metricKeys = [
      'runNs',
      'slices',
      'meanSliceNs',
      'sleeps',
      'sleepsS',
      'sleepsD',
      'sleepNs',
      'wakeups',
      'spuriousWakeups',
      'runqDelayNs',
      'preemptions',
      'preemptDelayNs',
      'bursts',
      'meanBurstRunNs',
      'meanSlicesPerBurst',
      'reattributed',
      'onCpuCause',
      'unknownCause',
      'severalRaisers',
      'wakers',
      'sleepReasons',
      'uncertain',
    ];
    for (const t of json.threads) expect(Object.keys(t)).toEqual(['tid', 'tgid', 'comm', 'generation', ...metricKeys]);
    for (const p of json.processes) expect(Object.keys(p)).toEqual(['tgid', 'comm', ...metricKeys, 'threads']);
    expect(Object.keys(json.threads[0]!.preemptDelayNs as object)).toEqual(['mean', 'p95', 'max']);
    expect(Object.keys(json.threads[0]!.sleepNs)).toEqual(['total', 'mean', 'p50', 'p95', 'max']);
    expect(Object.keys(json.threads[0]!.runqDelayNs)).toEqual(['mean', 'p95', 'max']);
    // `via` only when what ran the wakeups is not their cause (the sleeper's own timer here)
    for (const e of json.edges)
      expect(Object.keys(e)).toEqual(e.via !== undefined ? ['from', 'via', 'to', 'count'] : ['from', 'to', 'count']);
    expect(json.edges.filter((e) => e.via !== undefined).map((e) => e.via!.name)).toEqual([
      'local_timer/hrtimer_wakeup',
    ]);
    expect(json.capture).toEqual({
      format: 'sqlite',
      events: rows.length,
      lost: 2,
      contradictions: 0,
      startWall: '2023-11-14T22:13:20.001Z',
      durationNs: 170_000,
    });
    expect(json.reattributed).toBe(1);
    const sleeper = json.threads.find((t) => t.tid === 200)!;
    expect(sleeper.wakers).toEqual([
      {
        source: { kind: 'hardirq', name: 'local_timer/hrtimer_wakeup' },
        cause: { kind: 'task', tid: 200, tgid: 200, comm: 'sleeper' },
        count: 1,
      },
    ]);
    expect(json.onCpuCause).toBe(0);
    expect(json.unknownCause).toBe(0);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('jsonChunks', () => {
  // the text analyze --json prints is built row by row as it is written; it must be the document's text exactly
  const hostileRows = [...rows, comm(400, 400, 'bidi\u202eevil\u009b1m'), sw(180, 1, 0, 400), sw(190, 1, 400, 0, S)];
  it('is the document as inert indented JSON, hostile names escaped alike', async () => {
    const analysis = await analyze(memoryCapture(hostileRows, { lost: 2 }), {});
    const text = [...jsonChunks(analysis)].join('');
    expect(text).toBe(inertJson(toJson(analysis), 2));
    expect(text).toContain('bidi\\u202eevil\\u009b1m');
    expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text).threads.map((t: { comm: string }) => t.comm)).toContain('bidi\u202eevil\u009b1m');
  });

  it('comes in pieces of tens of kilobytes that join to the document, empty lists as []', async () => {
    // 2,000 threads passing a token round a ring on one CPU, twice: ~5 MB of JSON, several pieces
    const n = 2000;
    const tid = (k: number): number => 1000 + (k % n);
    const ring = [...Array.from({ length: n }, (_, k) => comm(tid(k), tid(k), k % 97 === 0 ? `w\u202e${k}` : `w${k}`))];
    ring.push(sw(1, 0, 0, tid(0), R));
    for (let i = 0; i < 2 * n; i++)
      ring.push(wake(2 + i, 0, tid(i + 1), tid(i)), sw(2.5 + i, 0, tid(i), tid(i + 1), S));
    const analysis = await analyze(memoryCapture(ring), {});
    const pieces = [...jsonChunks(analysis)];
    expect(pieces.length).toBeGreaterThan(30);
    for (const p of pieces) expect(p.length).toBeLessThan(2 ** 17);
    expect(pieces.join('')).toBe(inertJson(toJson(analysis), 2));
    expect(JSON.parse(pieces.join('')).threads).toHaveLength(n);
    // no wakeup at all: every list but the threads' and processes' is empty
    const quiet = await analyze(memoryCapture([comm(5, 5, 'alone'), sw(1, 0, 0, 5, R), sw(9, 0, 5, 0, S)]), {});
    const text = [...jsonChunks(quiet)].join('');
    expect(text).toContain('"edges": []');
    expect(text).toBe(inertJson(toJson(quiet), 2));
  });

  it.each(['sleeper-stress.arrow', 'pingpong.db', 'ring.db'])('is the document of fixture %s', async (name) => {
    const cap = await openCapture(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)));
    try {
      const analysis = await analyze(cap, { parts: { processEdges: false } });
      const text = [...jsonChunks(analysis, undefined, cap.meta)].join('');
      expect(JSON.parse(text).threads.length).toBeGreaterThan(1);
      expect(text).toBe(inertJson(toJson(analysis, undefined, cap.meta), 2));
    } finally {
      cap.close();
    }
  });
});

describe('formatTable', () => {
  it('shows the capture facts, lost events and one row per thread, names made safe', async () => {
    const a = await analyze(memoryCapture(rows, { lost: 2 }), {});
    const text = formatTable(a, {
      by: 'thread',
      sort: 'wakeups',
      meta: testMeta({ lost: 2, timezone: 'Europe/Paris', events: rows.length }),
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('host testhost  kernel 6.1.0-test  2 cpus  sqlite capture');
    expect(lines[1]).toBe('start 2023-11-14 23:13:20.001 Europe/Paris  (2023-11-14T22:13:20.001Z)');
    expect(lines[2]).toBe('duration 0.17 ms  events 14');
    expect(lines[3]).toContain('LOST 2 events');
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain('evil\\x1b[31mred\\x07');
    expect(lines[5]).toMatch(/^COMM\s+TID\s+RUN ms\s+SLICES/);
    const body = lines.slice(7, 10);
    expect(body[0]).toMatch(/^sleeper\s+200 /);
    expect(body[0]).toContain('task sleeper 200 via hardirq local_timer/hrtimer_wakeup ×1');
    expect(text).toContain(
      'reattributed wakeups (run by an interrupt or a kworker, caused by someone other than the task on the CPU): 1',
    );
    expect(text).toContain('caused by the task on the CPU: 0, cause unknown: 0');
  });

  it('sorts by comm, limits to top, groups by process', async () => {
    const a = await analyze(memoryCapture(rows), {});
    const byComm = formatTable(a, { sort: 'comm', top: 2 }).split('\n');
    const start = byComm.findIndex((l) => l.startsWith('COMM'));
    expect(byComm[start + 2]).toMatch(/^evil/);
    expect(byComm[start + 3]).toMatch(/^sleeper/);
    expect(byComm[start + 4]).toBe('… 1 more threads');
    expect(formatTable(a, { by: 'process' })).toMatch(/COMM\s+PID\s+THR/);
  });
});

describe('sanitize', () => {
  it('escapes control, DEL, C1 and bidi characters', () => {
    expect(sanitize('a\nb\tc\x7f\x9b\u202e\\')).toBe('a\\x0ab\\x09c\\x7f\\x9b\\u202e\\\\');
    expect(sanitize('kworker/0:1-events')).toBe('kworker/0:1-events');
  });
});
