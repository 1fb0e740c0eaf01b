/**
 * Bounded checks of Arrow IPC metadata (the flatbuffers of Message.fbs, Schema.fbs,
 * File.fbs) before apache-arrow decodes them. apache-arrow trusts every count and offset it
 * reads: a damaged batch header that claims 722 680 466 buffers makes it allocate and loop
 * until the process dies. Here every table, vector and string is checked to lie inside the
 * metadata, every count against the bytes that could hold it, every body length and buffer
 * against the file's size, and the number of tables visited against a budget; what fails
 * is an IpcDamage naming what is wrong, never an allocation or a loop sized by the file.
 */
import { msg } from '../../messages.js';

/** What is wrong with a piece of Arrow metadata (a message for the user, via msg). */
export class IpcDamage extends Error {}

/** Largest message metadata accepted: lifeline's are under 8 kB, a schema with a long meta a few more. */
export const MAX_METADATA_BYTES = 16 << 20;
/** Tables one message may visit (fields, their types and children, key/values): a damaged DAG stops here. */
const TABLE_BUDGET = 100_000;
/** Nesting of fields in a schema. */
const MAX_DEPTH = 64;

/** MessageHeader union values (Message.fbs). */
export const HeaderType = { NONE: 0, Schema: 1, DictionaryBatch: 2, RecordBatch: 3 } as const;

export interface CheckedBatch {
  rows: number;
  nodes: Array<{ length: number; nullCount: number }>;
  buffers: Array<{ offset: number; length: number }>;
}

export interface CheckedMessage {
  headerType: number;
  bodyLength: number;
  /** For a record batch. */
  batch?: CheckedBatch;
}

export interface FileBlock {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

class Flat {
  private readonly view: DataView;
  private tables = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(what: string): never {
    throw new IpcDamage(msg.arrowBadMetadata(what));
  }

  within(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && size >= 0 && pos + size <= this.bytes.length)) this.fail(what);
  }

  u8(pos: number): number {
    this.within(pos, 1, 'a field past the end');
    return this.view.getUint8(pos);
  }
  i16(pos: number): number {
    this.within(pos, 2, 'a field past the end');
    return this.view.getInt16(pos, true);
  }
  u16(pos: number): number {
    this.within(pos, 2, 'a field past the end');
    return this.view.getUint16(pos, true);
  }
  i32(pos: number): number {
    this.within(pos, 4, 'a field past the end');
    return this.view.getInt32(pos, true);
  }
  u32(pos: number): number {
    this.within(pos, 4, 'a field past the end');
    return this.view.getUint32(pos, true);
  }
  /** An int64 as a number; beyond ±2^53 it is no length or offset of a file. */
  i64(pos: number, what: string): number {
    this.within(pos, 8, 'a field past the end');
    const lo = this.view.getUint32(pos, true);
    const hi = this.view.getInt32(pos + 4, true);
    if (hi < -0x200000 || hi >= 0x200000) this.fail(what);
    return hi * 4294967296 + lo;
  }

  /** The table an offset field at `pos` points to. */
  deref(pos: number): number {
    const target = pos + this.u32(pos);
    this.within(target, 4, 'an offset past the end');
    return target;
  }

  /** A table at `pos`: its field offsets, checked against its vtable and its inline size. */
  table(pos: number): Table {
    if (++this.tables > TABLE_BUDGET) this.fail('too many tables');
    this.within(pos, 4, 'a table past the end');
    const vtable = pos - this.i32(pos);
    this.within(vtable, 4, 'a vtable past the end');
    const vsize = this.u16(vtable);
    const inline = this.u16(vtable + 2);
    if (vsize < 4 || vsize % 2 !== 0) this.fail('a malformed vtable');
    this.within(vtable, vsize, 'a vtable past the end');
    if (inline < 4) this.fail('a malformed table');
    this.within(pos, inline, 'a table past the end');
    return new Table(this, pos, vtable, vsize, inline);
  }

  /** A vector at the offset field `pos`: its length and first element, the elements inside the buffer. */
  vector(pos: number, elementSize: number): { start: number; count: number } {
    const v = this.deref(pos);
    const count = this.u32(v);
    if (count > (this.bytes.length - v - 4) / elementSize) this.fail('a vector longer than its message');
    return { start: v + 4, count };
  }

  string(pos: number): void {
    const s = this.vector(pos, 1);
    this.within(s.start, s.count + 1, 'a string past the end');
  }
}

class Table {
  constructor(
    private readonly f: Flat,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vsize: number,
    private readonly inline: number,
  ) {}

  fail(what: string): never {
    return this.f.fail(what);
  }

  /** Position of field `i` of `size` bytes, or -1 when absent. */
  field(i: number, size: number): number {
    const slot = 4 + 2 * i;
    if (slot + 2 > this.vsize) return -1;
    const off = this.f.u16(this.vtable + slot);
    if (off === 0) return -1;
    if (off + size > this.inline) this.f.fail('a field outside its table');
    return this.pos + off;
  }

  u8(i: number, dflt: number): number {
    const p = this.field(i, 1);
    return p < 0 ? dflt : this.f.u8(p);
  }
  i16(i: number, dflt: number): number {
    const p = this.field(i, 2);
    return p < 0 ? dflt : this.f.i16(p);
  }
  i64(i: number, what: string): number {
    const p = this.field(i, 8);
    return p < 0 ? 0 : this.f.i64(p, what);
  }
  /** The sub-table of field `i`, or null. */
  sub(i: number): Table | null {
    const p = this.field(i, 4);
    return p < 0 ? null : this.f.table(this.f.deref(p));
  }
  vector(i: number, elementSize: number): { start: number; count: number } {
    const p = this.field(i, 4);
    return p < 0 ? { start: 0, count: 0 } : this.f.vector(p, elementSize);
  }
  /** Each table of a vector of tables (field `i`). */
  tables(i: number): Table[] {
    const { start, count } = this.vector(i, 4);
    const out: Table[] = [];
    for (let k = 0; k < count; k++) out.push(this.f.table(this.f.deref(start + 4 * k)));
    return out;
  }
  string(i: number): void {
    const p = this.field(i, 4);
    if (p >= 0) this.f.string(p);
  }
}

function root(f: Flat): Table {
  if (f.length < 8) f.fail('shorter than a flatbuffer');
  return f.table(f.deref(0));
}

function keyValues(t: Table, i: number): void {
  for (const kv of t.tables(i)) {
    kv.string(0);
    kv.string(1);
  }
}

/** Type union values (Schema.fbs) whose tables hold more than scalars. */
const TYPE_TIMESTAMP = 10;
const TYPE_UNION = 14;

function checkField(field: Table, depth: number): void {
  if (depth > MAX_DEPTH) field.fail('fields nested too deep');
  field.string(0);
  const typeType = field.u8(2, 0);
  const type = field.sub(3);
  if (type !== null) {
    if (typeType === TYPE_TIMESTAMP) type.string(1);
    if (typeType === TYPE_UNION) type.vector(1, 4);
  }
  const dictionary = field.sub(4);
  dictionary?.sub(1);
  for (const child of field.tables(5)) checkField(child, depth + 1);
  keyValues(field, 6);
}

function checkSchema(schema: Table): void {
  for (const field of schema.tables(1)) checkField(field, 0);
  keyValues(schema, 2);
  schema.vector(3, 8);
}

/**
 * Checks one message's metadata (the bytes after its length prefix); `maxBody` is what the
 * file holds after the metadata. The body's own buffers are checked against its length.
 */
export function checkMessage(metadata: Uint8Array, maxBody: number): CheckedMessage {
  const f = new Flat(metadata);
  const message = root(f);
  const version = message.i16(0, 0);
  if (version < 0 || version > 4) f.fail(`metadata version ${version}`);
  const headerType = message.u8(1, 0);
  const header = message.sub(2);
  const bodyLength = message.i64(3, 'a body length beyond any file');
  if (bodyLength < 0 || bodyLength > maxBody) throw new IpcDamage(msg.arrowBodyPastEnd(bodyLength, maxBody));
  keyValues(message, 4);
  if (header === null) return f.fail('no header');
  if (headerType === HeaderType.Schema) {
    checkSchema(header);
    return { headerType, bodyLength };
  }
  if (headerType === HeaderType.RecordBatch)
    return { headerType, bodyLength, batch: checkBatch(f, header, bodyLength) };
  if (headerType === HeaderType.DictionaryBatch) {
    const data = header.sub(1);
    if (data !== null) checkBatch(f, data, bodyLength);
    return { headerType, bodyLength };
  }
  return f.fail(`header type ${headerType}`);
}

function checkBatch(f: Flat, batch: Table, bodyLength: number): CheckedBatch {
  const count = batch.i64(0, 'a row count beyond any file');
  if (count < 0 || count > 0x7fffffff) f.fail(`a row count of ${count}`);
  // a small integer, not the double i64() computes: a batch's length is a field every stage reads,
  // and one double there turns its representation over and deoptimizes the replay mid-capture
  const rows = count | 0;
  if (batch.sub(3) !== null) f.fail('compressed buffers, which lifeline does not write');
  const nodeVec = batch.vector(1, 16);
  const nodes: CheckedBatch['nodes'] = [];
  for (let k = 0; k < nodeVec.count; k++) {
    const p = nodeVec.start + 16 * k;
    const length = f.i64(p, 'a column length beyond any file');
    const nullCount = f.i64(p + 8, 'a null count beyond any file');
    if (length < 0 || length > rows || nullCount < 0 || nullCount > length)
      f.fail(`column ${k + 1} with ${length} rows and ${nullCount} nulls in a batch of ${rows}`);
    nodes.push({ length, nullCount });
  }
  const bufferVec = batch.vector(2, 16);
  const buffers: CheckedBatch['buffers'] = [];
  for (let k = 0; k < bufferVec.count; k++) {
    const p = bufferVec.start + 16 * k;
    const offset = f.i64(p, 'a buffer offset beyond any file');
    const length = f.i64(p + 8, 'a buffer length beyond any file');
    if (offset < 0 || length < 0 || offset + length > bodyLength)
      throw new IpcDamage(msg.arrowBufferPastBody(k + 1, offset, length, bodyLength));
    buffers.push({ offset, length });
  }
  batch.vector(4, 8);
  // every row of a column takes at least one bit of the body: no more rows than that (what readers allocate for)
  if (nodes.length > 0 && rows > bodyLength * 8) f.fail(`${rows} rows in a body of ${bodyLength} bytes`);
  return { rows, nodes, buffers };
}

/**
 * The lifeline schema's columns, in order, as bytes per row of their value buffer (0 for the
 * Utf8 name, which has offsets and data): a record batch of a lifeline capture must match them.
 */
const COLUMN_WIDTHS_V2: readonly number[] = [8, 2, 1, 1, 4, 4, 4, 4, 2, 0];
/** Format 3: the 16-bit stack column before the name. */
const COLUMN_WIDTHS_V3: readonly number[] = [8, 2, 1, 1, 4, 4, 4, 4, 2, 2, 0];

/** Checks a record batch against the lifeline schema: one node per column, buffers that hold every row. */
export function checkLifelineBatch(b: CheckedBatch): void {
  const fail = (what: string): never => {
    throw new IpcDamage(msg.arrowBadMetadata(what));
  };
  const COLUMN_WIDTHS = b.nodes.length === COLUMN_WIDTHS_V2.length ? COLUMN_WIDTHS_V2 : COLUMN_WIDTHS_V3;
  if (b.nodes.length !== COLUMN_WIDTHS.length)
    fail(`${b.nodes.length} columns where the capture has ${COLUMN_WIDTHS.length}`);
  const wantBuffers = COLUMN_WIDTHS.reduce((n, w) => n + (w === 0 ? 3 : 2), 0);
  if (b.buffers.length !== wantBuffers)
    fail(`${b.buffers.length} buffers where the capture's columns have ${wantBuffers}`);
  let k = 0;
  COLUMN_WIDTHS.forEach((width, col) => {
    const node = b.nodes[col]!;
    if (node.length !== b.rows) fail(`column ${col + 1} with ${node.length} rows in a batch of ${b.rows}`);
    const validity = b.buffers[k++]!;
    if (node.nullCount > 0 && validity.length < Math.ceil(b.rows / 8)) fail(`column ${col + 1}'s validity is short`);
    const need = width === 0 ? (b.rows + 1) * 4 : b.rows * width;
    if (b.rows > 0 && b.buffers[k]!.length < need) fail(`column ${col + 1}'s values are short`);
    k++;
    if (width === 0) k++; // the Utf8 data, of any length
  });
}

/** The record batch blocks of an Arrow file footer, each checked against the file's size. */
export function checkFooter(footer: Uint8Array, dataEnd: number): { batches: FileBlock[]; dictionaries: FileBlock[] } {
  const f = new Flat(footer);
  const t = root(f);
  const schema = t.sub(1);
  if (schema === null) return f.fail('no schema in the footer');
  checkSchema(schema);
  const blocks = (i: number): FileBlock[] => {
    const v = t.vector(i, 24);
    const out: FileBlock[] = [];
    for (let k = 0; k < v.count; k++) {
      const p = v.start + 24 * k;
      const offset = f.i64(p, 'a block offset beyond any file');
      const metaDataLength = f.i32(p + 8);
      const bodyLength = f.i64(p + 16, 'a block length beyond any file');
      if (offset < 0 || metaDataLength <= 0 || bodyLength < 0 || offset + metaDataLength + bodyLength > dataEnd)
        throw new IpcDamage(msg.arrowBlockPastEnd(k + 1, offset, dataEnd));
      out.push({ offset, metaDataLength, bodyLength });
    }
    return out;
  };
  const dictionaries = blocks(2);
  keyValues(t, 4);
  return { batches: blocks(3), dictionaries };
}
