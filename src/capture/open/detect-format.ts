/**
 * Tells a capture's format from its first bytes, never from its name.
 */
import fs from 'node:fs';
import { LifelineError } from '../../errors.js';
import { msg } from '../../messages.js';
import { captureErrors } from '../capture-errors.js';

export type DetectedFormat =
  | { format: 'sqlite' }
  /** Arrow IPC messages start at `start`: 0 for a stream, 8 inside an Arrow file. */
  | { format: 'arrow'; start: number };

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const ARROW_FILE_MAGIC = Buffer.from('ARROW1', 'latin1');
const ARROW_CONTINUATION = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const PROBE = 16;

/** True when `head` is a (possibly cut) prefix of `magic` or starts with it. */
function matches(head: Buffer, magic: Buffer): 'whole' | 'partial' | 'no' {
  const n = Math.min(head.length, magic.length);
  if (n === 0 || !head.subarray(0, n).equals(magic.subarray(0, n))) return 'no';
  return head.length >= magic.length ? 'whole' : 'partial';
}

function readHead(path: string): Buffer {
  // A FIFO, socket or device is never a capture, and opening a FIFO with no writer blocks forever
  const st = fs.statSync(path, { throwIfNoEntry: false });
  if (st !== undefined && !st.isFile() && !st.isDirectory()) throw captureErrors.unreadable(path, msg.notRegularFile());
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw captureErrors.notFound(path);
    throw captureErrors.unreadable(path, code === 'EACCES' ? 'permission denied' : String(code ?? err));
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw captureErrors.unreadable(path, 'it is a directory');
    const head = Buffer.alloc(PROBE);
    const got = fs.readSync(fd, head, 0, PROBE, 0);
    return head.subarray(0, got);
  } catch (err) {
    if (err instanceof LifelineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw captureErrors.unreadable(path, code === 'EISDIR' ? 'it is a directory' : String(code ?? err));
  } finally {
    fs.closeSync(fd);
  }
}

export function detectFormat(path: string): DetectedFormat {
  const head = readHead(path);
  if (head.length === 0) throw captureErrors.damaged(path, msg.damageEmpty());
  for (const [magic, found] of [
    [SQLITE_MAGIC, { format: 'sqlite' }],
    [ARROW_FILE_MAGIC, { format: 'arrow', start: 8 }],
    [ARROW_CONTINUATION, { format: 'arrow', start: 0 }],
  ] as const) {
    const m = matches(head, magic);
    if (m === 'whole') return found;
    if (m === 'partial') throw captureErrors.damaged(path, msg.damageShort(head.length, magic.length));
  }
  throw captureErrors.notACapture(path);
}
