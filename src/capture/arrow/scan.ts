/**
 * Walks the message framing of an Arrow IPC stream (or the stream inside an
 * Arrow file) without reading batch bodies: where the schema is, where each
 * whole record batch starts and ends, and where the readable part stops.
 * A recorder killed mid-write leaves a partial last message; the scan stops
 * before it so readers never see it.
 */
import fs from 'node:fs';
import { Message, MessageHeader, type Schema } from './lib.js';
import { msg } from '../../messages.js';
import { captureErrors, firstLine } from '../capture-errors.js';

const CONTINUATION = -1;

export interface ArrowMessageSpan {
  /** File offset of the message's framing (continuation marker or length). */
  start: number;
  /** File offset just past its body. */
  end: number;
  headerType: MessageHeader;
  /** Rows, for record batches. */
  rows: number;
}

export interface ArrowLayout {
  /** Offset of the first message (0 for a stream, 8 inside an Arrow file). */
  start: number;
  schema: Schema;
  schemaSpan: ArrowMessageSpan;
  batches: ArrowMessageSpan[];
  /** Offset just past the last whole message. */
  end: number;
  /** True when an end-of-stream marker was found. */
  endOfStream: boolean;
}

class FileBytes {
  readonly size: number;
  constructor(private readonly fd: number) {
    this.size = fs.fstatSync(fd).size;
  }
  read(offset: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }
}

/** Reads one message's framing at `pos`: null at end of data, a partial message, or end-of-stream. */
function readFrame(file: FileBytes, pos: number): { message: Message; span: ArrowMessageSpan } | 'eos' | null {
  if (pos + 4 > file.size) return null;
  const first = file.read(pos, 4).readInt32LE(0);
  let prefix = 4;
  let length = first;
  if (first === CONTINUATION) {
    if (pos + 8 > file.size) return null;
    length = file.read(pos + 4, 4).readInt32LE(0);
    prefix = 8;
  }
  if (length === 0) return 'eos';
  if (length < 0 || pos + prefix + length > file.size) return null;
  const message = Message.decode(file.read(pos + prefix, length));
  const end = pos + prefix + length + message.bodyLength;
  if (end > file.size) return null;
  const rows = message.isRecordBatch() ? message.header().length : 0;
  return { message, span: { start: pos, end, headerType: message.headerType, rows } };
}

/** Scans the stream in `path` from offset `start`; throws a damaged-file error when not even the schema is whole. */
export function scanArrow(path: string, fd: number, start: number): ArrowLayout {
  const file = new FileBytes(fd);
  let first: ReturnType<typeof readFrame>;
  try {
    first = readFrame(file, start);
  } catch (err) {
    throw captureErrors.damaged(path, msg.damageArrowMessage(firstLine(err)));
  }
  if (first === null || first === 'eos' || !first.message.isSchema()) {
    throw captureErrors.damaged(path, msg.damageArrowHeader());
  }
  const layout: ArrowLayout = {
    start,
    schema: first.message.header(),
    schemaSpan: first.span,
    batches: [],
    end: first.span.end,
    endOfStream: false,
  };
  let pos = first.span.end;
  for (;;) {
    let frame: ReturnType<typeof readFrame>;
    try {
      frame = readFrame(file, pos);
    } catch {
      break; // undecodable tail: keep what came before it
    }
    if (frame === 'eos') {
      layout.endOfStream = true;
      break;
    }
    if (frame === null) break;
    if (frame.span.headerType === MessageHeader.RecordBatch) layout.batches.push(frame.span);
    pos = frame.span.end;
    layout.end = pos;
  }
  return layout;
}
