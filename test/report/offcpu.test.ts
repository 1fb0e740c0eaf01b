/**
 * The report's off-CPU section ("Why it slept"): the icicle's layout (merged prefixes, widths in
 * time asleep, the node budget), the waker and sleep-reason tables, hostile names and frames
 * made inert, a capture without stacks said in one line, and on a real recording with stacks (a
 * nanosleep loop beside a pipe ping-pong and an fsync loop) the sleeper's icicle adds up to its
 * time asleep, sits under do_nanosleep, is drawn in chromium (the fsync's block-I/O waits red for
 * D, the nanosleeps blue for S), and the reason table says what `analyze --json` says.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, analyzeCapture, openCapture, writeReport } from '../../src/api.js';
import type { Analysis, SleepReason, ThreadMetrics } from '../../src/analyze/types.js';
import type { CaptureMeta } from '../../src/capture/meta.js';
import { record } from '../../src/record/recorder.js';
import { DEFAULT_REPORT_BUDGET } from '../../src/report/budget.js';
import { buildReport } from '../../src/report/index.js';
import { fitLabel, icicleOf, icicleRows, offCpuThreads, reasonRows, wakerRows } from '../../src/report/model/offcpu.js';
import { skipReason, skipRecording } from '../helpers/root.js';
import { countMismatch, durationMismatch } from './shown.js';
import { compileQuietly, encodedFields, missingFields } from './spec-check.js';
import { browserUnavailable, launch, visit, type Visit } from './browser.js';
import { syntheticAnalysis, syntheticMeta } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const wl = (n: string): string => join(ROOT, 'build/workloads', n);
const skipBrowser = browserUnavailable();

type Stack = SleepReason['stacks'][number];
const stack = (frames: string[], ns: number, count: number, dNs = 0): Stack => ({
  frames,
  count,
  ns,
  sleepSNs: ns - dNs,
  sleepDNs: dNs,
});
/** A reason from its stacks (innermost frame first), woken by the given wakers. */
function reason(name: string, stacks: Stack[], wakers: SleepReason['wakers'] = []): SleepReason {
  const sum = (f: (s: Stack) => number): number => stacks.reduce((n, s) => n + f(s), 0);
  return {
    reason: name,
    count: sum((s) => s.count),
    ns: sum((s) => s.ns),
    sleepsS: sum((s) => (s.sleepDNs === 0 ? s.count : 0)),
    sleepsD: sum((s) => (s.sleepDNs === 0 ? 0 : s.count)),
    sleepSNs: sum((s) => s.sleepSNs),
    sleepDNs: sum((s) => s.sleepDNs),
    stacks,
    wakers,
  };
}

/** Give a synthetic thread sleep reasons (its time asleep becomes theirs). */
function withReasons(a: Analysis, tid: number, reasons: SleepReason[]): ThreadMetrics {
  const t = a.result.threads.find((x) => x.tid === tid)!;
  t.sleepReasons = reasons;
  t.sleepSNs = reasons.reduce((n, r) => n + r.sleepSNs, 0);
  t.sleepDNs = reasons.reduce((n, r) => n + r.sleepDNs, 0);
  return t;
}

const SYSCALL = ['entry_SYSCALL_64', 'do_syscall_64'];
const PIPE = ['__schedule', 'schedule', 'pipe_read', 'vfs_read', 'ksys_read', ...[...SYSCALL].reverse()];
const NANO = ['__schedule', 'schedule', 'do_nanosleep', 'hrtimer_nanosleep', ...[...SYSCALL].reverse()];
const FSYNC = ['__schedule', 'io_schedule', 'folio_wait_bit_common', 'filemap_fdatawait', ...[...SYSCALL].reverse()];

describe('the icicle model', () => {
  const reasons = [
    reason('pipe_read', [stack(PIPE, 600, 6)]),
    reason('do_nanosleep', [stack(NANO, 300, 3)]),
    reason('folio_wait_bit_common', [stack(FSYNC, 100, 1, 100)]),
    reason('(no stack)', [stack([], 50, 2)]),
  ];

  it('merges common prefixes from the outermost frame; the root row adds up to the time asleep', () => {
    const ic = icicleOf(reasons, 1000);
    expect(ic.totalNs).toBe(1050);
    const roots = ic.nodes.filter((n) => n.depth === 0);
    expect(roots.map((n) => [n.frame, n.ns])).toEqual([
      ['entry_SYSCALL_64', 1000],
      ['(no stack)', 50],
    ]);
    expect(roots.reduce((s, n) => s + n.ns, 0)).toBe(ic.totalNs);
    // one do_syscall_64 under the one entry frame, then the three paths side by side, heaviest first
    expect(ic.nodes.filter((n) => n.frame === 'do_syscall_64')).toHaveLength(1);
    const d2 = ic.nodes.filter((n) => n.depth === 2);
    expect(d2.map((n) => [n.frame, n.x0, n.x1])).toEqual([
      ['ksys_read', 0, 600],
      ['hrtimer_nanosleep', 600, 900],
      ['filemap_fdatawait', 900, 1000],
    ]);
    // each child within its parent (the node one row up covering its start)
    for (const n of ic.nodes.filter((x) => x.depth > 0)) {
      const parent = ic.nodes.find((p) => p.depth === n.depth - 1 && p.x0 <= n.x0 && n.x1 <= p.x1);
      expect(parent, n.frame).toBeDefined();
    }
    expect(ic.depth).toBe(PIPE.length);
    // the fsync path is all D, the others all S
    const rows = icicleRows(ic, 600);
    expect(rows.find((r) => r.f === 'folio_wait_bit_common')!.dShare).toBe(1);
    expect(rows.find((r) => r.f === 'pipe_read')!.dShare).toBe(0);
    expect(rows.find((r) => r.f === 'do_syscall_64')!.dShare).toBeCloseTo(100 / 1000, 3);
    expect(rows.find((r) => r.f === 'entry_SYSCALL_64')!.x1).toBeCloseTo(1000 / 1050, 6);
  });

  it('keeps the widest frames within the budget, each with its parent, and says what was left out', () => {
    const ic = icicleOf(reasons, 9);
    expect(ic.nodes).toHaveLength(9);
    expect(ic.total).toBeGreaterThan(9);
    for (const n of ic.nodes.filter((x) => x.depth > 0))
      expect(ic.nodes.some((p) => p.depth === n.depth - 1 && p.x0 <= n.x0 && n.x1 <= p.x1)).toBe(true);
    const keptMin = Math.min(...ic.nodes.map((n) => n.ns));
    expect(ic.droppedMaxNs).toBeGreaterThan(0);
    expect(ic.droppedMaxNs).toBeLessThanOrEqual(keptMin);
    const a = syntheticAnalysis({ durationMs: 200 });
    withReasons(a, 1000, reasons);
    const built = buildReport({
      meta: syntheticMeta({ stacks: 'kernel' }),
      analysis: a,
      options: { budget: { maxIcicleNodes: 9 } },
    });
    expect(built.html).toMatch(/Off-CPU flame chart of node 1000: 9 of \d+ frames drawn, the widest/);
  });

  it('gives a spec that compiles without warnings and reads only fields its rows have', () => {
    const a = syntheticAnalysis({ durationMs: 200 });
    withReasons(a, 1000, reasons);
    const { specs } = buildReport({ meta: syntheticMeta({ stacks: 'kernel' }), analysis: a, options: {} });
    expect(Object.keys(specs).filter((k) => k.startsWith('offcpu'))).toEqual(['offcpu-0']);
    const spec = specs['offcpu-0']!;
    const log = compileQuietly(spec);
    expect(log.errors).toEqual([]);
    expect(log.warnings).toEqual([]);
    expect(encodedFields(spec).length).toBeGreaterThan(0);
    expect(missingFields(spec)).toEqual([]);
  });

  it('stays within its budget however many stacks: frames, threads, waker and reason rows; the page stays small', () => {
    const a = syntheticAnalysis({ durationMs: 200 });
    let seed = 1;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (const t of a.result.threads) {
      const reasons = Array.from({ length: 60 }, (_, r) =>
        reason(
          `reason_${r}`,
          Array.from({ length: 10 }, () =>
            stack(
              Array.from({ length: 40 }, (_, d) => `fn_${d}_${rand(6)}`),
              1 + rand(1e6),
              1 + rand(9),
              rand(2) * 1000,
            ),
          ),
          Array.from({ length: 20 }, (_, i) => ({
            source: { kind: 'task' as const, tid: 9000 + i, tgid: 9000, comm: 'waker' },
            frame: `wake_${i}`,
            frames: [`wake_${i}`],
            count: 1,
            ns: 1 + rand(1000),
          })),
        ),
      );
      withReasons(a, t.tid, reasons);
    }
    const plain = buildReport({ meta: syntheticMeta(), analysis: a, options: {} });
    const built = buildReport({ meta: syntheticMeta({ stacks: 'kernel' }), analysis: a, options: {} });
    const icicles = Object.keys(built.specs).filter((k) => k.startsWith('offcpu'));
    expect(icicles).toHaveLength(DEFAULT_REPORT_BUDGET.maxOffCpuThreads);
    for (const id of icicles) {
      const data = (built.specs[id] as { datasets: Record<string, unknown[]> }).datasets;
      expect(Object.values(data)[0]!.length).toBe(DEFAULT_REPORT_BUDGET.maxIcicleNodes);
    }
    const section = /<section id="offcpu".*?<\/section>/s.exec(built.html)![0];
    expect(section.match(/<tr>/g)!.length).toBe(
      1 + DEFAULT_REPORT_BUDGET.maxReasonRows + icicles.length * (1 + DEFAULT_REPORT_BUDGET.maxWakerRows),
    );
    expect(built.html).toMatch(/Off-CPU flame charts: 3 of \d+ sleeping threads/);
    expect(built.html).toMatch(/Sleep reasons table: 300 of \d+ rows shown/);
    expect(built.html).toMatch(/waker sources shown, most time first/);
    expect(built.html.match(/Off-CPU flame chart of .*?: 400 of \d+ frames drawn/g)).toHaveLength(3);
    // the section and its charts' data add well under a megabyte to the page
    const added = Buffer.byteLength(built.html) - Buffer.byteLength(plain.html);
    console.log(`off-CPU section at its budget: ${(added / 1024).toFixed(0)} KiB added to the page`);
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(600 * 1024);
  });

  it('cuts labels to the frame width', () => {
    expect(fitLabel('do_nanosleep', 600)).toBe('do_nanosleep');
    expect(fitLabel('do_nanosleep', 50)).toMatch(/^do_n.*…$/);
    expect(fitLabel('do_nanosleep', 20)).toBe('');
  });

  it('picks the threads longest asleep, or those of --tid; the reason table has every reason with its waker', () => {
    const a = syntheticAnalysis({ durationMs: 200 });
    withReasons(a, 1000, [reason('pipe_read', [stack(PIPE, 600, 6)])]);
    withReasons(a, 1001, [reason('do_nanosleep', [stack(NANO, 900, 3)])]);
    withReasons(a, 1010, [
      reason(
        'folio_wait_bit_common',
        [stack(FSYNC, 100, 1, 100)],
        [
          {
            source: { kind: 'hardirq', name: 'irq 24 virtio1-req.0' },
            frame: 'blk_mq_end_request',
            frames: ['blk_mq_end_request'],
            count: 1,
            ns: 100,
          },
        ],
      ),
    ]);
    const budget = { ...DEFAULT_REPORT_BUDGET, maxOffCpuThreads: 2 };
    expect(offCpuThreads(a.result, budget).threads.map((t) => t.tid)).toEqual([1001, 1000]);
    expect(offCpuThreads(a.result, budget).total).toBe(3);
    expect(offCpuThreads(a.result, budget, [1010, 4242]).threads.map((t) => t.tid)).toEqual([1010]);
    const table = reasonRows(a.result, 10);
    expect(table.rows.map((r) => [r.tid, r.reason, r.ns, r.share])).toEqual([
      [1001, 'do_nanosleep', 900, 1],
      [1000, 'pipe_read', 600, 1],
      [1010, 'folio_wait_bit_common', 100, 1],
    ]);
    expect(table.rows[2]!.topWaker).toBe('hardirq irq 24 virtio1-req.0 from blk_mq_end_request');
    expect(reasonRows(a.result, 2)).toMatchObject({ total: 3, rows: { length: 2 } });
    // two waker stacks that differ below the same frame: one row of the waker table
    const irq = { kind: 'hardirq' as const, name: 'irq 24 virtio1-req.0' };
    const waker = (frames: string[], ns: number) => ({ source: irq, frame: frames[0]!, frames, count: 1, ns });
    const w = wakerRows(
      [
        reason(
          'folio_wait_bit',
          [stack(FSYNC, 300, 3, 300)],
          [waker(['blk_mq_end_request', 'a'], 100), waker(['blk_mq_end_request', 'b'], 150), waker(['other'], 50)],
        ),
      ],
      1,
    );
    expect(w.total).toBe(2);
    expect(w.rows).toEqual([
      {
        reason: 'folio_wait_bit',
        source: 'hardirq irq 24 virtio1-req.0',
        kind: 'hardirq',
        frame: 'blk_mq_end_request',
        count: 2,
        ns: 250,
      },
    ]);
  });
});

describe('a capture without stacks', () => {
  const section = (html: string): string => /<section id="offcpu".*?<\/section>/s.exec(html)?.[0] ?? '';
  it.each([
    ['none', /recorded with --stacks none/],
    [null, /recorded before lifeline took kernel stacks/],
  ] as const)('stacks %s: one line, no chart, no table', (stacks, line) => {
    const built = buildReport({
      meta: syntheticMeta({ stacks }),
      analysis: syntheticAnalysis({ durationMs: 200 }),
      options: {},
    });
    const s = section(built.html);
    expect(s).toMatch(line);
    expect(s).not.toMatch(/<table|class="chart"/);
    expect(Object.keys(built.specs).filter((k) => k.startsWith('offcpu'))).toEqual([]);
  });

  const fixture = join(ROOT, 'fixtures', 'sleeper-stress.arrow');
  it.skipIf(!existsSync(fixture))('fixtures/sleeper-stress.arrow (format 2): the same one line', async () => {
    const cap = await openCapture(fixture);
    try {
      expect(cap.meta.stacks).toBeNull();
      const analysis = await analyze(cap, { detail: true });
      const built = buildReport({ meta: cap.meta, analysis, options: {} });
      expect(section(built.html)).toMatch(/recorded before lifeline took kernel stacks/);
      expect(Object.keys(built.specs).filter((k) => k.startsWith('offcpu'))).toEqual([]);
    } finally {
      cap.close();
    }
  });
});

/** Rect items of a chart's scene graph. */
async function rectMarks(v: Visit, chartId: string): Promise<number> {
  return v.page.evaluate((id) => {
    interface Item {
      items?: Item[];
      marktype?: string;
    }
    const view = (window as unknown as { __lifeline: { views: Record<string, { scenegraph(): { root: Item } }> } })
      .__lifeline.views[id]!;
    const count = (node: Item): number => {
      let n = 0;
      for (const child of node.items ?? []) {
        if (child.marktype === 'rect') n += (child.items ?? []).length;
        n += count(child);
      }
      return n;
    };
    return count(view.scenegraph().root);
  }, chartId);
}

describe('hostile names and frames', () => {
  const COMM = '</script><script>window.__pwned=21</script>\x1b[31m';
  const FRAME = '"><img src=x onerror=window.__pwned=22>\u202e;x';
  const WAKER = '<svg onload=window.__pwned=23>\u2028';
  const RAW_HOSTILE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

  function hostile(): ReturnType<typeof buildReport> {
    const a = syntheticAnalysis({ durationMs: 200, names: [COMM] });
    withReasons(a, 3100, [
      reason(
        FRAME,
        [stack(['__schedule', 'schedule', FRAME, ...[...SYSCALL].reverse()], 500, 5)],
        [
          {
            source: { kind: 'task', tid: 77, tgid: 77, comm: WAKER },
            frame: FRAME,
            frames: [FRAME],
            count: 5,
            ns: 500,
          },
        ],
      ),
    ]);
    return buildReport({ meta: syntheticMeta({ stacks: 'kernel' }), analysis: a, options: { tid: [3100] } });
  }

  it('leaves no raw control or bidi character and no live markup in the page', () => {
    const { html, specs } = hostile();
    const page = html.replace(/\n/g, '');
    expect([...page].filter((ch) => RAW_HOSTILE.test(ch))).toEqual([]);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg onload');
    expect(html.match(/<\/script>/g)).toHaveLength(html.match(/<script[ >]/g)!.length);
    // the visible forms, escaped for HTML, in the tables; the chart data carries the sanitized frame
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=window.__pwned=22&gt;\\u202e;x');
    expect(html).toContain('task &lt;svg onload=window.__pwned=23&gt;\\u2028 77');
    const rows = (specs['offcpu-0'] as { datasets: Record<string, Array<{ f: string }>> }).datasets['offcpu_0']!;
    expect(rows.map((r) => r.f)).toContain('"><img src=x onerror=window.__pwned=22>\\u202e;x');
  });

  it.skipIf(skipBrowser !== null)('runs nothing in chromium and draws the icicle', { timeout: 60_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'report-offcpu-hostile.html');
    writeFileSync(file, hostile().html);
    const browser = await launch();
    try {
      const v = await visit(browser, file);
      expect(v.chartErrors).toEqual([]);
      expect(v.consoleErrors).toEqual([]);
      expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await rectMarks(v, 'chart-offcpu-0')).toBeGreaterThan(0);
      const cells = await v.page.locator('table[data-table="reasons"] tbody td').allInnerTexts();
      expect(cells).toContain('"><img src=x onerror=window.__pwned=22>\\u202e;x');
      expect(cells).toContain('</script><script>window.__pwned=21</script>\\x1b[31m');
    } finally {
      await browser.close();
    }
  });
});

describe.skipIf(skipRecording)(`on a recording with stacks (${skipRecording ? skipReason : 'root'})`, () => {
  let file: string;
  let dir: string;
  let sleeper: number;
  let ping: number;
  let fsync: number;
  let a: Analysis;
  let meta: CaptureMeta;

  beforeAll(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'lifeline-report-offcpu-'));
    file = join(dir, 'offcpu.arrow');
    const res = await record({
      output: file,
      command: [
        'sh',
        '-c',
        // the fsync's file on /var/tmp: a disk, where /tmp may be memory (an fsync there never waits)
        `F=/var/tmp/lifeline-report-offcpu-$$; ${wl('ll-fsync')} $F 30 > ${dir}/fs & ` +
          `${wl('ll-pingpong')} 400 > ${dir}/pp & ${wl('ll-sleeper')} 200 2 > ${dir}/sl; wait; rm -f $F`,
      ],
      stdio: 'ignore',
    });
    expect(res.stacks).toBe('kernel');
    sleeper = Number(readFileSync(join(dir, 'sl'), 'utf8').trim());
    fsync = Number(readFileSync(join(dir, 'fs'), 'utf8').trim());
    const sides = readFileSync(join(dir, 'pp'), 'utf8').trim().split(/\s+/).map(Number);
    const cap = await openCapture(file);
    try {
      meta = cap.meta;
      a = await analyze(cap, { detail: true });
    } finally {
      cap.close();
    }
    // the pipe side that slept more: on a shared CPU, wakeup preemption can let one side of a
    // ping-pong run on and never sleep (then it has no icicle)
    const sleepsOf = (tid: number) => a.result.threads.find((x) => x.tid === tid)?.sleeps ?? 0;
    ping = sides.sort((x, y) => sleepsOf(y) - sleepsOf(x))[0]!;
  }, 120_000);

  it("the sleeper's icicle adds up to its time asleep, do_nanosleep ≥ 95% wide", () => {
    const t = a.result.threads.find((x) => x.tid === sleeper)!;
    const asleep = t.sleepSNs + t.sleepDNs;
    expect(t.sleeps).toBeGreaterThanOrEqual(190);
    const { threads } = offCpuThreads(a.result, DEFAULT_REPORT_BUDGET, [sleeper]);
    expect(threads.map((x) => x.tid)).toEqual([sleeper]);
    const ic = threads[0]!.icicle;
    expect(ic.nodes.length).toBeLessThanOrEqual(DEFAULT_REPORT_BUDGET.maxIcicleNodes);
    const roots = ic.nodes.filter((n) => n.depth === 0);
    expect(roots.reduce((s, n) => s + n.ns, 0)).toBe(asleep);
    expect(ic.totalNs).toBe(asleep);
    const nano = ic.nodes.filter((n) => n.frame === 'do_nanosleep').reduce((s, n) => s + (n.x1 - n.x0), 0);
    expect(nano / asleep).toBeGreaterThanOrEqual(0.95);
    // the outermost frame on top: a syscall entry, never the scheduler
    expect(roots[0]!.frame).toMatch(/^entry_SYSCALL_64/);
    expect(ic.nodes.filter((n) => n.frame === '__schedule').every((n) => n.depth > 2)).toBe(true);
  });

  it('report --comm: the flame chart of the threads the filter keeps', async () => {
    const out = join(dir, 'offcpu-comm.html');
    await writeReport(file, { comm: '^ll-sleeper$', out });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('id="chart-offcpu-0"');
    expect(html).not.toContain('id="chart-offcpu-1"');
    expect(html).toContain(`<h3>Who woke ll-sleeper ${sleeper}, from where</h3>`);
    const tids = [...html.matchAll(/<table class="metrics sortable" data-table="reasons">.*?<\/table>/gs)]
      .flatMap((m) => [...m[0].matchAll(/<tr><td data-v="[^"]*" class="t">[^<]*<\/td><td data-v="(\d+)">/g)])
      .map((m) => Number(m[1]));
    expect(tids.length).toBeGreaterThan(0);
    expect(new Set(tids)).toEqual(new Set([sleeper]));
  }, 60_000);

  it.skipIf(skipBrowser !== null)(
    'report --tid: the icicles drawn in chromium, the reason table as analyze --json says',
    { timeout: 120_000 },
    async () => {
      const tid = `${sleeper},${ping},${fsync}`;
      const out = join(dir, 'offcpu.html');
      const written = await writeReport(file, { tid, out });
      expect(written.bytes).toBeLessThan(6 * 1024 * 1024);
      const json = JSON.parse(await analyzeCapture(file, { tid, json: true })) as {
        threads: Array<{ tid: number; sleepReasons: SleepReason[] }>;
      };
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('id="chart-offcpu-0"');
      expect(html).toContain('id="chart-offcpu-2"');
      const browser = await launch();
      try {
        const v = await visit(browser, out);
        expect(v.chartErrors).toEqual([]);
        expect(v.consoleErrors).toEqual([]);
        for (const id of ['chart-offcpu-0', 'chart-offcpu-1', 'chart-offcpu-2'])
          expect(await rectMarks(v, id), id).toBeGreaterThan(0);
        expect(await v.page.locator('#offcpu h3').first().innerText()).toContain(`ll-sleeper ${sleeper}`);
        // colour: the fsync's frames that slept only in D are drawn red, the nanosleep's (only S) blue
        const fills = async (id: string): Promise<Array<{ f: string; dShare: number; rgb: number[] }>> =>
          v.page.evaluate((chart) => {
            interface Item {
              items?: Item[];
              marktype?: string;
              fill?: string;
              datum?: { f: string; dShare: number };
            }
            const view = (
              window as unknown as { __lifeline: { views: Record<string, { scenegraph(): { root: Item } }> } }
            ).__lifeline.views[chart]!;
            const out: Array<{ f: string; dShare: number; rgb: number[] }> = [];
            const probe = document.createElement('canvas').getContext('2d')!;
            const walk = (node: Item): void => {
              for (const child of node.items ?? []) {
                if (child.marktype === 'rect')
                  for (const it of child.items ?? []) {
                    probe.fillStyle = it.fill ?? '';
                    const hex = probe.fillStyle; // normalized to #rrggbb
                    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
                    if (it.datum) out.push({ f: it.datum.f, dShare: it.datum.dShare, rgb });
                  }
                walk(child);
              }
            };
            walk(view.scenegraph().root);
            return out;
          }, id);
        const fsyncRects = await fills('chart-offcpu-2');
        const dOnly = fsyncRects.filter((r) => r.dShare === 1);
        expect(dOnly.length, JSON.stringify(fsyncRects.slice(0, 12))).toBeGreaterThan(0);
        for (const r of dOnly) expect(r.rgb[0]! - r.rgb[2]!, r.f).toBeGreaterThan(100);
        // the sleeper's frames that slept only in S (its nanosleeps; its exec may have waited in D)
        const sleeperRects = (await fills('chart-offcpu-0')).filter((r) => r.dShare === 0);
        expect(sleeperRects.map((r) => r.f)).toContain('do_nanosleep');
        for (const r of sleeperRects) expect(r.rgb[2]! - r.rgb[0]!, r.f).toBeGreaterThan(80);
        const rows = await v.page
          .locator('table[data-table="reasons"] tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => td.getAttribute('data-v') ?? '')),
          );
        // thread, tid, reason, sleeps, ns, share, sleeps S, time S (D after the slash in the text)
        const texts = await v.page
          .locator('table[data-table="reasons"] tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => td.textContent ?? '')),
          );
        let checked = 0;
        for (const t of json.threads) {
          if (![sleeper, ping, fsync].includes(t.tid)) continue;
          const mine = rows.filter((r) => Number(r[1]) === t.tid);
          expect(
            mine.map((r) => r[2]),
            String(t.tid),
          ).toEqual(t.sleepReasons.map((r) => r.reason));
          const total = t.sleepReasons.reduce((s, r) => s + r.ns, 0);
          t.sleepReasons.forEach((r, i) => {
            const row = mine[i]!;
            expect(Number(row[3])).toBe(r.count);
            expect(Number(row[4])).toBe(r.ns);
            expect(Number(row[5])).toBeCloseTo(r.ns / total, 9);
            expect(Number(row[6])).toBe(r.sleepsS);
            expect(Number(row[7])).toBe(r.sleepSNs);
            const text = texts[rows.indexOf(row)]!;
            expect(text[6]).toBe(`${r.sleepsS.toLocaleString('en-US')} / ${r.sleepsD.toLocaleString('en-US')}`);
            // the text as a reader sees it: the same figures at the page's precision
            expect(countMismatch(text[3]!, r.count)).toBeNull();
            expect(durationMismatch(text[4]!, r.ns)).toBeNull();
            const [shownS, shownD] = text[7]!.split(' / ');
            expect(durationMismatch(shownS!, r.sleepSNs)).toBeNull();
            expect(durationMismatch(shownD!, r.sleepDNs)).toBeNull();
            checked++;
          });
        }
        expect(checked).toBeGreaterThanOrEqual(3);
        await v.page.locator('#offcpu').screenshot({ path: join(ARTIFACTS, 'report-offcpu-recorded.png') });
      } finally {
        await browser.close();
      }
      // the default choice: the threads longest asleep of the whole capture, within the budget
      const built = buildReport({ meta, analysis: a, options: {} });
      const icicles = Object.keys(built.specs).filter((k) => k.startsWith('offcpu'));
      expect(icicles.length).toBeGreaterThan(0);
      expect(icicles.length).toBeLessThanOrEqual(DEFAULT_REPORT_BUDGET.maxOffCpuThreads);
    },
  );
});
