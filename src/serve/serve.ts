/**
 * `lifeline serve`: the recorder and the analyze engine, live.
 *
 * 1. listen (a port in use fails before BPF is loaded);
 * 2. start the replay thread (replay-thread.ts): it loads and attaches the BPF
 *    programs, as `record` does, then drains, orders and replays batches, and
 *    starts a new epoch every `rotateMs` so that exited threads are freed;
 * 3. give every thread of the process the priority asked (--nice), so that the
 *    drain and the replay keep up on a saturated machine;
 * 4. at each scrape, ask the replay thread for its series; answer with the last
 *    ones it gave if it does not answer within SCRAPE_WAIT_MS, never later;
 * 5. on abort (SIGINT/SIGTERM), the replay thread drains what is left and closes
 *    the last segment; then the server closes.
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CaptureFormat } from '../capture/index.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { VERSION } from '../version.js';
import { workerUrl } from '../worker-url.js';
import { isLoopback, listen } from './http.js';
import { Progress, type ReplayReply, type ReplayRequest, type ReplaySetup } from './replay-protocol.js';
import { SelfMetrics } from './self-metrics.js';

/** What the caller adds to the checked options: stopping, messages, and the timings tests shorten. */
export interface ServeHooks {
  signal?: AbortSignal;
  /** Lines for the user (listening, warnings). */
  onMessage?: (line: string) => void;
  /** Start a new epoch (free exited threads) this often. */
  rotateMs?: number;
  /** Retire an idle admitted comm after this long. */
  retireMs?: number;
  /** Tests: block the replay thread this long after its first batch. */
  stallReplayMs?: number;
}

export interface ServeOptions extends ServeHooks {
  host: string;
  port: number;
  top: number;
  watch: (number | string)[];
  capture?: { dir: string; keepMs: number; segmentMs: number; format: CaptureFormat };
  bufferMb: number;
  /** Nice value of every thread of serve. */
  nice: number;
}

export interface ServeResult {
  events: number;
  lost: number;
  segments: string[];
}

export const DEFAULT_ROTATE_MS = 30_000;
/** How long a scrape waits for fresh figures from the replay thread before it is answered with the last ones. */
export const SCRAPE_WAIT_MS = 250;

export async function serve(opts: ServeOptions): Promise<ServeResult> {
  const progress = new Float64Array(new SharedArrayBuffer(Progress.SIZE * 8)).fill(Number.NaN);
  progress[Progress.EVENTS] = 0;
  const self = new SelfMetrics(progress);
  let replay: ReplayThread | null = null;

  // 1. listen
  const { server, url } = await listen(opts.host, opts.port, {
    metrics: async () => {
      const body = replay === null ? '' : await replay.exposition();
      if (replay !== null) self.expositionAtMs = replay.madeAtMs;
      return { body: body + (await self.text()), contentType: self.registry.contentType };
    },
    about: () => [
      `lifeline ${VERSION}, ${progress[Progress.EVENTS]} events replayed`,
      `per-process series: the top ${opts.top} process names by CPU time, the rest as comm="other"`,
      opts.watch.length > 0 ? `watched (per thread): ${opts.watch.join(', ')}` : 'no --watch target',
      opts.capture ? `capture segments in ${opts.capture.dir}` : 'no flight recorder (--capture)',
    ],
  });
  if (!isLoopback(opts.host)) opts.onMessage?.(msg.notLoopback(url));

  // 2. the replay thread
  const stop = () => replay?.stop();
  opts.signal?.addEventListener('abort', stop);
  try {
    replay = new ReplayThread({
      top: opts.top,
      watch: opts.watch,
      capture: opts.capture,
      bufferMb: opts.bufferMb,
      rotateMs: opts.rotateMs ?? DEFAULT_ROTATE_MS,
      retireMs: opts.retireMs,
      stallMs: opts.stallReplayMs,
      progress: progress.buffer as SharedArrayBuffer,
    });
    await replay.ready;
    // 1. once the session is open (no root: its error alone, not a warning before it), and
    // again a little later for threads started meanwhile (libuv's pool, at the first read)
    setNice(opts.nice, opts.onMessage);
    setTimeout(() => setNice(opts.nice), 2000).unref();
    opts.onMessage?.(msg.serving(url));
    if (opts.signal?.aborted) stop();
    // 5. stop
    return await replay.result;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await replay?.close();
    await closeServer(server);
  }
}

/**
 * The nice value of every thread of this process. Linux keeps one per thread and a new
 * thread starts with its creator's, so the threads started later (the replay thread,
 * libuv's pool where the ring buffer is read) inherit it from these.
 */
function setNice(nice: number, onMessage?: (line: string) => void): void {
  let tids: number[];
  try {
    tids = fs.readdirSync('/proc/self/task').map(Number);
  } catch {
    tids = [0];
  }
  try {
    os.setPriority(0, nice);
    for (const tid of tids) if (tid !== process.pid) os.setPriority(tid, nice);
  } catch (e) {
    onMessage?.(msg.niceFailed(nice, (e as NodeJS.ErrnoException).code ?? String(e)));
  }
}

/** The replay thread, seen from the main thread. */
class ReplayThread {
  private last = '';
  /** performance.now() when `last` was made. */
  madeAtMs = Number.NaN;
  private nextId = 1;
  private readonly waiting = new Map<number, (body: string) => void>();
  private pending: Promise<string> | null = null;
  readonly result: Promise<ServeResult>;
  private settle!: { resolve: (r: ServeResult) => void; reject: (e: unknown) => void };
  private exited: Promise<void>;

  /** Resolves once the thread's BPF session is open; rejects with its error. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;

  constructor(setup: ReplaySetup) {
    this.worker = new Worker(workerUrl(import.meta.url, 'replay-thread.js'), { workerData: setup });
    const worker = this.worker;
    this.result = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.result.catch(() => {}); // observed through ready, or by serve()
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (m: ReplayReply) => m.t === 'ready' && resolve());
      this.result.catch(reject);
    });
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: ReplayReply) => {
      if (m.t === 'text') {
        this.last = m.body;
        this.madeAtMs = performance.now();
        this.waiting.get(m.id)?.(m.body);
        this.waiting.delete(m.id);
      } else if (m.t === 'done') this.settle.resolve(m.result);
      else if (m.t === 'failed') {
        const e = m.code ? new LifelineError(m.code, m.message) : new Error(m.message);
        if (m.detail && e instanceof LifelineError) e.detail = m.detail;
        this.settle.reject(e);
      }
    });
    worker.on('error', (e) => this.settle.reject(e));
    worker.on('exit', (code) => this.settle.reject(new Error(`serve's replay thread exited (code ${code})`)));
  }

  private send(m: ReplayRequest): void {
    this.worker.postMessage(m);
  }

  /** Fresh figures if the thread answers within SCRAPE_WAIT_MS, else the last ones it gave. */
  exposition(): Promise<string> {
    if (this.pending === null) {
      const id = this.nextId++;
      this.pending = new Promise<string>((resolve) => this.waiting.set(id, resolve)).finally(() => {
        this.pending = null;
      });
      this.send({ t: 'scrape', id });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(this.last), SCRAPE_WAIT_MS)));
    return Promise.race([this.pending, late]).finally(() => clearTimeout(timer));
  }

  stop(): void {
    this.send({ t: 'stop' });
  }

  async close(): Promise<void> {
    // after `done` or `failed` the thread has nothing left to do; the wait's timer is cleared,
    // or it kept the process alive 5 s after the thread had gone (serve exited that late)
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
