/**
 * Raw ring-buffer records (bpf/lifeline.h) to EventBatch columns. Callback
 * addresses become small symbol ids, announced once by a synthesized SYM row
 * so that a capture names them without /proc/kallsyms.
 */
import { allocBatch, trimBatch, type EventBatch } from '../capture/event-batch.js';
import { Kind, NAME_LEN, OFFSETS, recordSize } from './event-layout.js';
import { Kallsyms } from './kallsyms.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

function cString(buf: Buffer, start: number, max: number): string {
  let end = start;
  const stop = start + max;
  while (end < stop && buf[end] !== 0) end++;
  return decoder.decode(buf.subarray(start, end));
}

export class RecordDecoder {
  private readonly symIds = new Map<bigint, number>();
  readonly counts = new Float64Array(16);

  constructor(private readonly kallsyms = new Kallsyms()) {}

  /** Decode every whole record of buf. */
  decode(buf: Buffer): EventBatch {
    // Upper bound on rows: every record is at least EVENT_SIZE bytes, plus SYM rows.
    const cap = Math.ceil(buf.length / 40) + 16;
    let out = allocBatch(cap);
    let n = 0;
    let pos = 0;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (pos + 40 <= buf.length) {
      const kind = buf[pos + OFFSETS.kind]!;
      const size = recordSize(kind);
      if (pos + size > buf.length) break;
      const ts = view.getUint32(pos + 4, true) * 4294967296 + view.getUint32(pos, true);
      let c = view.getInt32(pos + OFFSETS.c, true);
      const addrLo = view.getUint32(pos + OFFSETS.addr, true);
      const addrHi = view.getUint32(pos + OFFSETS.addr + 4, true);
      if (addrLo !== 0 || addrHi !== 0) {
        const addr = (BigInt(addrHi) << 32n) | BigInt(addrLo);
        let id = this.symIds.get(addr);
        if (id === undefined) {
          id = this.symIds.size + 1;
          this.symIds.set(addr, id);
          if (n + 2 > out.ts.length) out = grow(out, n);
          out.ts[n] = ts;
          out.cpu[n] = view.getUint16(pos + OFFSETS.cpu, true);
          out.kind[n] = Kind.SYM;
          out.flags[n] = 0;
          out.tid[n] = 0;
          out.tid2[n] = 0;
          out.a[n] = 0;
          out.b[n] = 0;
          out.c[n] = id;
          out.names.set(n, this.kallsyms.resolve(addr));
          this.counts[Kind.SYM]!++;
          n++;
        }
        c = id;
      }
      if (n + 1 > out.ts.length) out = grow(out, n);
      out.ts[n] = ts;
      out.cpu[n] = view.getUint16(pos + OFFSETS.cpu, true);
      out.kind[n] = kind;
      out.flags[n] = buf[pos + OFFSETS.flags]!;
      out.tid[n] = view.getInt32(pos + OFFSETS.tid, true);
      out.tid2[n] = view.getInt32(pos + OFFSETS.tid2, true);
      out.a[n] = view.getInt32(pos + OFFSETS.a, true);
      out.b[n] = view.getInt32(pos + OFFSETS.b, true);
      out.c[n] = c;
      if (size > 40) out.names.set(n, cString(buf, pos + OFFSETS.name, NAME_LEN));
      if (kind < 16) this.counts[kind]!++;
      n++;
      pos += size;
    }
    return trimBatch(out, n);
  }
}

function grow(b: EventBatch, n: number): EventBatch {
  const bigger = allocBatch(b.ts.length * 2);
  bigger.ts.set(b.ts.subarray(0, n));
  bigger.cpu.set(b.cpu.subarray(0, n));
  bigger.kind.set(b.kind.subarray(0, n));
  bigger.flags.set(b.flags.subarray(0, n));
  bigger.tid.set(b.tid.subarray(0, n));
  bigger.tid2.set(b.tid2.subarray(0, n));
  bigger.a.set(b.a.subarray(0, n));
  bigger.b.set(b.b.subarray(0, n));
  bigger.c.set(b.c.subarray(0, n));
  bigger.names = b.names;
  return bigger;
}
