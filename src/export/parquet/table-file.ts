/**
 * One Parquet file of the dataset: a table's columns declared once (name, type, nullable,
 * encoding), rows handed over a batch at a time as Arrow record batches (built in place from
 * typed arrays and dictionary indices where the caller has them) to the table's encoder
 * (encoders.ts: parquet-wasm on the encoder thread), whose bytes go into an OutputFile (written
 * beside its name and renamed into place on commit). Memory holds a batch or two per table,
 * whatever the number of rows: `settle()` waits until the encoder has taken what was handed over.
 */
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Uint16,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from '../../arrow-lib.js';
import { OutputFile } from '../output-file.js';
import { BATCH_ROWS, type ColumnSpec } from './column-spec.js';
import type { Encoders } from './encoders.js';

/**
 * A string column as dictionary indices (−1: null) into `values`, which may hold more than
 * the rows use (a dictionary kept across row groups).
 */
export interface DictColumn {
  indices: Int32Array;
  values: readonly string[];
}

/**
 * A row group's values of one column: a typed array (Int32Array, BigInt64Array for int64 and
 * timestamp, Float64Array, Uint16Array, Uint8Array of 0/1 for bool; no nulls), a DictColumn for
 * a string column, a NullableColumn, or a plain array (null where nullable; int64 as number or
 * bigint).
 */
export type ColumnValues = ArrayLike<unknown> | DictColumn | NullableColumn;

/** A number column with nulls: `valid[i]` is 0 where row i is null. */
export interface NullableColumn {
  data: Int32Array | BigInt64Array | Float64Array;
  valid: Uint8Array;
}

/** Strings as dictionary indices, one dictionary kept across row groups (−1 for null). */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  /** The last string asked for and its index: a column's rows often repeat the row before. */
  private last: string | undefined;
  private lastId = -1;

  id(s: string | null | undefined): number {
    if (s === null || s === undefined) return -1;
    if (s === this.last) return this.lastId;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.ids.set(s, i);
      this.values.push(s);
    }
    this.last = s;
    this.lastId = i;
    return i;
  }
}

/** Writes an integral value (|v| < 2^53) into an int64 slot, seen as two 32-bit words, with no BigInt. */
export function setInt64(words: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  words[2 * i] = (v - hi * 4294967296) | 0;
  words[2 * i + 1] = hi | 0;
}

const isDict = (v: ColumnValues): v is DictColumn => (v as DictColumn).indices instanceof Int32Array;
const isNullable = (v: ColumnValues): v is NullableColumn => (v as NullableColumn).valid instanceof Uint8Array;

function arrowType(c: ColumnSpec): DataType {
  switch (c.type) {
    case 'int64':
      return new Int64();
    case 'int32':
      return new Int32();
    case 'uint16':
      return new Uint16();
    case 'double':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'string':
      return c.encoding === 'dict' ? new Dictionary(new Utf8(), new Int32()) : new Utf8();
    case 'timestamp':
      return new Timestamp(TimeUnit.NANOSECOND, 'UTC');
    case 'int64_list':
      return new List(new Field('element', new Int64(), false));
    case 'string_list':
      return new List(new Field('element', new Utf8(), false));
  }
}

/** A validity bitmap of the rows whose byte in `valid` is not 0 (none when every row is valid). */
function validBits(valid: Uint8Array, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (valid[i] === 0) nulls++;
  if (nulls === 0) return { nullCount: 0 };
  return { nullBitmap: packBits(valid, n), nullCount: nulls };
}

/** One bit a row (LSB first, as Arrow lays out validity and booleans): set where `bytes[i]` is not 0. */
function packBits(bytes: Uint8Array, n: number): Uint8Array {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

/** A validity bitmap of the indices ≥ 0. */
function indexBits(indices: Int32Array, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (indices[i]! < 0) nulls++;
  if (nulls === 0) return { nullCount: 0 };
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (indices[i]! >= 0) bits[i >> 3]! |= 1 << (i & 7);
  return { nullBitmap: bits, nullCount: nulls };
}

const toBigInt = (v: unknown): bigint | null =>
  v === null || v === undefined ? null : typeof v === 'bigint' ? v : BigInt(Math.round(v as number));

/**
 * A dictionary's strings as an Arrow vector, made again only when it has grown: a dictionary is
 * kept across row groups and soon stops growing, and its thousands of names (comms, symbols) were
 * otherwise encoded again for every batch of every column. A vector serves the one column it was
 * made for (two columns may not share one buffer, below).
 */
const dictionaries = new WeakMap<readonly string[], { column: ColumnSpec; length: number; vector: Vector<Utf8> }>();

function dictionaryOf(values: readonly string[], column: ColumnSpec): Vector<Utf8> {
  const known = dictionaries.get(values);
  if (known !== undefined && known.column === column && known.length === values.length) return known.vector;
  const vector = vectorFromArray(values as string[], new Utf8());
  if (known === undefined || known.column === column)
    dictionaries.set(values, { column, length: values.length, vector });
  return vector;
}

/** One column's Arrow data for `n` rows. */
function columnData(c: ColumnSpec, type: DataType, values: ColumnValues, n: number): Data {
  if (isDict(values)) {
    // (two columns may not share one buffer: Arrow JS then writes an IPC message that the Rust
    // reader refuses, "failed to fill whole buffer")
    const indices = values.indices.subarray(0, n);
    const dictionary = dictionaryOf(values.values, c);
    if (type instanceof Dictionary)
      return makeData({ type, length: n, data: indices, dictionary, ...indexBits(indices, n) } as never);
    // a plain string column given as indices: its strings
    const strings = Array.from(indices, (i) => (i < 0 ? null : values.values[i]!));
    return vectorFromArray(strings, type as Utf8).data[0]!;
  }
  if (isNullable(values))
    return makeData({ type, length: n, data: values.data.subarray(0, n), ...validBits(values.valid, n) } as never);
  // a boolean column given as one byte a row (0: false)
  if (c.type === 'bool' && values instanceof Uint8Array)
    return makeData({ type, length: n, data: packBits(values, n) } as never);
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const data = (values as unknown as { subarray(a: number, b: number): unknown }).subarray(0, n);
    return makeData({ type, length: n, data } as never);
  }
  const arr = Array.prototype.slice.call(values, 0, n) as unknown[];
  if (c.type === 'int64' || c.type === 'timestamp') {
    const big = arr.map(toBigInt);
    const data = BigInt64Array.from(big, (v) => v ?? 0n);
    return makeData({
      type,
      length: n,
      data,
      ...validBits(
        Uint8Array.from(big, (v) => (v === null ? 0 : 1)),
        n,
      ),
    } as never);
  }
  if (c.type === 'int64_list')
    return vectorFromArray(
      arr.map((v) => (v === null || v === undefined ? null : (v as number[]).map((x) => BigInt(Math.round(x))))),
      type,
    ).data[0]!;
  return vectorFromArray(arr, type).data[0]!;
}

export class TableFile {
  private readonly file: OutputFile;
  private readonly schema: Schema;
  private readonly id: number;
  private aborted = false;
  /** Rows gathered by add(), one array per column. */
  private pending: unknown[][];
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    kv: Record<string, string>,
    private readonly encoders: Encoders,
  ) {
    this.file = new OutputFile(path);
    this.schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c), c.nullable === true)));
    const file = this.file;
    this.id = encoders.open(columns, kv, (bytes) => {
      if (!this.aborted) file.write(bytes);
    });
    this.pending = columns.map(() => []);
  }

  /** Adds one row, its values in the order of `columns`. */
  add(values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) this.pending[i]!.push(values[i]);
    if (this.pending[0]!.length >= BATCH_ROWS) this.flushRows();
  }

  private flushRows(): void {
    const n = this.pending[0]!.length;
    if (n === 0) return;
    this.writeGroup(this.pending, n);
    this.pending = this.columns.map(() => []);
  }

  /** Hands over `n` rows as whole columns (in the order of `columns`). */
  writeGroup(values: readonly ColumnValues[], n: number): void {
    if (n === 0 && this.rows > 0) return;
    const children = this.columns.map((c, i) => columnData(c, this.schema.fields[i]!.type as DataType, values[i]!, n));
    const data = makeData({ type: new Struct(this.schema.fields), length: n, children, nullCount: 0 });
    this.encoders.push(this.id, tableToIPC(new Table(this.schema, [new RecordBatch(this.schema, data)]), 'stream'));
    this.rows += n;
  }

  /** Resolves once the encoder has taken what was handed over, but a batch or two (memory stays flat). */
  settle(): Promise<void> {
    return this.encoders.settle(this.id);
  }

  /** Writes what is gathered and the footer (the file is whole, not yet in place). */
  async finish(): Promise<void> {
    this.flushRows();
    // an empty table still has its schema: the writer learns it from a batch of no rows
    if (this.rows === 0) this.writeGroup(this.pending, 0);
    await this.encoders.finish(this.id);
  }

  /** Moves the whole file into place. */
  commit(): void {
    this.file.commit();
  }

  abort(): void {
    this.aborted = true;
    this.encoders.abort(this.id);
    this.file.abort();
  }

  get bytes(): number {
    return this.file.bytes;
  }
}
