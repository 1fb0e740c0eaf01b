/**
 * apache-arrow, loaded from its single-file build. The package's ESM entry
 * is a graph of some 150 modules that takes ~0.15 s to load here, more than
 * reading a million events; the bundled build (same library, same version)
 * loads in ~15 ms. Every lifeline module takes Arrow from here (the capture's
 * reader and writer, the Parquet export's batches), so that all classes come
 * from one copy of the library.
 */
import { createRequire } from 'node:module';
import type * as Arrow from 'apache-arrow';

const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof Arrow;

export const {
  AsyncByteQueue,
  Bool,
  Dictionary,
  Field,
  Float64,
  Int16,
  Int32,
  Int64,
  List,
  makeData,
  Message,
  MessageHeader,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint8,
  Utf8,
  vectorFromArray,
} = arrow;

export type Data<T extends Arrow.DataType = Arrow.DataType> = Arrow.Data<T>;
export type DataType = Arrow.DataType;
export type TypeMap = Arrow.TypeMap;
export type Schema = Arrow.Schema;
export type RecordBatch<T extends Arrow.TypeMap = Arrow.TypeMap> = Arrow.RecordBatch<T>;
export type MessageHeader = Arrow.MessageHeader;
export type Int64 = Arrow.Int64;
export type Int32 = Arrow.Int32;
export type Int16 = Arrow.Int16;
export type Uint16 = Arrow.Uint16;
export type Uint8 = Arrow.Uint8;
export type Utf8 = Arrow.Utf8;
export type Vector<T extends Arrow.DataType = Arrow.DataType> = Arrow.Vector<T>;
export type RecordBatchStreamWriter = Arrow.RecordBatchStreamWriter;
export type AsyncRecordBatchFileReader<T extends Arrow.TypeMap = Arrow.TypeMap> = Arrow.AsyncRecordBatchFileReader<T>;
