/**
 * The events of a paged capture (pages.ts) in page order, each page
 * sorted by ts. With workers, pages are read and sorted by worker threads
 * (each with its own file handle or SQLite connection), several at a time,
 * while the caller replays the ones already read (and reads some itself
 * whenever it would otherwise wait for them); the numeric columns move
 * between threads without a copy (transferred buffers). A bounded number of
 * pages is in flight, so memory stays flat however long the capture.
 */
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../../worker-url.js';
import { isErrorCode, LifelineError } from '../../errors.js';
import { isSortedByTs, sortRowsInPlace } from '../batch-rows.js';
import { NUMERIC_COLUMNS, type EventBatch } from '../event-batch.js';
import type { PageSource, PageSpec } from './pages.js';

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

/** What a worker posts: that its pages are open (or cannot be), or a page. */
export type WorkerMessage = { ready: true } | { unavailable: string } | PageMessage;

/** What the main thread posts to a worker: a page to read, or CLOSE. */
export const CLOSE = -1;

function fromMessage(m: Extract<PageMessage, { batch: unknown }>): EventBatch {
  return { ...m.batch, names: new Map(m.batch.names) };
}

/** Where the worker's compiled code is (tests run this module from its TypeScript source). */

/** How long a worker may take to close its file after CLOSE before it is terminated. */
const CLOSE_GRACE_MS = 2000;

export interface ReadPagesOptions {
  /**
   * The calling thread reads a page itself when no worker has it, and reads ahead the next page
   * nobody has rather than wait for a worker (default true; tests turn it off).
   */
  mainThreadHelps?: boolean;
  /**
   * Pages sorted by ts (default true). False leaves the pages read without workers in file order
   * (with workers every page is sorted: the output order does not depend on who read a page).
   */
  sorted?: boolean;
  /** Filled in: pages read by workers and by the calling thread. */
  served?: { workers: number; main: number };
}

/**
 * Every page of `local` (or of `spec`, read by `workers` threads) in order,
 * sorted; empty pages are skipped. With 0 workers, or one page, reads here.
 * A worker that cannot start or dies only slows the read down (its pages
 * are read here); a page that cannot be read fails it.
 */
export async function* readPages(
  local: PageSource,
  spec: PageSpec,
  workers: number,
  opts: ReadPagesOptions = {},
): AsyncGenerator<EventBatch> {
  const n = local.pages;
  if (workers <= 0 || n < 2) {
    const sorted = opts.sorted !== false;
    for (let p = 0; p < n; p++) {
      const b = sorted ? sortedPage(local.read(p)) : local.read(p);
      if (opts.served) opts.served.main++;
      if (b.length > 0) yield b;
    }
    return;
  }
  yield* fromWorkers(local, spec, n, Math.max(1, Math.min(workers, n)), opts);
}

type Slot = { worker: Worker; ready: boolean; alive: boolean; exited: boolean; pages: Set<number> };

async function* fromWorkers(
  local: PageSource,
  spec: PageSpec,
  n: number,
  count: number,
  opts: ReadPagesOptions,
): AsyncGenerator<EventBatch> {
  const mainHelps = opts.mainThreadHelps ?? true;
  const done = new Map<number, EventBatch | Error>();
  /** Pages handed to a worker that died before answering: read here. */
  const orphans = new Set<number>();
  const slots: Slot[] = [];
  let next = 0;
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
      const outstanding = slots.reduce((sum, s) => sum + s.pages.size, 0) + done.size;
      if (next >= n || outstanding >= budget) return;
      let best: Slot | null = null;
      for (const s of slots)
        if (s.ready && s.alive && s.pages.size < PER_WORKER && (best === null || s.pages.size < best.pages.size))
          best = s;
      if (best === null) return;
      best.pages.add(next);
      best.worker.postMessage(next++);
    }
  };
  const lose = (slot: Slot) => {
    if (!slot.alive) return;
    slot.alive = false;
    for (const p of slot.pages) orphans.add(p);
    slot.pages.clear();
    pump();
    signal();
  };
  const start = (): Slot | null => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(import.meta.url, 'page-worker.js'), { workerData: spec });
    } catch {
      return null; // no thread to be had (a process limit): the calling thread reads its share
    }
    const slot: Slot = { worker, ready: false, alive: true, exited: false, pages: new Set() };
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) slot.ready = true;
      else if ('unavailable' in m) lose(slot);
      else {
        // A result for a page this worker no longer holds (handed back when it failed) is stale.
        if (!slot.pages.delete(m.page)) return;
        done.set(
          m.page,
          'error' in m
            ? new LifelineError(isErrorCode(m.error.code) ? m.error.code : 'CAPTURE_DAMAGED', m.error.message)
            : fromMessage(m),
        );
        if (opts.served && !('error' in m)) opts.served.workers++;
      }
      pump();
      signal();
    });
    worker.on('error', () => lose(slot));
    worker.on('messageerror', () => {
      lose(slot);
      void worker.terminate();
    });
    worker.on('exit', () => {
      slot.exited = true;
      lose(slot);
    });
    return slot;
  };
  /** Page p read in this thread: sorted, or the error it failed with (thrown when its turn comes). */
  const readHere = (p: number): EventBatch | Error => {
    try {
      const b = sortedPage(local.read(p));
      if (opts.served) opts.served.main++;
      return b;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  try {
    for (let i = 0; i < count; i++) {
      const slot = start();
      if (slot !== null) slots.push(slot);
    }
    for (let want = 0; want < n;) {
      // Let the workers' messages in: the consumer's loop runs on microtasks only.
      await new Promise<void>((resolve) => setImmediate(resolve));
      let got = done.get(want);
      const nobodyHasIt = orphans.has(want) || (next === want && (mainHelps || !slots.some((s) => s.alive)));
      if (got === undefined && nobodyHasIt) {
        // Workers still starting, all busy, or gone: read this page here.
        if (next === want) next++;
        orphans.delete(want);
        got = readHere(want);
      }
      if (got === undefined && mainHelps && next < n && done.size < count * PER_WORKER) {
        // The page wanted is with a worker that has not answered: rather than wait, read the next
        // page nobody has yet (the workers read slower than the caller replays: SQLite).
        const p = next++;
        done.set(p, readHere(p));
        continue;
      }
      if (got === undefined) {
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
    await Promise.all(slots.map(closeWorker));
  }
}

/** Asks a worker to close its file and leave; terminates it if it does not. */
async function closeWorker(slot: Slot): Promise<void> {
  const w = slot.worker;
  slot.alive = false;
  if (slot.exited) return;
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  try {
    w.postMessage(CLOSE);
  } catch {
    // already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
  });
  if ((await Promise.race([exited, late])) === 'late') await w.terminate();
  clearTimeout(timer);
}
