/**
 * serve's replay, on a worker thread of its own: the recorder session, the decoder,
 * the reorder window, the live analysis, the exporter's series and the flight recorder.
 * The main thread only answers HTTP, so a scrape never waits behind a replay that is
 * minutes behind (issue 17); it asks this thread for a fresh exposition and falls back
 * to the last one it has.
 *
 * Protocol (ReplayRequest / ReplayReply): `scrape` → `text`; `stop` → `done`. After the
 * session is open, `ready`; a failure at any point, `failed`. Progress that the main
 * thread reads without asking (replay lag, ring fill) is written to a shared array.
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { ReorderWindow, sliceRows, blankMeta } from '../capture/index.js';
import { LiveAnalysis } from '../analyze/index.js';
import { LifelineError } from '../errors.js';
import { loadAddon, openSession, type NativeSession } from '../record/addon.js';
import { RecordDecoder } from '../record/decode.js';
import { kernelSymbols } from '../record/kallsyms.js';
import { drainSession } from '../record/drain.js';
import { stackFailsOf } from '../record/recorder.js';
import type { EventBatch } from '../capture/index.js';
import { KIND_NAMES } from '../format/index.js';
import { clockOffsetMs, hostFacts, monotonicNs } from '../record/host-facts.js';
import { VERSION } from '../version.js';
import { Exporter } from './exporter.js';
import { FlightRecorder } from './flight-recorder.js';
import { Progress, type ReplayReply, type ReplayRequest, type ReplaySetup } from './replay-protocol.js';

/** Rows replayed between two turns of the event loop (a scrape request waits at most one slice). */
const FEED_ROWS = 16_384;
/** Largest batch one read takes from the ring buffer: bounds the backlog held in memory. */
const BATCH_BYTES = 4 << 20;
/** How often freed malloc pages are given back to the system while events arrive. */
const TRIM_MS = 10_000;

const port = parentPort!;
const setup = workerData as ReplaySetup;
const progress = new Float64Array(setup.progress);
const post = (m: ReplayReply) => port.postMessage(m);

async function main(): Promise<void> {
  const exporter = new Exporter({ top: setup.top, watch: setup.watch, retireMs: setup.retireMs, version: VERSION });
  const decoder = new RecordDecoder();
  const session: NativeSession = openSession({
    ringBytes: setup.bufferMb << 20,
    irqSpans: true,
    // sleep reasons; each flight-recorder segment repeats the stacks known so far (flight-recorder.ts)
    kernelStacks: true,
    tgid: 0,
    batchBytes: BATCH_BYTES,
  });
  // kallsyms (a quarter of a second to read and parse here) before `ready`, not at the first STACK
  // row: a replay thread busy with it lets the first scrapes go unanswered
  kernelSymbols();
  const live = new LiveAnalysis(monotonicNs(), session.cpus);
  exporter.histograms(live);
  const reorder = new ReorderWindow();
  const facts = hostFacts();
  const recorder = setup.capture
    ? new FlightRecorder(
        setup.capture,
        {
          ...blankMeta(),
          tool: `lifeline ${VERSION} serve`,
          kernel: facts.kernel,
          hostname: facts.hostname,
          cpus: session.cpus,
          clockOffsetMs: clockOffsetMs(),
          timezone: facts.timezone,
          filters: { irqSpans: true, tgid: 0, workqueues: true },
          skippedTracepoints: session.skipped,
          stacks: 'kernel',
        },
        () => session.lost(),
        () => stackFailsOf(session),
      )
    : null;
  progress[Progress.RING_BYTES] = setup.bufferMb * 2 ** 20;

  // self-metrics kept as running totals, brought up to date at each scrape
  const counted = new Float64Array(256); // by kind, a byte
  const lostCounted: number[] = [];
  const stackFailsCounted = new Map<string, number>();
  let lateCounted = 0;
  let contradictionsCounted = 0;
  const refreshSelf = () => {
    decoder.counts.forEach((n, k) => {
      if (n > counted[k]!) {
        exporter.events.add([KIND_NAMES[k] ?? `kind${k}`], n - counted[k]!);
        counted[k] = n;
      }
    });
    session.lost().forEach((n, cpu) => {
      const before = lostCounted[cpu] ?? 0;
      if (n > before || lostCounted[cpu] === undefined) exporter.lost.add([String(cpu)], n - before);
      lostCounted[cpu] = Math.max(n, before);
    });
    if (live.contradictions > contradictionsCounted) {
      exporter.contradictions.add([], live.contradictions - contradictionsCounted);
      contradictionsCounted = live.contradictions;
    }
    for (const [reason, n] of Object.entries(stackFailsOf(session))) {
      const before = stackFailsCounted.get(reason);
      if (before === undefined || n > before) exporter.stacksMissing.add([reason], n - (before ?? 0));
      stackFailsCounted.set(reason, Math.max(n, before ?? 0));
    }
    if (reorder.lateRows > lateCounted) {
      exporter.late.add([], reorder.lateRows - lateCounted);
      lateCounted = reorder.lateRows;
    }
    exporter.replayHeap.set([], v8.getHeapStatistics().used_heap_size);
  };
  const note = () => {
    if (!Number.isNaN(live.lastTs)) progress[Progress.LAST_TS] = live.lastTs;
    progress[Progress.EVENTS] = live.events;
    progress[Progress.UNREAD] = session.unread();
  };

  let stopping = false;
  port.on('message', (m: ReplayRequest) => {
    if (m.t === 'stop') {
      stopping = true;
      session.interrupt();
    } else if (m.t === 'scrape') {
      exporter.collect(live);
      refreshSelf();
      void exporter.exposition.text().then((body) => post({ t: 'text', id: m.id, body }));
    }
  });
  // A first exposition before `ready` (every family, nothing counted yet): it compiles the
  // collection's code while nothing waits, and a scrape that comes while the first replayed batch
  // keeps this thread busy gets it (its age said) rather than no replay figures at all.
  exporter.collect(live);
  refreshSelf();
  post({ t: 'text', id: 0, body: await exporter.exposition.text() });
  post({ t: 'ready', cpus: session.cpus });

  let lastRotate = Date.now();
  const feed = async (batch: EventBatch | null, flush: boolean) => {
    const ordered = batch ? reorder.push(batch) : [];
    if (flush) ordered.push(...reorder.flush());
    for (const b of ordered) {
      for (let at = 0; at < b.length; at += FEED_ROWS) {
        live.feed(at === 0 && b.length <= FEED_ROWS ? b : sliceRows(b, at, Math.min(b.length, at + FEED_ROWS)));
        note();
        // let a scrape request in between slices
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (recorder) await recorder.append(b, live);
    }
    note();
  };
  let stall = setup.stallMs ?? 0;
  // Buffers of a load are freed between live chunks of the malloc arenas and would stay
  // resident for good (RSS +15 % after each load, issue 17): give them back now and then.
  const { trimMemory } = loadAddon();
  let lastTrim = Date.now();
  let readSinceTrim = 0;
  try {
    await drainSession(session, decoder, {
      stopping: () => stopping,
      batch: (batch, bytes, last) => {
        readSinceTrim += bytes;
        return feed(batch, last);
      },
      tick: () => {
        if (readSinceTrim > 0 && Date.now() - lastTrim >= TRIM_MS) {
          trimMemory();
          lastTrim = Date.now();
          readSinceTrim = 0;
        }
        if (stall > 0 && !Number.isNaN(live.lastTs)) {
          // the whole thread blocked, as a replay minutes behind would be: nothing answered here
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stall);
          stall = 0;
        }
        if (Date.now() - lastRotate >= setup.rotateMs) {
          exporter.collect(live);
          live.rotate();
          lastRotate = Date.now();
        }
      },
    });
    const end = Number.isNaN(live.lastTs) ? monotonicNs() : live.lastTs;
    if (recorder) await recorder.close(end);
    const lost = session.lost().reduce((x, y) => x + y, 0);
    post({ t: 'done', result: { events: live.events, lost, segments: recorder ? recorder.segments() : [] } });
  } finally {
    session.close();
  }
}

main()
  .catch((e: unknown) => {
    if (e instanceof LifelineError) post({ t: 'failed', code: e.code, message: e.message, detail: e.detail });
    else post({ t: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  })
  .finally(() => {
    // nothing more to answer: let the thread end
    port.removeAllListeners('message');
    port.unref();
  });
