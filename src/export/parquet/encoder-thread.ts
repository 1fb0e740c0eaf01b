/**
 * The encoder thread: every table's Parquet encoder (encoder.ts) runs here, so that encoding
 * goes on beside the replay on the main thread. Messages: encoders.ts.
 */
import { parentPort } from 'node:worker_threads';
import { Encoder } from './encoder.js';
import type { FromEncoders, ToEncoders } from './encoders.js';

const port = parentPort!;
const encoders = new Map<number, Encoder>();
const post = (m: FromEncoders, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const fail = (id: number, e: unknown) => post({ op: 'error', id, message: e instanceof Error ? e.message : String(e) });

port.on('message', (m: ToEncoders) => {
  try {
    switch (m.op) {
      case 'open':
        encoders.set(
          m.id,
          new Encoder(m.columns, m.kv, (bytes) => {
            const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
            post({ op: 'bytes', id: m.id, bytes: own }, [own.buffer as ArrayBuffer]);
          }),
        );
        break;
      case 'batch': {
        const enc = encoders.get(m.id)!;
        enc.push(m.ipc);
        enc.taken().then(
          () => post({ op: 'taken', id: m.id, seq: m.seq }),
          (e: unknown) => fail(m.id, e),
        );
        break;
      }
      case 'finish':
        encoders
          .get(m.id)!
          .finish()
          .then(
            () => post({ op: 'done', id: m.id }),
            (e: unknown) => fail(m.id, e),
          );
        encoders.delete(m.id);
        break;
      case 'abort':
        encoders.get(m.id)?.abort();
        encoders.delete(m.id);
        break;
    }
  } catch (e) {
    fail(m.id, e);
  }
});
