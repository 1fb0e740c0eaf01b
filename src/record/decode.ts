/**
 * Raw ring-buffer records (bpf/lifeline.h) to EventBatch columns. Kernel function
 * addresses (timer callbacks, NMI handlers) become small symbol ids: the kernel names
 * each address once in a SYM record, which the capture keeps as a SYM row (c = id,
 * name = symbol); later rows carry the id in c. A STACK record (once per distinct
 * kernel stack) becomes a STACK row whose name is its frames, symbolized here from
 * kallsyms; rows that use it carry its id in `stack`.
 */
import { allocBatch, trimBatch, type EventBatch } from '../capture/index.js';
import { EVENT_SIZE, Kind, NAME_LEN, OFFSETS, recordSize, STACK_DEPTH } from '../format/index.js';
import { kernelSymbols, type KernelSymbols } from './kallsyms.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

function cString(buf: Buffer, start: number, max: number): string {
  let end = start;
  const stop = start + max;
  while (end < stop && buf[end] !== 0) end++;
  return decoder.decode(buf.subarray(start, end));
}

export class RecordDecoder {
  private readonly symIds = new Map<bigint, number>();
  private symbols: KernelSymbols | null = null;

  /** kallsyms: the machine's own unless a test gives a table. */
  constructor(private readonly loadSymbols: () => KernelSymbols = kernelSymbols) {}

  /** A STACK record as a STACK row at row n: its frames named, innermost first. */
  private stackRow(out: EventBatch, n: number, view: DataView, pos: number): void {
    const frames = Math.max(0, Math.min(view.getInt32(pos + OFFSETS.a, true), STACK_DEPTH));
    this.symbols ??= this.loadSymbols();
    const names = new Array<string>(frames);
    for (let i = 0; i < frames; i++) {
      const at = pos + OFFSETS.frames + 8 * i;
      names[i] = this.symbols.name(view.getBigUint64(at, true));
    }
    out.names.set(n, names.join(';'));
  }

  /** Records per kind (a kind is one byte). */
  readonly counts = new Float64Array(256);

  /** A new id for a kernel address, announced by a SYM row written at row n. */
  private newSymbol(out: EventBatch, n: number, ts: number, cpu: number, addr: bigint, name: string | null): number {
    const id = this.symIds.size + 1;
    this.symIds.set(addr, id);
    out.ts[n] = ts;
    out.cpu[n] = cpu;
    out.kind[n] = Kind.SYM;
    out.flags[n] = 0;
    out.tid[n] = 0;
    out.tid2[n] = 0;
    out.a[n] = 0;
    out.b[n] = 0;
    out.c[n] = id;
    // An address the kernel could not name (its SYM record lost) keeps its hex form.
    out.names.set(n, name || `0x${addr.toString(16)}`);
    this.counts[Kind.SYM]!++;
    return id;
  }

  /** Decode every whole record of buf. */
  decode(buf: Buffer): EventBatch {
    // Upper bound on rows: every record is at least EVENT_SIZE bytes; each may add one SYM row.
    const out = allocBatch(Math.ceil((2 * buf.length) / EVENT_SIZE) + 1);
    let n = 0;
    let pos = 0;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (pos + EVENT_SIZE <= buf.length) {
      const kind = buf[pos + OFFSETS.kind]!;
      const size = recordSize(kind);
      if (pos + size > buf.length) break;
      const ts = view.getUint32(pos + OFFSETS.ts + 4, true) * 4294967296 + view.getUint32(pos + OFFSETS.ts, true);
      const cpu = view.getUint16(pos + OFFSETS.cpu, true);
      const addrLo = view.getUint32(pos + OFFSETS.addr, true);
      const addrHi = view.getUint32(pos + OFFSETS.addr + 4, true);
      let c = view.getInt32(pos + OFFSETS.c, true);
      if (addrLo !== 0 || addrHi !== 0) {
        const addr = (BigInt(addrHi) << 32n) | BigInt(addrLo);
        let id = this.symIds.get(addr);
        if (id === undefined) {
          const name = kind === Kind.SYM ? cString(buf, pos + OFFSETS.name, NAME_LEN) : null;
          id = this.newSymbol(out, n++, ts, cpu, addr, name);
        }
        if (kind === Kind.SYM) {
          pos += size;
          continue;
        }
        c = id;
      }
      out.ts[n] = ts;
      out.cpu[n] = cpu;
      out.kind[n] = kind;
      out.flags[n] = buf[pos + OFFSETS.flags]!;
      out.tid[n] = view.getInt32(pos + OFFSETS.tid, true);
      out.tid2[n] = view.getInt32(pos + OFFSETS.tid2, true);
      out.a[n] = view.getInt32(pos + OFFSETS.a, true);
      out.b[n] = view.getInt32(pos + OFFSETS.b, true);
      out.c[n] = c;
      out.stack[n] = view.getUint32(pos + OFFSETS.stack, true);
      if (kind === Kind.STACK) this.stackRow(out, n, view, pos);
      else if (size > EVENT_SIZE) out.names.set(n, cString(buf, pos + OFFSETS.name, NAME_LEN));
      this.counts[kind]!++;
      n++;
      pos += size;
    }
    return trimBatch(out, n);
  }
}
