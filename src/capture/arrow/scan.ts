/**
 * Walks the message framing of an Arrow IPC stream (or the stream inside an
 * Arrow file) without reading batch bodies: where the schema is, where each
 * whole record batch starts and ends, and where the readable part stops.
 * Every message's metadata is checked (ipc-check.ts) before anything trusts
 * its counts. A recorder killed mid-write leaves a partial last message: the
 * scan stops before it. A message that is whole but does not decode is
 * damage: the scan says where (the first such place), and goes on from the
 * next whole record batch after it, found at an 8-byte boundary and checked
 * like any other; when none follows, it looks at the file's end for the META
 * trailer a finished recorder wrote, so that the reader can tell a damaged
 * capture from an unfinished one.
 */
import fs from 'node:fs';
import { Message, MessageHeader, type Schema } from '../../arrow-lib.js';
import { msg } from '../../messages.js';
import { captureErrors, firstLine } from '../capture-errors.js';
import { checkLifelineBatch, checkMessage, HeaderType, IpcDamage, MAX_METADATA_BYTES } from './ipc-check.js';
import { isLifelineColumns } from './columns.js';

const CONTINUATION = -1;
/** How far back from the end the trailer is looked for when the scan stops early. */
const TRAILER_SEARCH_BYTES = 8 << 20;
/** How far past damage the next whole record batch is looked for (a batch is at most a few MB). */
const RESYNC_BYTES = 256 << 20;
const RESYNC_CHUNK = 1 << 20;
/**
 * Largest metadata of a record batch looked for past damage (lifeline's take under 1 kB): a
 * candidate claiming more is not read, so that column values that look like framing cost little.
 */
const CANDIDATE_METADATA_BYTES = 1 << 16;

export interface ArrowMessageSpan {
  /** File offset of the message's framing (continuation marker or length). */
  start: number;
  /** File offset just past its body. */
  end: number;
  headerType: MessageHeader;
  /** Rows, for record batches. */
  rows: number;
}

/** The first place where the scan met what it could not read, and why. */
export interface ArrowStop {
  /** File offset of the message that could not be read. */
  offset: number;
  /** Its number among the record batches (1-based). */
  batch: number;
  why: string;
  /** True for a message that runs past the end of the file with nothing whole after it (a recorder killed mid-write, or a damaged length). */
  cut: boolean;
  /** Damaged places skipped over, this one included. */
  places: number;
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
  /** Set when the scan met something it could not read before the end of the file. */
  stop?: ArrowStop;
  /** A one-row record batch that ends the file past the damage where the scan ended: the META trailer of a finished capture, perhaps. */
  tail?: ArrowMessageSpan;
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

type Frame =
  | { kind: 'message'; span: ArrowMessageSpan; metadata: Buffer }
  | { kind: 'eos' }
  /** The end of the file, exactly. */
  | { kind: 'end' }
  | { kind: 'cut'; why: string }
  | { kind: 'damaged'; why: string };

/** Reads and checks one message's framing and metadata at `pos` (never its body). */
function readFrame(file: FileBytes, pos: number, lifeline: boolean, maxMetadata = MAX_METADATA_BYTES): Frame {
  if (pos === file.size) return { kind: 'end' };
  if (pos + 4 > file.size) return { kind: 'cut', why: msg.arrowCut() };
  const first = file.read(pos, 4).readInt32LE(0);
  let prefix = 4;
  let length = first;
  if (first === CONTINUATION) {
    if (pos + 8 > file.size) return { kind: 'cut', why: msg.arrowCut() };
    length = file.read(pos + 4, 4).readInt32LE(0);
    prefix = 8;
  }
  if (length === 0) return { kind: 'eos' };
  if (length < 0 || length > maxMetadata) return { kind: 'damaged', why: msg.arrowBadLength(length) };
  if (pos + prefix + length > file.size) return { kind: 'cut', why: msg.arrowCut() };
  const metadata = file.read(pos + prefix, length);
  try {
    const m = checkMessage(metadata, Number.MAX_SAFE_INTEGER);
    const end = pos + prefix + length + m.bodyLength;
    if (m.batch && lifeline) checkLifelineBatch(m.batch);
    if (end > file.size) return { kind: 'cut', why: msg.arrowCut() };
    return { kind: 'message', metadata, span: { start: pos, end, headerType: m.headerType, rows: m.batch?.rows ?? 0 } };
  } catch (err) {
    if (err instanceof IpcDamage) return { kind: 'damaged', why: err.message };
    throw err;
  }
}

/** The schema of a checked schema message. */
function decodeSchema(path: string, metadata: Buffer): Schema {
  try {
    return Message.decode(metadata).header() as Schema;
  } catch (err) {
    throw captureErrors.damaged(path, msg.damageArrowMessage(firstLine(err)));
  }
}

/**
 * A whole one-row record batch that ends the file (before its end-of-stream marker, if any),
 * starting after `from`: looked for backwards, message starts being 8-byte aligned from `start`.
 */
function findTail(file: FileBytes, start: number, from: number): ArrowMessageSpan | undefined {
  const eos = file.size >= 8 && file.read(file.size - 8, 8).equals(EOS_MARKER);
  const ends = eos ? [file.size - 8, file.size] : [file.size];
  const lo = Math.max(from + 1, file.size - TRAILER_SEARCH_BYTES);
  const base = lo + ((8 - ((lo - start) % 8)) % 8);
  if (base + 8 > file.size) return undefined;
  const tail = file.read(base, file.size - base);
  for (let p = Math.floor((file.size - 8 - base) / 8) * 8; p >= 0; p -= 8) {
    if (tail.readInt32LE(p) !== CONTINUATION) continue;
    const frame = readFrame(file, base + p, true, CANDIDATE_METADATA_BYTES);
    if (frame.kind !== 'message') continue;
    const { span } = frame;
    if (span.headerType === MessageHeader.RecordBatch && span.rows === 1 && ends.includes(span.end)) return span;
  }
  return undefined;
}

const EOS_MARKER = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** The first 8-byte-aligned offset at or after `from` where a whole record batch of a lifeline stream starts, or -1. */
function resync(file: FileBytes, start: number, from: number): number {
  let p = from + ((8 - ((from - start) % 8)) % 8);
  const limit = Math.min(file.size - 8, from + RESYNC_BYTES);
  while (p <= limit) {
    const chunk = file.read(p, Math.min(RESYNC_CHUNK, file.size - p));
    for (let q = 0; q + 8 <= chunk.length; q += 8) {
      if (chunk.readInt32LE(q) !== CONTINUATION) continue;
      const frame = readFrame(file, p + q, true, CANDIDATE_METADATA_BYTES);
      if (frame.kind === 'message' && frame.span.headerType === MessageHeader.RecordBatch) return p + q;
    }
    p += RESYNC_CHUNK;
  }
  return -1;
}

/**
 * Scans the stream in `path` from offset `start`; throws a damaged-file error when not even the
 * schema is whole. Batches of one of lifeline's schemas (columns.ts) are checked against it.
 */
export function scanArrow(path: string, fd: number, start: number): ArrowLayout {
  const file = new FileBytes(fd);
  const first = readFrame(file, start, false);
  if (first.kind === 'damaged') throw captureErrors.damaged(path, first.why);
  if (first.kind !== 'message') throw captureErrors.damaged(path, msg.damageArrowHeader());
  if (first.span.headerType !== HeaderType.Schema) throw captureErrors.damaged(path, msg.damageArrowHeader());
  const schema = decodeSchema(path, first.metadata);
  const lifeline = isLifelineColumns(schema.fields.map((f) => f.name));
  const layout: ArrowLayout = {
    start,
    schema,
    schemaSpan: first.span,
    batches: [],
    end: first.span.end,
    endOfStream: false,
  };
  let pos = first.span.end;
  /** Notes damage at `pos` and moves past it to the next whole record batch (lifeline streams); false when there is none. */
  const skip = (why: string, cut: boolean): boolean => {
    layout.stop ??= { offset: pos, batch: layout.batches.length + 1, why, cut, places: 0 };
    layout.stop.places++;
    const next = lifeline ? resync(file, start, pos + 8) : -1;
    if (next < 0) {
      layout.tail = findTail(file, start, pos);
      return false;
    }
    layout.stop.cut = false; // something whole follows: not a recorder killed mid-write
    pos = next;
    return true;
  };
  for (;;) {
    const frame = readFrame(file, pos, lifeline);
    if (frame.kind === 'end') break;
    if (frame.kind === 'eos') {
      if (pos + 8 >= file.size) {
        layout.endOfStream = true;
        break;
      }
      if (skip(msg.arrowBytesAfterEnd(file.size - pos - 8), false)) continue;
      break;
    }
    if (frame.kind === 'cut' || frame.kind === 'damaged') {
      if (skip(frame.why, frame.kind === 'cut')) continue;
      break;
    }
    const type = frame.span.headerType;
    if (type === MessageHeader.RecordBatch) layout.batches.push(frame.span);
    else if (lifeline) {
      // a lifeline stream is one schema, then record batches
      if (skip(msg.arrowBadMetadata(`header type ${type} after the schema`), false)) continue;
      break;
    }
    pos = frame.span.end;
    layout.end = pos;
  }
  return layout;
}
