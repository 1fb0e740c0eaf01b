/**
 * A worker thread of parallel-pages.ts: opens the pages its spec describes,
 * then answers each requested page number with that page, sorted by ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LifelineError } from '../errors.js';
import { captureErrors, firstLine } from './capture-errors.js';
import { openPages, type PageSource, type PageSpec } from './page-source.js';
import { sortedPage, toMessage, type PageMessage, type WorkerMessage } from './parallel-pages.js';

const port = parentPort!;

const spec = workerData as PageSpec;

function failure(page: number, err: unknown): PageMessage {
  const e = err instanceof LifelineError ? err : captureErrors.damaged(spec.format === 'sqlite' ? spec.shownAs : spec.path, firstLine(err));
  return { page, error: { code: e.code, message: e.message } };
}

let source: PageSource | null = null;
let openError: unknown = null;
try {
  source = await openPages(spec);
} catch (err) {
  openError = err;
}

port.postMessage({ ready: true } satisfies WorkerMessage);

port.on('message', (page: number) => {
  if (source === null) {
    port.postMessage(failure(page, openError));
    return;
  }
  try {
    const { message, transfer } = toMessage(page, sortedPage(source.read(page)));
    port.postMessage(message, transfer);
  } catch (err) {
    port.postMessage(failure(page, err));
  }
});
