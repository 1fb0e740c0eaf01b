/**
 * A capture and its analysis as a Parquet dataset, in one pass over the capture:
 *
 * 1. open a file per table (written beside its name, renamed into place at the end);
 * 2. replay the capture through the analysis, handing each batch to the events table on the
 *    way (events and tasks are written as they go, one row group at a time);
 * 3. write the analysis tables: threads, processes (the catalogue's columns), wakeups, edges;
 * 4. finish every file, then move them all into place (any failure before: none is).
 */
import { analyze, CATALOGUE, DURATION_BOUNDS_NS, type Analysis } from '../../analyze/index.js';
import type { Capture } from '../../capture/index.js';
import { inertJson } from '../../sanitize.js';
import { VERSION } from '../../version.js';
import type { DatasetRunOptions } from '../format.js';
import {
  EDGE_COLUMNS,
  metricColumns,
  PROCESS_IDENTITY,
  THREAD_IDENTITY,
  WAKEUP_COLUMNS,
  writeEdges,
  writeProcesses,
  writeThreads,
  WakeupsTable,
  type MetricColumn,
} from './analysis-tables.js';
import { EVENT_COLUMNS, EventsTable, TASK_COLUMNS } from './events-table.js';
import { PARQUET_TABLES, type ParquetTable } from './layout.js';
import { Encoders } from './encoders.js';
import type { ColumnSpec } from './column-spec.js';
import { TableFile } from './table-file.js';

export interface ParquetExportResult {
  /** Events read from the capture (the diagnostics compare it with the capture's count). */
  events: number;
  /** Events written to the events table (those in the window). */
  written: number;
  /** Rows per table. */
  rows: Record<ParquetTable, number>;
  /** The files written, and their bytes in all. */
  files: number;
  paths: string[];
  bytes: number;
}

/** Version of the dataset's layout (tables, columns), in each file's metadata. */
export const DATASET_VERSION = 1;

/** Wall clock ns − monotonic ns, exactly (clockOffsetMs carries sub-ms digits). */
function wallOffsetNs(clockOffsetMs: number): bigint {
  if (!Number.isFinite(clockOffsetMs)) return 0n;
  const whole = Math.trunc(clockOffsetMs);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((clockOffsetMs - whole) * 1e6));
}

const UNITS: Record<string, Record<string, string>> = {
  events: { ts_ns: 'ns (CLOCK_MONOTONIC)', time: 'wall clock, UTC' },
  tasks: { first_seen_ns: 'ns (CLOCK_MONOTONIC)', last_seen_ns: 'ns (CLOCK_MONOTONIC)' },
  wakeups: {
    ts_ns: 'ns (CLOCK_MONOTONIC)',
    since_start_ns: 'ns since the capture start',
    slept_ns: 'ns',
    runq_delay_ns: 'ns',
    run_ns: 'ns',
  },
  edges: { wakeups: 'count' },
};

function columnsDoc(table: string, metric: readonly MetricColumn[]): string {
  const doc: Record<string, { unit: string; help?: string }> = {};
  for (const [k, unit] of Object.entries(UNITS[table] ?? {})) doc[k] = { unit };
  for (const c of metric) doc[c.spec.name] = { unit: c.unit, help: c.help };
  return inertJson(doc);
}

export async function exportParquet(capture: Capture, opts: DatasetRunOptions): Promise<ParquetExportResult> {
  const meta = capture.meta;
  const threadCols = metricColumns('thread', CATALOGUE);
  const processCols = metricColumns('process', CATALOGUE);
  const columns: Record<ParquetTable, readonly ColumnSpec[]> = {
    events: EVENT_COLUMNS,
    tasks: TASK_COLUMNS,
    threads: [...THREAD_IDENTITY, ...threadCols.map((c) => c.spec)],
    processes: [...PROCESS_IDENTITY, ...processCols.map((c) => c.spec)],
    wakeups: WAKEUP_COLUMNS,
    edges: EDGE_COLUMNS,
  };
  const metricOf: Partial<Record<ParquetTable, readonly MetricColumn[]>> = {
    threads: threadCols,
    processes: processCols,
  };

  // 1. the files, encoded on a thread of their own
  const encoders = new Encoders();
  const files = new Map<ParquetTable, TableFile>();
  try {
    for (const table of PARQUET_TABLES) {
      const kv: Record<string, string> = {
        'lifeline.table': table,
        'lifeline.dataset_version': String(DATASET_VERSION),
        'lifeline.tool': VERSION,
        'lifeline.host': opts.host,
        'lifeline.capture': opts.capture,
        'lifeline.meta': inertJson(meta),
        'lifeline.columns': columnsDoc(table, metricOf[table] ?? []),
        'lifeline.names': 'UTF-8 strings, exactly as the capture stores them (no escaping)',
      };
      if (metricOf[table] !== undefined) kv['lifeline.log2_bounds_ns'] = JSON.stringify(DURATION_BOUNDS_NS);
      files.set(table, new TableFile(opts.tablePath(table), columns[table], kv, encoders));
    }
    const file = (t: ParquetTable) => files.get(t)!;

    // 2. one pass: the analysis replays the capture, the events table sees each batch on the way
    const events = new EventsTable(file('events'), file('tasks'), {
      host: opts.host,
      capture: opts.capture,
      from: opts.from,
      to: opts.to,
      wallOffsetNs: wallOffsetNs(meta.clockOffsetMs),
    });
    const teed: Capture = {
      format: capture.format,
      path: capture.path,
      meta,
      async *batches() {
        for await (const b of capture.batches()) {
          events.feed(b);
          yield b;
          // memory stays flat: what was handed to the writers is taken before the next batch
          await Promise.all([file('events').settle(), file('wakeups').settle()]);
        }
      },
      close: () => undefined,
    };
    const origin = { host: opts.host, capture: opts.capture, startNs: meta.startNs };
    const wakeups = new WakeupsTable(file('wakeups'), origin);
    const window = {
      ...(opts.from > meta.startNs ? { fromNs: opts.from - meta.startNs } : {}),
      ...(Number.isFinite(opts.to) ? { toNs: opts.to - meta.startNs } : {}),
    };
    const analysis: Analysis = await analyze(teed, {
      ...window,
      histograms: true,
      // only what the tables hold: no process graph, and each sleep reason's totals without its stacks
      parts: { processEdges: false, reasonStacks: false },
      // each wakeup is written once complete, none kept
      // (times relative to the capture's start, or to its first event when it has none, as analyze's)
      onWakeup: (w) => wakeups.add(w, meta.startNs > 0 ? meta.startNs : events.firstTs, events.task(w.tid)),
      onProgress: opts.onProgress,
    });
    events.finish();
    wakeups.flush();

    // 3. the analysis
    writeThreads(file('threads'), threadCols, analysis, origin);
    writeProcesses(file('processes'), processCols, analysis, origin);
    writeEdges(file('edges'), analysis, origin);

    // 4. whole files, then into place
    for (const f of files.values()) await f.finish();
    for (const f of files.values()) f.commit();
    const rows = Object.fromEntries([...files].map(([t, f]) => [t, f.rows])) as Record<ParquetTable, number>;
    const all = [...files.values()];
    return {
      events: events.read,
      written: events.written,
      rows,
      files: all.length,
      paths: all.map((f) => f.path),
      bytes: all.reduce((s, f) => s + f.bytes, 0),
    };
  } catch (e) {
    for (const f of files.values()) f.abort();
    throw e;
  } finally {
    await encoders.close();
  }
}
