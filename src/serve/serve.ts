/**
 * `lifeline serve`: the recorder and the analyze engine, live.
 *
 * 1. listen (a port in use fails before BPF is loaded);
 * 2. load and attach the BPF programs, as `record` does;
 * 3. loop: drain a batch, order it through the reorder window, feed the
 *    engine (and the flight recorder); every `rotateMs` start a new epoch so
 *    exited threads are freed;
 * 4. at each scrape, bring the series up to the engine's totals;
 * 5. on abort (SIGINT/SIGTERM), drain what is left, close the last segment
 *    and the server.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { ReorderWindow } from '../capture/index.js';
import { sliceRows } from '../capture/batch-rows.js';
import { blankMeta, type CaptureFormat } from '../capture/meta.js';
import { LiveAnalysis } from '../analyze/live.js';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { openSession, type NativeSession } from '../record/addon.js';
import { RecordDecoder } from '../record/decode.js';
import { KIND_NAMES } from '../format/index.js';
import { clockOffsetMs, hostFacts, monotonicNs } from '../record/host-facts.js';
import { VERSION } from '../version.js';
import { Exporter } from './exporter.js';
import { FlightRecorder } from './flight-recorder.js';
import { isLoopback, listen } from './http.js';

/** What the caller adds to the checked options: stopping, messages, and the timings tests shorten. */
export interface ServeHooks {
  signal?: AbortSignal;
  /** Lines for the user (listening, warnings). */
  onMessage?: (line: string) => void;
  /** Start a new epoch (free exited threads) this often. */
  rotateMs?: number;
  /** Retire an idle admitted comm after this long. */
  retireMs?: number;
}

export interface ServeOptions extends ServeHooks {
  host: string;
  port: number;
  top: number;
  watch: (number | string)[];
  capture?: { dir: string; keepMs: number; segmentMs: number; format: CaptureFormat };
  bufferMb: number;
}

export interface ServeResult {
  events: number;
  lost: number;
  segments: string[];
}

export const DEFAULT_ROTATE_MS = 30_000;
/** Rows replayed between two turns of the event loop. */
const FEED_ROWS = 16_384;

export async function serve(opts: ServeOptions): Promise<ServeResult> {
  if (opts.capture && !fs.existsSync(opts.capture.dir))
    throw new LifelineError('OUTPUT_DIR_MISSING', msg.captureDirMissing(opts.capture.dir));
  const exporter = new Exporter({ top: opts.top, watch: opts.watch, retireMs: opts.retireMs, version: VERSION });
  let live: LiveAnalysis | null = null;
  let session: NativeSession | null = null;
  const decoder = new RecordDecoder();

  // 1. listen
  const { server, url } = await listen(opts.host, opts.port, {
    metrics: async () => {
      if (live !== null) {
        exporter.collect(live);
        refreshSelf();
      }
      return { body: await exporter.exposition.text(), contentType: exporter.exposition.contentType };
    },
    about: () => [
      `lifeline ${VERSION}, ${live === null ? 0 : live.events} events replayed`,
      `per-process series: the top ${opts.top} process names by CPU time, the rest as comm="other"`,
      opts.watch.length > 0 ? `watched (per thread): ${opts.watch.join(', ')}` : 'no --watch target',
      opts.capture ? `capture segments in ${opts.capture.dir}` : 'no flight recorder (--capture)',
    ],
  });
  if (!isLoopback(opts.host)) opts.onMessage?.(msg.notLoopback(url));

  const counted = new Float64Array(256); // by kind, a byte
  let lostCounted = 0;
  let lateCounted = 0;
  let contradictionsCounted = 0;
  let reorder: ReorderWindow | null = null;
  const refreshSelf = () => {
    decoder.counts.forEach((n, k) => {
      if (n > counted[k]!) {
        exporter.events.add([KIND_NAMES[k] ?? `kind${k}`], n - counted[k]!);
        counted[k] = n;
      }
    });
    if (session !== null) {
      const lost = session.lost().reduce((x, y) => x + y, 0);
      exporter.lost.add([], lost - lostCounted);
      lostCounted = Math.max(lost, lostCounted);
    }
    if (live !== null && live.contradictions > contradictionsCounted) {
      exporter.contradictions.add([], live.contradictions - contradictionsCounted);
      contradictionsCounted = live.contradictions;
    }
    if (reorder !== null && reorder.lateRows > lateCounted) {
      exporter.late.add([], reorder.lateRows - lateCounted);
      lateCounted = reorder.lateRows;
    }
  };

  // 2. BPF
  try {
    session = openSession({ ringBytes: opts.bufferMb << 20, irqSpans: true, tgid: 0 });
  } catch (e) {
    await closeServer(server);
    throw e;
  }
  const startNs = monotonicNs();
  live = new LiveAnalysis(startNs, session.cpus);
  exporter.histograms(live);
  reorder = new ReorderWindow();
  const facts = hostFacts();
  const recorder = opts.capture
    ? new FlightRecorder(
        opts.capture,
        {
          ...blankMeta(),
          tool: `lifeline ${VERSION} serve`,
          kernel: facts.kernel,
          hostname: facts.hostname,
          cpus: session.cpus,
          clockOffsetMs: clockOffsetMs(),
          timezone: facts.timezone,
          filters: { irqSpans: true, tgid: 0 },
          skippedTracepoints: session.skipped,
        },
        () => session!.lost(),
      )
    : null;
  opts.onMessage?.(msg.serving(url));

  // 3. the loop
  let stopping = false;
  const stop = () => {
    stopping = true;
    session?.interrupt();
  };
  opts.signal?.addEventListener('abort', stop);
  if (opts.signal?.aborted) stop();
  const rotateMs = opts.rotateMs ?? DEFAULT_ROTATE_MS;
  let lastRotate = Date.now();
  const feed = async (buf: Buffer | null, rows: 'push' | 'flush') => {
    const batch = buf ? decoder.decode(buf) : null;
    const ordered =
      rows === 'push'
        ? batch
          ? reorder!.push(batch)
          : []
        : [...(batch ? reorder!.push(batch) : []), ...reorder!.flush()];
    for (const b of ordered) {
      // In slices, yielding between them: a scrape waits for one slice, not for a whole drain.
      for (let at = 0; at < b.length; at += FEED_ROWS) {
        live!.feed(at === 0 && b.length <= FEED_ROWS ? b : sliceRows(b, at, Math.min(b.length, at + FEED_ROWS)));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (recorder) await recorder.append(b, live!);
    }
  };
  try {
    while (!stopping) {
      await feed(await session.read(100), 'push');
      if (Date.now() - lastRotate >= rotateMs) {
        exporter.collect(live);
        live.rotate();
        lastRotate = Date.now();
      }
    }
    // 5. stop
    session.detach();
    await feed(session.drain(), 'flush');
    const end = Number.isNaN(live.lastTs) ? monotonicNs() : live.lastTs;
    if (recorder) await recorder.close(end);
    const lost = session.lost().reduce((x, y) => x + y, 0);
    return { events: live.events, lost, segments: recorder ? recorder.segments() : [] };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    session.close();
    await closeServer(server);
  }
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
