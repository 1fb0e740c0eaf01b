/**
 * Kernel addresses to function names, from /proc/kallsyms: read once, on the first stack that
 * needs it, in one read, and kept as the file's bytes plus a sorted index of its text symbols
 * (two 32-bit halves per address); a name is decoded only when an address needs it. A frame is
 * named `function` (core kernel) or `function [module]`; an address outside every symbol keeps
 * its hex form, so a frame is never named wrongly.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../worker-url.js';

export interface KernelSymbols {
  /** The frame's name: `function`, `function [module]`, or `0x…` when unknown. */
  name(addr: bigint): string;
}

/** A return address farther than this past its symbol's start is not guessed to be in it. */
const MAX_FUNCTION_BYTES = 0x100000;

const TWO_32 = 4294967296;

function hexAddr(addr: bigint): string {
  return `0x${addr.toString(16)}`;
}

class SymbolTable implements KernelSymbols {
  private readonly names = new Map<number, string>();

  constructor(
    private readonly text: Buffer,
    /** Per symbol, in address order: the address halves and where its name and module are. */
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    private readonly at: Int32Array,
  ) {}

  name(addr: bigint): string {
    const n = this.hi.length;
    const qh = Number(addr >> 32n);
    const ql = Number(addr & 0xffffffffn);
    // the last symbol at or below addr
    let lo = 0;
    let hi = n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const h = this.hi[mid]!;
      if (h < qh || (h === qh && this.lo[mid]! <= ql)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return hexAddr(addr);
    const distance = (qh - this.hi[found]!) * TWO_32 + (ql - this.lo[found]!);
    if (distance >= MAX_FUNCTION_BYTES) return hexAddr(addr);
    return this.symbolName(found);
  }

  /** `name` or `name [module]`, decoded from the file's bytes once. */
  private symbolName(i: number): string {
    let s = this.names.get(i);
    if (s !== undefined) return s;
    const t = this.text;
    const start = this.at[i]!;
    let end = start;
    while (end < t.length && t[end] !== 10 && t[end] !== 9) end++;
    s = t.toString('latin1', start, end);
    if (t[end] === 9) {
      let mEnd = end + 1;
      while (mEnd < t.length && t[mEnd] !== 10) mEnd++;
      const mod = t.toString('latin1', end + 1, mEnd).trim();
      if (mod !== '') s = `${s} ${mod}`;
    }
    this.names.set(i, s);
    return s;
  }
}

/**
 * Indexes kallsyms text (`addr type name[\t[module]]` lines), keeping the text symbols. One pass
 * over the bytes into typed arrays (grown by doubling): 121 K lines parse in ~40 ms here where
 * number arrays and a call per digit took ~120 ms, at the end of every `record` with stacks.
 */
export function parseKallsyms(text: Buffer): KernelSymbols {
  const { hi, lo, at } = indexKallsyms(text);
  return new SymbolTable(text, hi, lo, at);
}

/** What parseKallsyms keeps of the text: per text symbol, in address order, its address halves and name. */
export interface KallsymsIndex {
  hi: Uint32Array;
  lo: Uint32Array;
  at: Int32Array;
}

function indexKallsyms(text: Buffer): KallsymsIndex {
  let cap = 1 << 16;
  let his = new Uint32Array(cap);
  let los = new Uint32Array(cap);
  let ats = new Int32Array(cap);
  let count = 0;
  let sorted = true;
  let lastHi = 0;
  let lastLo = 0;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let h = 0;
    let l = 0;
    let digits = 0;
    for (;;) {
      const c = text[pos + digits]!;
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (v < 0) break;
      // the first 8 of 16 digits are the high half
      if (digits < 8) h = h * 16 + v;
      else l = l * 16 + v;
      digits++;
    }
    pos += digits;
    let eol = pos;
    while (eol < n && text[eol] !== 10) eol++;
    // digits (16 on 64-bit kernels, 8 on 32-bit: all in the low half then)
    if (digits === 8) {
      l = h;
      h = 0;
    }
    const type = text[pos + 1];
    // t T (text) and w W (weak, e.g. __x64_sys_* aliases); a zero address is hidden from this reader
    if (
      digits > 0 &&
      text[pos] === 32 &&
      (type === 116 || type === 84 || type === 119 || type === 87) &&
      (h !== 0 || l !== 0)
    ) {
      if (h < lastHi || (h === lastHi && l < lastLo)) sorted = false;
      lastHi = h;
      lastLo = l;
      if (count === cap) {
        cap *= 2;
        his = grown(his, cap);
        los = grown(los, cap);
        ats = grown(ats, cap);
      }
      his[count] = h;
      los[count] = l;
      ats[count] = pos + 3;
      count++;
    }
    pos = eol + 1;
  }
  his = his.subarray(0, count);
  los = los.subarray(0, count);
  ats = ats.subarray(0, count);
  if (!sorted) {
    const order = Array.from({ length: count }, (_, i) => i);
    order.sort((x, y) => his[x]! - his[y]! || los[x]! - los[y]!);
    his = Uint32Array.from(order, (i) => his[i]!);
    los = Uint32Array.from(order, (i) => los[i]!);
    ats = Int32Array.from(order, (i) => ats[i]!);
  }
  return { hi: his, lo: los, at: ats };
}

/** A copy of `a` in an array of `length` elements. */
function grown<T extends Uint32Array | Int32Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}

/** A file of procfs (its size reads as 0) in as few reads as its length allows. */
function readProcFile(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(8 << 20);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, len);
        buf = grown;
      }
      const got = fs.readSync(fd, buf, len, buf.length - len, null);
      if (got === 0) break;
      len += got;
    }
    return buf.subarray(0, len);
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes of kallsyms read at a time while looking for the interrupt entry code. */
const HEAD_CHUNK = 64 * 1024;

/**
 * Where the kernel's interrupt entry code lies: [__irqentry_text_start, __irqentry_text_end)
 * (x86: the asm_* stubs), where the BPF programs cut a stack taken in an interrupt. The file is
 * read a chunk at a time until both are found. On this project's kernel (6.18) they are its lines
 * 16 and 56, so a few KB are read where the whole file (libbpf's way of resolving them) costs some
 * 60 ms of kernel formatting and parsing; a kernel that lists them later is read up to them, at
 * worst whole. Null when they are not both found, or read as 0 (hidden from this user).
 */
export function irqEntryText(file = '/proc/kallsyms'): { lo: bigint; hi: bigint } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.allocUnsafe(HEAD_CHUNK);
    let text = '';
    let lo: bigint | undefined;
    let hi: bigint | undefined;
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null);
      // the unread part of the last chunk (a line it cut) goes on with this one; the end ends a line
      text += got > 0 ? buf.toString('latin1', 0, got) : '\n';
      lo ??= symbolAddress(text, '__irqentry_text_start');
      hi ??= symbolAddress(text, '__irqentry_text_end');
      if ((lo !== undefined && hi !== undefined) || got === 0) break;
      text = text.slice(text.lastIndexOf('\n') + 1);
    }
    return lo !== undefined && hi !== undefined && lo !== 0n && hi > lo ? { lo, hi } : null;
  } catch {
    return null; // unreadable: the stacks are not cut, as when the symbols are hidden
  } finally {
    fs.closeSync(fd);
  }
}

/** The address of the whole line `addr type name` in `text`: undefined when none, 0 when not hex (unknown). */
function symbolAddress(text: string, name: string): bigint | undefined {
  const at = text.indexOf(` ${name}\n`);
  if (at < 0) return undefined;
  const line = text.slice(text.lastIndexOf('\n', at) + 1, at);
  const addr = line.slice(0, line.indexOf(' '));
  return /^[0-9a-f]+$/i.test(addr) ? BigInt(`0x${addr}`) : 0n;
}

/** A file's text and its index, as the worker of preloadKernelSymbols hands them over. */
export interface ReadKallsyms extends KallsymsIndex {
  text: Uint8Array;
}

/** Reads and indexes a kallsyms file; an unreadable file is an empty one (every frame named by address). */
export function readKallsyms(file: string): ReadKallsyms {
  let text: Buffer;
  try {
    text = readProcFile(file);
  } catch {
    text = Buffer.alloc(0);
  }
  return { text, ...indexKallsyms(text) };
}

let loaded: KernelSymbols | null = null;

/** This machine's kernel symbols (read once); an unreadable file names every frame by address. */
export function kernelSymbols(file = '/proc/kallsyms'): KernelSymbols {
  if (loaded) return loaded;
  const r = readKallsyms(file);
  loaded = new SymbolTable(Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength), r.hi, r.lo, r.at);
  return loaded;
}

/**
 * Reads and indexes kallsyms in a worker thread (~0.1 s to read, ~0.07 s to index here), so that
 * `record` does it while the BPF programs load instead of when the first stack is decoded, at the
 * end of a short recording. Resolves once kernelSymbols() has them; on any failure it resolves
 * too, and kernelSymbols() reads the file itself when asked.
 */
export function preloadKernelSymbols(file = '/proc/kallsyms'): Promise<void> {
  if (loaded) return Promise.resolve();
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(import.meta.url, 'kallsyms-worker.js'), { workerData: { file } });
    } catch {
      resolve();
      return;
    }
    worker.once('message', (r: ReadKallsyms) => {
      loaded ??= new SymbolTable(Buffer.from(r.text.buffer, r.text.byteOffset, r.text.byteLength), r.hi, r.lo, r.at);
      resolve();
    });
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
  });
}
