/** A 64-bit varint from a double without a BigInt per call (hot: every full event's timestamp). */
import type { BinaryWriter } from '@bufbuild/protobuf/wire';

const scratch = new Uint8Array(10);
const views = Array.from({ length: 11 }, (_, n) => scratch.subarray(0, n));
const TWO_32 = 2 ** 32;

/** Writes a non-negative whole number below 2^53 as a protobuf (u)int64 varint. */
export function writeU64(w: BinaryWriter, v: number): void {
  if (v < TWO_32) {
    w.uint32(v);
    return;
  }
  let n = 0;
  while (v >= 128) {
    scratch[n++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  scratch[n++] = v;
  w.raw(views[n]!);
}
