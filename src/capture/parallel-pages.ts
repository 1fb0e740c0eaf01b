/**
 * The events of a paged capture (page-source.ts) in page order, each page
 * sorted by ts. With workers, pages are read and sorted by worker threads
 * (each with its own file handle or SQLite connection), several at a time,
 * while the caller replays the ones already read; the numeric columns move
 * between threads without a copy (transferred buffers). A bounded number of
 * pages is in flight, so memory stays flat however long the capture.
 */
import { Worker } from 'node:worker_threads';
import { LifelineError } from '../errors.js';
import { isSortedByTs, sortRowsInPlace } from './batch-rows.js';
import { msg } from '../messages.js';
import { CaptureErrorCode, firstLine } from './capture-errors.js';
import { NUMERIC_COLUMNS, type EventBatch } from './event-batch.js';
import type { PageSource, PageSpec } from './page-source.js';

/** Pages requested from one worker before it answers. */
const PER_WORKER = 2;

/** A page as posted between threads. */
export type PageMessage =
  | { page: number; batch: Omit<EventBatch, 'names'> & { names: Array<[number, string]> } }
  | { page: number; error: { code: string; message: string } };

/** A page sorted by ts, in place (pages belong to their reader). */
export function sortedPage(b: EventBatch): EventBatch {
  return isSortedByTs(b) ? b : sortRowsInPlace(b);
}

/** A page and the buffers to transfer with it (each once: Arrow columns share one). */
export function toMessage(page: number, b: EventBatch): { message: PageMessage; transfer: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  for (const col of NUMERIC_COLUMNS) buffers.add(b[col].buffer as ArrayBuffer);
  const { names, ...columns } = b;
  return { message: { page, batch: { ...columns, names: [...names] } }, transfer: [...buffers] };
}

/** What a worker posts: that it is ready (its pages are open), or a page. */
export type WorkerMessage = { ready: true } | PageMessage;

function fromMessage(m: Extract<PageMessage, { batch: unknown }>): EventBatch {
  return { ...m.batch, names: new Map(m.batch.names) };
}

/** Where the worker's compiled code is (tests run this module from its TypeScript source). */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/capture/page-worker.js', here) : new URL('./page-worker.js', here);
}

/**
 * Every page of `local` (or of `spec`, read by `workers` threads) in order,
 * sorted; empty pages are skipped. With 0 workers, or one page, reads here.
 */
export async function* readPages(local: PageSource, spec: PageSpec, workers: number): AsyncGenerator<EventBatch> {
  const n = local.pages;
  if (workers <= 0 || n < 2) {
    for (let p = 0; p < n; p++) {
      const b = sortedPage(local.read(p));
      if (b.length > 0) yield b;
    }
    return;
  }
  yield* fromWorkers(local, spec, n, Math.max(1, Math.min(workers, n)));
}

async function* fromWorkers(local: PageSource, spec: PageSpec, n: number, count: number): AsyncGenerator<EventBatch> {
  const done = new Map<number, EventBatch | Error>();
  const inflight: number[] = [];
  const ready: boolean[] = [];
  const pool: Worker[] = [];
  let next = 0;
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  /** Hands pages to ready workers while fewer than the budget are requested or waiting. */
  const pump = () => {
    const budget = count * PER_WORKER + 1;
    for (;;) {
      const outstanding = inflight.reduce((a, b) => a + b, 0) + done.size;
      if (next >= n || outstanding >= budget) return;
      let w = -1;
      for (let i = 0; i < pool.length; i++) {
        if (ready[i] && inflight[i]! < PER_WORKER && (w < 0 || inflight[i]! < inflight[w]!)) w = i;
      }
      if (w < 0) return;
      inflight[w]!++;
      pool[w]!.postMessage(next++);
    }
  };
  for (let i = 0; i < count; i++) {
    const worker = new Worker(workerUrl(), { workerData: spec });
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) ready[i] = true;
      else {
        inflight[i]!--;
        done.set(m.page, 'error' in m ? new LifelineError(m.error.code, m.error.message) : fromMessage(m));
      }
      pump();
      signal();
    });
    worker.on('error', (err) => {
      failure ??= new LifelineError(CaptureErrorCode.UNREADABLE, msg.workerFailed(firstLine(err)));
      signal();
    });
    worker.on('exit', (code) => {
      if (finished) return;
      failure ??= new LifelineError(CaptureErrorCode.UNREADABLE, msg.workerFailed(`it exited with code ${code}`));
      signal();
    });
    pool.push(worker);
    inflight.push(0);
    ready.push(false);
  }
  try {
    for (let want = 0; want < n; ) {
      // Let the workers' messages in: the consumer's loop runs on microtasks only.
      await new Promise<void>((resolve) => setImmediate(resolve));
      let got = done.get(want);
      if (got === undefined && next === want) {
        // Nobody reads this page yet (workers still starting, or all busy): read it here.
        next++;
        got = sortedPage(local.read(want));
      }
      if (got === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      done.delete(want);
      want++;
      pump();
      if (got instanceof Error) throw got;
      if (got.length > 0) yield got;
    }
  } finally {
    finished = true;
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
