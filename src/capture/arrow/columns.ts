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
} from './lib.js';
import { gatherRows } from '../batch-rows.js';
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
  const b = fromRecordBatch(batch);
  const kind = b.kind;
  let metaRows = 0;
  for (let i = 0; i < b.length; i++) if (kind[i] === metaKind) metaRows++;
  if (metaRows === 0) return b;
  const keep: number[] = [];
  const inverse = new Int32Array(b.length).fill(-1);
  for (let i = 0; i < b.length; i++) {
    if (kind[i] !== metaKind) {
      inverse[i] = keep.length;
      keep.push(i);
    }
  }
  return gatherRows(b, keep, 0, keep.length, inverse);
}
