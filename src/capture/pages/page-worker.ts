/**
 * A worker thread of parallel-pages.ts: opens the pages its spec describes,
 * then answers each requested page number with that page, sorted by ts,
 * until CLOSE: then it closes its file and leaves.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { firstLine } from '../capture-errors.js';
import { openPages, pageError } from './open-pages.js';
import type { PageSource, PageSpec } from './pages.js';
import { CLOSE, sortedPage, toMessage, type PageMessage, type WorkerMessage } from './parallel-pages.js';

const port = parentPort!;
const spec = workerData as PageSpec;

let source: PageSource | null = null;
try {
  source = await openPages(spec);
  port.postMessage({ ready: true } satisfies WorkerMessage);
} catch (err) {
  // The main thread reads this worker's share; a page it cannot read will say why.
  port.postMessage({ unavailable: firstLine(err) } satisfies WorkerMessage);
  port.close();
}

port.on('message', (page: number) => {
  if (source === null) return;
  if (page === CLOSE) {
    source.close();
    source = null;
    port.close();
    return;
  }
  try {
    const { message, transfer } = toMessage(page, sortedPage(source.read(page)));
    port.postMessage(message, transfer);
  } catch (err) {
    const e = pageError(spec, err);
    port.postMessage({ page, error: { code: e.code, message: e.message } } satisfies PageMessage);
  }
});
