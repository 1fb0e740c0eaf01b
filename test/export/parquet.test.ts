/**
 * `lifeline export --to parquet`: DuckDB, an independent reader, reads every table of an export of
 * every fixture, and what it counts equals what lifeline's own analysis says (analyze --json, info).
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeCapture, batchFromRows, createWriter, exportCapture } from '../../src/api.js';
import { openCapture, summarizeCapture } from '../../src/capture/index.js';
import { CATALOGUE, HISTOGRAM_KEYS } from '../../src/analyze/index.js';
import { columnName, metricColumns } from '../../src/export/parquet/analysis-tables.js';
import { PARQUET_TABLES } from '../../src/export/parquet/layout.js';
import { cli, expectOneLineError } from '../helpers/cli.js';
import { testMeta } from '../helpers/memory-capture.js';
import { comm, R, S, sw, wake } from '../helpers/sched-events.js';
import { duck, lit } from './parquet-duck.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
const FIXTURES = readdirSync(fixtures).filter((f) => f.endsWith('.db') || f.endsWith('.arrow'));
const work = mkdtempSync(path.join(tmpdir(), 'lifeline-parquet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface JsonSource {
  kind: string;
  tid?: number;
  comm?: string;
  name?: string;
}
interface JsonThread {
  tid: number;
  generation: number;
  comm: string;
  runNs: number;
  sleeps: number;
  wakeups: number;
  wakers: { source: JsonSource; cause?: JsonSource; count: number }[];
}
interface JsonAnalysis {
  capture: { events: number };
  threads: JsonThread[];
  processes: { tgid: number; sleeps: number; runNs: number }[];
  reattributed: number;
}

/** A source: a task by its tid (its name may have changed since), an interrupt by its name. */
const sourceKey = (s: JsonSource): string => (s.kind === 'task' ? `task|${s.tid}` : `${s.kind}|${s.name}`);

describe('export --to parquet: every fixture, read by DuckDB', () => {
  it.each(FIXTURES)('%s: each table reads, and its counts are the analysis’', async (fixture) => {
    const capPath = path.join(fixtures, fixture);
    const out = path.join(work, fixture.replace('.', '-'));
    const res = await exportCapture(capPath, { to: 'parquet', out });
    expect(res.files).toBe(PARQUET_TABLES.length);
    const t = (table: string) => lit(path.join(out, `${table}.parquet`));
    const json = JSON.parse(await analyzeCapture(capPath, { json: true })) as JsonAnalysis;
    const cap = await openCapture(capPath);
    const summary = await summarizeCapture(cap);
    cap.close();

    // every table reads, with its host and capture columns
    for (const table of PARQUET_TABLES) {
      const [row] = await duck(`select count(*) n, count(distinct host) h, min(capture) c from ${t(table)}`);
      if (table !== 'edges') expect(row!.n, table).toBeGreaterThan(0);
      if ((row!.n as number) > 0) expect([row!.h, row!.c], table).toEqual([1, fixture.replace(/\.[a-z]+$/, '')]);
    }
    // events: every event, per kind as `info` counts them, in total as analyze
    const kinds = await duck(`select kind, count(*) n from ${t('events')} group by kind`);
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toEqual(summary.kinds);
    expect(kinds.reduce((s, k) => s + (k.n as number), 0)).toBe(json.capture.events);
    // wall time = monotonic ns + the capture's clock offset (DuckDB reads a UTC timestamp to the µs)
    const off =
      BigInt(Math.trunc(summary.meta.clockOffsetMs)) * 1_000_000n +
      BigInt(Math.round((summary.meta.clockOffsetMs - Math.trunc(summary.meta.clockOffsetMs)) * 1e6));
    const wall = await duck(`select distinct epoch_us(time) - (ts_ns + ${off}) // 1000 d from ${t('events')}`);
    expect(wall).toEqual([{ d: 0 }]);

    // threads: sleeps, run time and wakeups of each thread
    const threads = await duck(`select tid, generation, comm, sleeps, run_ns, wakeups from ${t('threads')}`);
    const byId = (x: object) => `${String((x as JsonThread).tid)}/${String((x as JsonThread).generation)}`;
    expect(new Map(threads.map((r) => [byId(r), [r.comm, r.sleeps, r.run_ns, r.wakeups]]))).toEqual(
      new Map(json.threads.map((r) => [byId(r), [r.comm, r.sleeps, r.runNs, r.wakeups]])),
    );
    const processes = await duck(`select tgid, sleeps, run_ns from ${t('processes')}`);
    expect(new Map(processes.map((r) => [r.tgid, [r.sleeps, r.run_ns]]))).toEqual(
      new Map(json.processes.map((p) => [p.tgid, [p.sleeps, p.runNs]])),
    );

    // log2 buckets: each histogram sums to its distribution's count, in both tables
    for (const table of ['threads', 'processes']) {
      const [bad] = await duck(
        `select count(*) n, sum(list_sum(sleep_ns_log2_counts)) s from ${t(table)}
         where sleeps != list_sum(sleep_ns_log2_counts) or runq_waits != list_sum(runq_delay_ns_log2_counts)
            or preemptions != list_sum(preempt_delay_ns_log2_counts)`,
      );
      expect(bad!.n, table).toBe(0);
    }
    const [sleptBuckets] = await duck(`select sum(list_sum(sleep_ns_log2_counts)) n from ${t('threads')}`);
    expect(sleptBuckets!.n).toBe(json.threads.reduce((s, x) => s + x.sleeps, 0));

    // wakeups: by thread, source and cause, as each thread's wakers say
    const wakeups = await duck(
      `select tid, source_kind, source, source_tid, cause_kind, cause, cause_tid, count(*) n
       from ${t('wakeups')} where not spurious
       group by all`,
    );
    const got = new Map<string, number>();
    for (const w of wakeups) {
      const key = `${String(w.tid)} ${sourceKey({ kind: String(w.source_kind), tid: w.source_tid as number, name: String(w.source) })} ${sourceKey({ kind: String(w.cause_kind), tid: w.cause_tid as number, name: String(w.cause) })}`;
      got.set(key, (got.get(key) ?? 0) + (w.n as number));
    }
    const want = new Map<string, number>();
    for (const th of json.threads)
      for (const w of th.wakers) {
        const key = `${th.tid} ${sourceKey(w.source)} ${sourceKey(w.cause ?? w.source)}`;
        want.set(key, (want.get(key) ?? 0) + w.count);
      }
    expect(got).toEqual(want);
    const [re] = await duck(`select count(*) n from ${t('wakeups')} where reattributed`);
    expect(re!.n).toBe(json.reattributed);

    // edges: every wakeup of a thread that is in the graph counts once
    const [edges] = await duck(`select coalesce(sum(wakeups), 0) n from ${t('edges')}`);
    const [edgeWakeups] = await duck(
      `select count(*) n from ${t('wakeups')} w where not spurious and exists (select 1 from ${t('edges')} e where e.to_tid = w.tid)`,
    );
    expect(edges!.n).toBe(edgeWakeups!.n);

    // the files describe themselves: the capture's meta and the table in the key-value metadata
    const kv = await duck(`select decode(key) k, decode(value) v from parquet_kv_metadata(${t('threads')})`);
    const meta = JSON.parse(String(kv.find((r) => r.k === 'lifeline.meta')!.v)) as { hostname: string };
    expect(meta.hostname).toBe(summary.meta.hostname);
    expect(kv.find((r) => r.k === 'lifeline.table')!.v).toBe('threads');
  });
});

describe('the catalogue drives the threads and processes columns', () => {
  it('every field of the catalogue is a column (a distribution: a stat each, and its log2 buckets)', async () => {
    const out = path.join(work, 'catalogue');
    await exportCapture(path.join(fixtures, 'pingpong.db'), { to: 'parquet', out });
    for (const scope of ['thread', 'process'] as const) {
      const described = await duck(
        `describe select * from ${lit(path.join(out, `${scope === 'thread' ? 'threads' : 'processes'}.parquet`))}`,
      );
      const names = new Set(described.map((d) => d.column_name));
      for (const e of CATALOGUE.filter((x) => x.scopes.includes(scope))) {
        const base = columnName(e.key, e.unit);
        if (e.kind === 'distribution') {
          for (const stat of e.stats) expect(names, `${base}_${stat}`).toContain(`${base}_${stat}`);
          if ((HISTOGRAM_KEYS as readonly string[]).includes(e.key)) expect(names).toContain(`${base}_log2_counts`);
        } else if (e.kind === 'sources' || e.kind === 'reasons') expect(names).toContain(`${base}_json`);
        else expect(names, base).toContain(base);
        for (const p of e.split?.parts ?? []) expect(names).toContain(columnName(p.key, e.unit));
      }
      expect(names.size).toBe(metricColumns(scope).length + (scope === 'thread' ? 5 : 5));
    }
    // every distribution of the catalogue has buckets
    const distributions = CATALOGUE.filter((e) => e.kind === 'distribution').map((e) => e.key);
    expect([...distributions].sort()).toEqual([...HISTOGRAM_KEYS].sort());
  });
});

describe('two hosts, one dataset', () => {
  it('partitioned exports of two captures under two hosts query as one; the docs/fleet.md queries run on it', async () => {
    const fleet = path.join(work, 'fleet');
    const a = cli([
      'export',
      path.join(fixtures, 'pingpong.db'),
      '--to',
      'parquet',
      '--partition',
      '--host',
      'web-1',
      '-o',
      fleet,
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/Parquet dataset written to .*fleet/);
    const b = cli([
      'export',
      path.join(fixtures, 'sleeper-stress.arrow'),
      '--to',
      'parquet',
      '--partition',
      '--host',
      'db/2',
      '-o',
      fleet,
    ]);
    expect(b.status, b.stderr).toBe(0);
    // hive-style folders, the host escaped in the path and exact in the column
    expect(existsSync(path.join(fleet, 'threads', 'host=web-1'))).toBe(true);
    expect(existsSync(path.join(fleet, 'threads', 'host=db%2F2'))).toBe(true);
    const glob = (table: string) =>
      `read_parquet(${lit(path.join(fleet, table, '**', '*.parquet'))}, hive_partitioning = false)`;
    const hosts = await duck(`select host, capture, count(*) n from ${glob('threads')} group by all order by host`);
    const jsonA = JSON.parse(await analyzeCapture(path.join(fixtures, 'pingpong.db'), { json: true })) as JsonAnalysis;
    const jsonB = JSON.parse(
      await analyzeCapture(path.join(fixtures, 'sleeper-stress.arrow'), { json: true }),
    ) as JsonAnalysis;
    expect(hosts).toEqual([
      { host: 'db/2', capture: 'sleeper-stress', n: jsonB.threads.length },
      { host: 'web-1', capture: 'pingpong', n: jsonA.threads.length },
    ]);
    const [events] = await duck(`select count(*) n from ${glob('events')}`);
    expect(events!.n).toBe(jsonA.capture.events + jsonB.capture.events);
    // the date partition is the capture's start (UTC)
    const dates = await duck(
      `select distinct date from read_parquet(${lit(path.join(fleet, 'events', '**', '*.parquet'))}, hive_partitioning = true)`,
    );
    expect(dates.map((d) => String(d.date))).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);

    // the documented queries, on this dataset
    const doc = readFileSync(path.resolve(__dirname, '../../docs/fleet.md'), 'utf8');
    const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const q of queries) {
      const rows = await duck(q.replaceAll("'fleet/", `'${fleet}/`));
      expect(rows.length, q).toBeGreaterThan(0);
    }
    // the fleet-wide p95 from buckets is a bucket bound at or above the p95 of the wakeups' delays
    const p95 = doc.match(/```sql\n(-- fleet-wide p95[\s\S]*?)```/);
    expect(p95).not.toBeNull();
    const [fromBuckets] = await duck(p95![1]!.replaceAll("'fleet/", `'${fleet}/`));
    const [exact] = await duck(
      `select quantile_disc(runq_delay_ns, 0.95) q from ${glob('wakeups')} where runq_delay_ns is not null`,
    );
    const bound = Number(fromBuckets!.p95_upper_bound_ns);
    expect(bound).toBeGreaterThanOrEqual(Number(exact!.q));
    expect(bound / 2).toBeLessThanOrEqual(Math.max(Number(exact!.q), 1000));

    // polars reads the same dataset (the docs' JavaScript example), with the same sums as DuckDB
    const pl = (await import('nodejs-polars')).default;
    const byHost = pl
      .scanParquet(path.join(fleet, 'processes', '**', '*.parquet'))
      .groupBy('host')
      .agg(pl.col('runq_wait_ns').sum(), pl.col('runq_waits').sum())
      .sort('host')
      .collectSync()
      .toRecords();
    const duckByHost = await duck(
      `select host, sum(runq_wait_ns) runq_wait_ns, sum(runq_waits) runq_waits from ${glob('processes')} group by host order by host`,
    );
    expect(byHost.map((r) => [r.host, Number(r.runq_wait_ns), Number(r.runq_waits)])).toEqual(
      duckByHost.map((r) => [r.host, Number(r.runq_wait_ns), Number(r.runq_waits)]),
    );
  });
});

describe('names survive byte for byte', () => {
  const HOSTILE = [
    'x\x1b]0;PWN\x07\x1b[31mred',
    '\u202eevil\u202c<script>',
    'tab\there\nnl',
    'quote\'"\\back',
    'smile😀é',
    '\x9b2J',
  ];

  it.each(['sqlite', 'arrow'] as const)(
    'comms with controls, bidi, quotes and UTF-8 in a %s capture',
    async (format) => {
      const dir = mkdtempSync(path.join(work, 'hostile-'));
      const file = path.join(dir, `hostile.${format === 'sqlite' ? 'db' : 'arrow'}`);
      const tids = HOSTILE.map((_, i) => 100 + i);
      const rows = [
        ...HOSTILE.map((name, i) => comm(tids[i]!, tids[i]!, name)),
        ...tids.flatMap((tid, i) => [
          sw(10 + i * 10, 0, 0, tid, R),
          sw(12 + i * 10, 0, tid, 0, S),
          wake(15 + i * 10, 1, tid, 0),
        ]),
        sw(200, 0, 0, tids[0]!, R),
      ];
      const meta = testMeta({ hostname: 'host\x1b[31m\r', startNs: 1_000_000 });
      const writer = await createWriter(file, format, meta);
      await writer.append(batchFromRows(rows));
      await writer.finish({ ...meta, endNs: 2_000_000, events: rows.length, exitCode: 0 });
      const out = path.join(dir, 'out');
      await exportCapture(file, { to: 'parquet', out });
      const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();
      for (const [table, col] of [
        ['tasks', 'comm'],
        ['events', 'comm'],
        ['threads', 'comm'],
        ['processes', 'comm'],
        ['wakeups', 'comm'],
      ] as const) {
        const got = await duck(
          `select distinct hex(encode(${col})) h from ${lit(path.join(out, `${table}.parquet`))} where ${table === 'processes' ? 'tgid' : 'tid'} between 100 and 199`,
        );
        expect(new Set(got.map((g) => g.h)), table).toEqual(new Set(HOSTILE.map(hex)));
      }
      const [host] = await duck(`select distinct hex(encode(host)) h from ${lit(path.join(out, 'events.parquet'))}`);
      expect(host!.h).toBe(hex('host\x1b[31m\r'));
    },
  );

  it('a comm whose bytes are not UTF-8 (written into an SQLite capture by hand): the text every reader of the capture gets', async () => {
    const dir = mkdtempSync(path.join(work, 'invalid-'));
    const file = path.join(dir, 'invalid.db');
    const rows = [comm(100, 100, 'placeholder'), sw(10, 0, 0, 100, R), sw(20, 0, 100, 0, S), wake(30, 1, 100, 0)];
    const meta = testMeta({ startNs: 1_000_000 });
    const writer = await createWriter(file, 'sqlite', meta);
    await writer.append(batchFromRows(rows));
    await writer.finish({ ...meta, endNs: 2_000_000, events: rows.length, exitCode: 0 });
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.prepare(`UPDATE events SET name = CAST(X'6261fffe1b5b326a' AS TEXT) WHERE kind = 7 AND tid = 100`).run();
    db.close();
    const cap = await openCapture(file);
    let name: string | undefined;
    for await (const b of cap.batches()) for (const [, n] of b.names) name = n;
    cap.close();
    expect(name).toContain('\ufffd');
    const out = path.join(dir, 'out');
    await exportCapture(file, { to: 'parquet', out });
    const [t] = await duck(`select hex(encode(comm)) h from ${lit(path.join(out, 'tasks.parquet'))} where tid = 100`);
    expect(t!.h).toBe(Buffer.from(name!, 'utf8').toString('hex').toUpperCase());
  });
});

describe('a window, a cut capture', () => {
  it('--from/--to: the events of the window, no diagnostic about the rest', async () => {
    const fixture = path.join(fixtures, 'pingpong.db');
    const whole = path.join(work, 'whole');
    const part = path.join(work, 'part');
    await exportCapture(fixture, { to: 'parquet', out: whole });
    const r = cli(['export', fixture, '--to', 'parquet', '--from', '0.1', '--to', '0.2', '-o', part]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/DAMAGED/);
    const cap = await openCapture(fixture);
    const start = cap.meta.startNs;
    cap.close();
    const [inWindow] = await duck(
      `select count(*) n from ${lit(path.join(whole, 'events.parquet'))} where ts_ns between ${start + 1e8} and ${start + 2e8}`,
    );
    const [got] = await duck(
      `select count(*) n, min(ts_ns) lo, max(ts_ns) hi from ${lit(path.join(part, 'events.parquet'))}`,
    );
    expect(got!.n).toBe(inWindow!.n);
    expect(got!.n).toBeGreaterThan(0);
    expect(r.stdout).toContain(`${(got!.n as number).toLocaleString('en-US')} events`);
    const [w] = await duck(
      `select min(since_start_ns) lo, max(since_start_ns) hi from ${lit(path.join(part, 'wakeups.parquet'))}`,
    );
    expect(w!.lo as number).toBeGreaterThanOrEqual(1e8);
    expect(w!.hi as number).toBeLessThanOrEqual(2e8);
  });

  it('an Arrow capture cut short: what could be read, and said on stderr', async () => {
    const cut = path.join(work, 'cut.arrow');
    copyFileSync(path.join(fixtures, 'sleeper-stress.arrow'), cut);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
    const out = path.join(work, 'cut-out');
    const r = cli(['export', cut, '--to', 'parquet', '-o', out]);
    expect(r.stderr).toMatch(/^lifeline: (incomplete|DAMAGED)/m);
    const cap = await openCapture(cut);
    const readable = (await summarizeCapture(cap)).events;
    cap.close();
    const [n] = await duck(`select count(*) n from ${lit(path.join(out, 'events.parquet'))}`);
    expect(n!.n).toBe(readable);
  });
});

describe('bad input', () => {
  it('a damaged capture: one line, non-zero exit, nothing written', () => {
    const dir = mkdtempSync(path.join(work, 'bad-'));
    const cut = path.join(dir, 'cut.db');
    copyFileSync(path.join(fixtures, 'sleeper-stress.db'), cut);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    const out = path.join(dir, 'out');
    const r = cli(['export', cut, '--to', 'parquet', '-o', out]);
    expect(expectOneLineError(r)).toMatch(/damaged|truncated/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);

    const foreign = path.join(dir, 'notes.txt');
    copyFileSync(path.join(fixtures, 'pingpong.json'), foreign);
    expect(expectOneLineError(cli(['export', foreign, '--to', 'parquet', '-o', out]))).toMatch(
      /not a lifeline capture/,
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('an existing dataset is kept without --force, replaced with it; the capture itself never', async () => {
    const dir = mkdtempSync(path.join(work, 'keep-'));
    const fixture = path.join(fixtures, 'pingpong.db');
    const out = path.join(dir, 'ds');
    expect(cli(['export', fixture, '--to', 'parquet', '-o', out]).status).toBe(0);
    const before = readFileSync(path.join(out, 'events.parquet'));
    expect(expectOneLineError(cli(['export', fixture, '--to', 'parquet', '-o', out]))).toMatch(
      /already exists .*--force/,
    );
    expect(readFileSync(path.join(out, 'events.parquet')).equals(before)).toBe(true);
    expect(cli(['export', fixture, '--to', 'parquet', '-o', out, '--force']).status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(PARQUET_TABLES.map((t) => `${t}.parquet`).sort());

    // a capture named as one of the tables, in the dataset's directory: refused, untouched
    const inside = path.join(out, 'events.parquet');
    copyFileSync(fixture, inside);
    const kept = readFileSync(inside);
    expect(expectOneLineError(cli(['export', inside, '--to', 'parquet', '-o', out, '--force']))).toMatch(
      /it is the capture being read/,
    );
    expect(readFileSync(inside).equals(kept)).toBe(true);

    // a file where the directory goes; --host and --partition without a dataset
    expect(expectOneLineError(cli(['export', fixture, '--to', 'parquet', '-o', fixture]))).toMatch(/not a directory/);
    expect(expectOneLineError(cli(['export', fixture, '--host', 'a', '-o', path.join(dir, 'x.pftrace')]))).toMatch(
      /--host is for a dataset export/,
    );
    expect(expectOneLineError(cli(['export', fixture, '--to', 'parquet', '--host', '', '-o', out]))).toMatch(
      /--host takes/,
    );
    // the critical path is a track of a trace, not a table
    expect(
      expectOneLineError(cli(['export', fixture, '--to', 'parquet', '-o', path.join(dir, 'p'), '--path-tid', '1'])),
    ).toMatch(/--path-\* options write a track of a Perfetto trace/);
    expect(existsSync(path.join(dir, 'p'))).toBe(false);
  });
});
