/**
 * Kernel addresses to function names, from /proc/kallsyms: read once, on the first
 * stack that needs it, and kept as one sorted table of the text symbols. A frame is
 * named `function` (core kernel) or `function [module]`; an address outside every
 * symbol keeps its hex form, so a frame is never named wrongly.
 */
import fs from 'node:fs';

export interface KernelSymbols {
  /** The frame's name: `function`, `function [module]`, or `0x…` when unknown. */
  name(addr: bigint): string;
}

/** Text symbols (t, T, w, W) in address order. */
class SymbolTable implements KernelSymbols {
  constructor(
    private readonly addrs: BigUint64Array,
    private readonly names: string[],
  ) {}

  name(addr: bigint): string {
    const a = this.addrs;
    let lo = 0;
    let hi = a.length - 1;
    if (hi < 0 || addr < a[0]!) return hexAddr(addr);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid]! <= addr) lo = mid;
      else hi = mid - 1;
    }
    // A return address past the last text symbol (or into a gap the table cannot see) is
    // not guessed beyond 1 MiB of its symbol.
    return addr - a[lo]! < 0x100000n ? this.names[lo]! : hexAddr(addr);
  }
}

function hexAddr(addr: bigint): string {
  return `0x${addr.toString(16)}`;
}

/** Parses kallsyms text (`addr type name [module]`), keeping the text symbols. */
export function parseKallsyms(text: string): KernelSymbols {
  const entries: Array<[bigint, string]> = [];
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    pos = end + 1;
    const s1 = line.indexOf(' ');
    const type = line.charCodeAt(s1 + 1);
    // t T (text) and w W (weak, e.g. __x64_sys_* aliases)
    if (s1 <= 0 || !(type === 116 || type === 84 || type === 119 || type === 87)) continue;
    const rest = line.slice(s1 + 3);
    const tab = rest.indexOf('\t');
    const sym = tab < 0 ? rest : rest.slice(0, tab);
    const mod = tab < 0 ? '' : rest.slice(tab + 1).trim();
    const addr = BigInt(`0x${line.slice(0, s1)}`);
    if (addr === 0n) continue; // addresses hidden from this reader (kptr_restrict)
    entries.push([addr, mod ? `${sym} ${mod}` : sym]);
  }
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const addrs = new BigUint64Array(entries.length);
  const names = new Array<string>(entries.length);
  entries.forEach(([a, n], i) => {
    addrs[i] = a;
    names[i] = n;
  });
  return new SymbolTable(addrs, names);
}

let loaded: KernelSymbols | null = null;

/** This machine's kernel symbols (read once); an unreadable file names every frame by address. */
export function kernelSymbols(file = '/proc/kallsyms'): KernelSymbols {
  if (loaded) return loaded;
  let text = '';
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    text = '';
  }
  loaded = parseKallsyms(text);
  return loaded;
}
