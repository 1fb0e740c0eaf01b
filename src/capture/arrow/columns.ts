/**
 * The Arrow capture schema and the conversions between EventBatch and Arrow
 * record batches. Numeric columns are shared or copied as typed arrays; the
 * Int64 ts column goes through its two 32-bit halves, never a BigInt per row.
 */
import { msg } from '../../messages.js';
import {
  Data,
  Field,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Uint16,
  Uint8,
  Utf8,
  type DataType,
  type TypeMap,
} from '../../arrow-lib.js';
import { gatherRows } from '../batch-rows.js';
import { checkLifelineBatch, checkMessage, HeaderType, IpcDamage } from './ipc-check.js';
import { allocBatch, type EventBatch } from '../event-batch.js';

/** Schema metadata key holding the JSON CaptureMeta written at creation. */
export const ARROW_META_KEY = 'lifeline';

const TWO_32 = 4294967296;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function captureSchema(metaJson: string): Schema {
  return new Schema(
    [
      new Field('ts', new Int64(), false),
      new Field('cpu', new Uint16(), false),
      new Field('kind', new Uint8(), false),
      new Field('flags', new Uint8(), false),
      new Field('tid', new Int32(), false),
      new Field('tid2', new Int32(), false),
      new Field('a', new Int32(), false),
      new Field('b', new Int32(), false),
      new Field('c', new Int16(), false),
      new Field('stack', new Uint16(), false),
      new Field('name', new Utf8(), true),
    ],
    new Map([[ARROW_META_KEY, metaJson]]),
  );
}

/** The columns every capture has; format 2 captures lack `stack` (read as 0). */
export const ARROW_COLUMNS = ['ts', 'cpu', 'kind', 'flags', 'tid', 'tid2', 'a', 'b', 'c', 'name'] as const;

/** The column lists of lifeline's schemas, in order: format 2, and format 3 with the stack column. */
export const LIFELINE_SCHEMAS: readonly (readonly string[])[] = [
  ARROW_COLUMNS,
  ['ts', 'cpu', 'kind', 'flags', 'tid', 'tid2', 'a', 'b', 'c', 'stack', 'name'],
];

/** True when these field names are one of lifeline's schemas, in order. */
export function isLifelineColumns(names: readonly string[]): boolean {
  return LIFELINE_SCHEMAS.some((cols) => names.length === cols.length && names.every((n, i) => n === cols[i]));
}

/** ts as int64 little-endian words, written half by half. */
function int64FromDoubles(src: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer, out.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    const hi = Math.floor(v / TWO_32);
    words[2 * i] = v - hi * TWO_32; // low word, stored modulo 2^32
    words[2 * i + 1] = hi;
  }
  return out;
}

/** int64 values as doubles (exact below 2^53), read half by half. */
export function doublesFromInt64(src: BigInt64Array, n: number): Float64Array {
  const lo = new Uint32Array(src.buffer, src.byteOffset, n * 2);
  const hi = new Int32Array(src.buffer, src.byteOffset, n * 2);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = hi[2 * i + 1]! * TWO_32 + lo[2 * i]!;
  return out;
}

function int16FromInt32(src: Int32Array, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    if (v < -32768 || v > 32767)
      throw new RangeError(`column c holds ${v}, outside the Int16 range of the Arrow format`);
    out[i] = v;
  }
  return out;
}

/** Utf8 column with a null for every row without a name. */
function nameData(names: Map<number, string>, n: number): Data<Utf8> {
  const rows = [...names.keys()].filter((r) => r < n).sort((x, y) => x - y);
  const encoded = rows.map((r) => utf8.encode(names.get(r)!));
  const bytes = new Uint8Array(encoded.reduce((sum, e) => sum + e.length, 0));
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let pos = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (k < rows.length && rows[k] === i) {
      bytes.set(encoded[k]!, pos);
      pos += encoded[k]!.length;
      valid[i >> 3]! |= 1 << (i & 7);
      k++;
    }
    offsets[i + 1] = pos;
  }
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount: n - rows.length,
    nullBitmap: rows.length < n ? valid : new Uint8Array(0),
    valueOffsets: offsets,
    data: bytes,
  });
}

/** Rows [0, length) of an EventBatch as an Arrow record batch of `schema`. */
export function toRecordBatch(schema: Schema, b: EventBatch): RecordBatch {
  const n = b.length;
  const children: Data<DataType>[] = [
    makeData({ type: new Int64(), length: n, data: int64FromDoubles(b.ts, n) }),
    makeData({ type: new Uint16(), length: n, data: b.cpu.subarray(0, n) }),
    makeData({ type: new Uint8(), length: n, data: b.kind.subarray(0, n) }),
    makeData({ type: new Uint8(), length: n, data: b.flags.subarray(0, n) }),
    makeData({ type: new Int32(), length: n, data: b.tid.subarray(0, n) }),
    makeData({ type: new Int32(), length: n, data: b.tid2.subarray(0, n) }),
    makeData({ type: new Int32(), length: n, data: b.a.subarray(0, n) }),
    makeData({ type: new Int32(), length: n, data: b.b.subarray(0, n) }),
    makeData({ type: new Int16(), length: n, data: int16FromInt32(b.c, n) }),
    makeData({ type: new Uint16(), length: n, data: b.stack.subarray(0, n) }),
    nameData(b.names, n),
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

function column<T extends DataType>(batch: RecordBatch<TypeMap>, name: string): Data<T> {
  const vector = batch.getChild(name);
  if (!vector || vector.data.length !== 1) throw new Error(msg.arrowNoColumn(name));
  return vector.data[0] as Data<T>;
}

/** The values of a fixed-width column as a typed array of exactly `n` rows. */
function values<T extends DataType>(data: Data<T>, n: number): T['TArray'] {
  const v = data.values as T['TArray'];
  return data.offset === 0 && v.length === n ? v : v.subarray(data.offset, data.offset + n);
}

/** An Arrow record batch of the capture schema as an EventBatch (numeric columns shared when possible). */
export function fromRecordBatch(batch: RecordBatch<TypeMap>): EventBatch {
  const n = batch.numRows;
  const out = allocBatch(0);
  out.length = n;
  out.ts = doublesFromInt64(values(column<Int64>(batch, 'ts'), n) as BigInt64Array, n);
  out.cpu = values(column<Uint16>(batch, 'cpu'), n) as Uint16Array;
  out.kind = values(column<Uint8>(batch, 'kind'), n) as Uint8Array;
  out.flags = values(column<Uint8>(batch, 'flags'), n) as Uint8Array;
  out.tid = values(column<Int32>(batch, 'tid'), n) as Int32Array;
  out.tid2 = values(column<Int32>(batch, 'tid2'), n) as Int32Array;
  out.a = values(column<Int32>(batch, 'a'), n) as Int32Array;
  out.b = values(column<Int32>(batch, 'b'), n) as Int32Array;
  out.c = Int32Array.from(values(column<Int16>(batch, 'c'), n) as Int16Array);
  out.stack = batch.getChild('stack') ? (values(column<Uint16>(batch, 'stack'), n) as Uint16Array) : new Uint16Array(n);
  readNames(column<Utf8>(batch, 'name'), n, out.names);
  return out;
}

function readNames(data: Data<Utf8>, n: number, names: Map<number, string>): void {
  if (data.nullCount === n) return;
  const offsets = data.valueOffsets;
  const bytes = data.values;
  const bitmap = data.nullBitmap;
  const base = data.offset;
  const hasBitmap = data.nullCount > 0 && bitmap !== undefined && bitmap.length > 0;
  for (let i = 0; i < n; i++) {
    const j = base + i;
    if (hasBitmap && (bitmap[j >> 3]! & (1 << (j & 7))) === 0) continue;
    names.set(i, fromUtf8.decode(bytes.subarray(offsets[j]!, offsets[j + 1]!)));
  }
}

/** The events of a record batch: its rows but the meta trailer row (kind `metaKind`, meta.ts metaRowKind). */
export function eventsOf(batch: RecordBatch<TypeMap>, metaKind: number): EventBatch {
  return withoutMetaRows(fromRecordBatch(batch), metaKind);
}

/** The Arrow types of the capture schema's columns, in order (format 3; format 2 lacks `stack`). */
const CAPTURE_TYPES = new Map(captureSchema('').fields.map((f) => [f.name, String(f.type)]));

/** True when `schema` is lifeline's, column for column and type for type: its batches can be read in place (fromLifelineMessage). */
export function isLifelineSchema(schema: Schema): boolean {
  return (
    isLifelineColumns(schema.fields.map((f) => f.name)) &&
    schema.fields.every((f) => CAPTURE_TYPES.get(f.name) === String(f.type))
  );
}

/**
 * The rows of one record batch message (length prefix, metadata, body) of a stream whose schema
 * isLifelineSchema, read in place: the numeric columns are views of `message` (ts made doubles,
 * c widened), without the generic Arrow decoder; with `copy`, they are copied out, and `message`
 * may be reused (a buffer read into again costs far less than a fresh one). Null when the
 * message is not such a batch (the caller then decodes it the generic way).
 */
export function fromLifelineMessage(message: Uint8Array, copy = false): EventBatch | null {
  if (message.length < 8) return null;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const continued = view.getInt32(0, true) === -1;
  const metaStart = continued ? 8 : 4;
  const metaLength = view.getInt32(continued ? 4 : 0, true);
  const bodyStart = metaStart + metaLength;
  if (metaLength <= 0 || bodyStart > message.length) return null;
  let checked;
  try {
    checked = checkMessage(message.subarray(metaStart, bodyStart), message.length - bodyStart);
  } catch (err) {
    if (err instanceof IpcDamage) return null;
    throw err;
  }
  const batch = checked.batch;
  if (checked.headerType !== HeaderType.RecordBatch || batch === undefined) return null;
  const widths = batch.nodes.length === 10 ? 10 : 11;
  if (batch.nodes.length !== widths || batch.buffers.length !== widths * 2 + 1) return null;
  try {
    checkLifelineBatch(batch);
  } catch (err) {
    if (err instanceof IpcDamage) return null;
    throw err;
  }
  // Arrow aligns buffers to 8 bytes in the body (a writer that did not is read the generic way),
  // and the body at 8 bytes in the message
  if (batch.buffers.some((b) => b.offset % 8 !== 0)) return null;
  const body = (message.byteOffset + bodyStart) % 8 === 0 ? message.subarray(bodyStart) : message.slice(bodyStart);
  const n = batch.rows;
  const at = (k: number): number => body.byteOffset + batch.buffers[k]!.offset;
  const buf = body.buffer;
  const out = allocBatch(0);
  out.length = n;
  // buffers: [validity, values] per fixed-width column, [validity, offsets, data] for name
  out.ts = doublesFromWords(new Uint32Array(buf, at(1), n * 2), new Int32Array(buf, at(1), n * 2), n);
  out.c = new Int32Array(n);
  out.c.set(new Int16Array(buf, at(17), n));
  const cpu = new Uint16Array(buf, at(3), n);
  const kind = new Uint8Array(buf, at(5), n);
  const flags = new Uint8Array(buf, at(7), n);
  const tid = new Int32Array(buf, at(9), n);
  const tid2 = new Int32Array(buf, at(11), n);
  const a = new Int32Array(buf, at(13), n);
  const b = new Int32Array(buf, at(15), n);
  const stack = widths === 11 ? new Uint16Array(buf, at(19), n) : null;
  if (copy) {
    // one block for the other numeric columns: 4-byte ones first, then 2-byte, then bytes
    const store = new ArrayBuffer(n * 22);
    out.tid = new Int32Array(store, 0, n);
    out.tid2 = new Int32Array(store, 4 * n, n);
    out.a = new Int32Array(store, 8 * n, n);
    out.b = new Int32Array(store, 12 * n, n);
    out.cpu = new Uint16Array(store, 16 * n, n);
    out.stack = new Uint16Array(store, 18 * n, n);
    out.kind = new Uint8Array(store, 20 * n, n);
    out.flags = new Uint8Array(store, 21 * n, n);
    out.tid.set(tid);
    out.tid2.set(tid2);
    out.a.set(a);
    out.b.set(b);
    out.cpu.set(cpu);
    if (stack !== null) out.stack.set(stack);
    out.kind.set(kind);
    out.flags.set(flags);
  } else {
    out.cpu = cpu;
    out.kind = kind;
    out.flags = flags;
    out.tid = tid;
    out.tid2 = tid2;
    out.a = a;
    out.b = b;
    out.stack = stack ?? new Uint16Array(n);
  }
  const k = widths === 11 ? 21 : 19;
  const nameNode = batch.nodes[widths - 1]!;
  if (nameNode.nullCount < n) {
    const bitmap = nameNode.nullCount > 0 ? new Uint8Array(buf, at(k - 1), batch.buffers[k - 1]!.length) : null;
    const offsets = new Int32Array(buf, at(k), n + 1);
    const bytes = new Uint8Array(buf, at(k + 1), batch.buffers[k + 1]!.length);
    for (let i = 0; i < n; i++) {
      if (bitmap !== null && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
      out.names.set(i, fromUtf8.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)));
    }
  }
  return out;
}

/** int64 little-endian words (low unsigned, high signed) as doubles. */
function doublesFromWords(lo: Uint32Array, hi: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = hi[2 * i + 1]! * TWO_32 + lo[2 * i]!;
  return out;
}

/** `b` without its meta trailer rows (kind `metaKind`). */
export function withoutMetaRows(b: EventBatch, metaKind: number): EventBatch {
  const kind = b.kind;
  const n = b.length;
  // the native search: most batches have no meta row (a loop here cost ~14 ns a row, cold)
  const first = kind.indexOf(metaKind);
  if (first < 0 || first >= n) return b;
  const keep: number[] = [];
  const inverse = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (kind[i] !== metaKind) {
      inverse[i] = keep.length;
      keep.push(i);
    }
  }
  return gatherRows(b, keep, 0, keep.length, inverse);
}
