/**
 * Kernel addresses to symbol names, from /proc/kallsyms (readable with real
 * addresses as root). Loaded once, on the first address that needs a name.
 */
import { readFileSync } from 'node:fs';

/** Kernel text addresses share their top 16 bits; the low 48 fit a double exactly. */
const LOW48 = 0xffffffffffffn;

export class Kallsyms {
  private addrs: Float64Array | null = null;
  private names: string[] = [];

  constructor(private readonly file = '/proc/kallsyms') {}

  private load(): void {
    let text = '';
    try {
      text = readFileSync(this.file, 'latin1');
    } catch {
      text = '';
    }
    const addrs: number[] = [];
    const names: string[] = [];
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      // "ffffffff81000000 T _stext [module]"
      const sp1 = text.indexOf(' ', pos);
      if (sp1 > 0 && sp1 < end) {
        const type = text.charCodeAt(sp1 + 1) | 0x20; // lower-case
        if (type === 0x74 /* t */) {
          const addr = parseInt(text.slice(Math.max(pos, sp1 - 12), sp1), 16);
          if (addr > 0) {
            const nameEnd = text.indexOf(' ', sp1 + 3);
            names.push(text.slice(sp1 + 3, nameEnd > 0 && nameEnd < end ? nameEnd : end).replace(/\t.*$/, ''));
            addrs.push(addr);
          }
        }
      }
      pos = end + 1;
    }
    const order = addrs.map((_, i) => i).sort((x, y) => addrs[x]! - addrs[y]!);
    this.addrs = Float64Array.from(order, (i) => addrs[i]!);
    this.names = order.map((i) => names[i]!);
  }

  /** The function containing addr ("name" or "name+0x1f"), or the hex address if unknown. */
  resolve(addr: bigint): string {
    if (!this.addrs) this.load();
    const a = Number(addr & LOW48);
    const addrs = this.addrs!;
    let lo = 0;
    let hi = addrs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (addrs[mid]! <= a) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return `0x${addr.toString(16)}`;
    const off = a - addrs[found]!;
    return off === 0 ? this.names[found]! : `${this.names[found]}+0x${off.toString(16)}`;
  }
}
