/** Kernel symbols from kallsyms text: the last text symbol at or below an address, never a guess beyond it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { irqEntryText, kernelSymbols, parseKallsyms, preloadKernelSymbols } from '../../src/record/kallsyms.js';

const TEXT = Buffer.from(
  [
    'ffffffff81000000 T _stext',
    'ffffffff81000100 t do_nanosleep',
    'ffffffff81000200 D some_data',
    'ffffffff81000300 W __x64_sys_alias',
    'ffffffffc0a00000 t ext4_sync_file\t[ext4]',
    // out of order, as module symbols may be
    'ffffffff81000180 T hrtimer_nanosleep',
    '0000000000000000 t hidden_from_this_reader',
    'ffffffffc0a00400 t jbd2_wait\t[jbd2]',
    '',
  ].join('\n'),
  'latin1',
);

describe('parseKallsyms', () => {
  const syms = parseKallsyms(TEXT);

  it('names an address by the last text symbol at or below it, with its module', () => {
    expect(syms.name(0xffffffff81000105n)).toBe('do_nanosleep');
    expect(syms.name(0xffffffff81000180n)).toBe('hrtimer_nanosleep');
    expect(syms.name(0xffffffff81000250n)).toBe('hrtimer_nanosleep'); // data symbols are not functions
    expect(syms.name(0xffffffff81000310n)).toBe('__x64_sys_alias');
    expect(syms.name(0xffffffffc0a00010n)).toBe('ext4_sync_file [ext4]');
    expect(syms.name(0xffffffffc0a00410n)).toBe('jbd2_wait [jbd2]');
  });

  it('keeps the hex form below every symbol and far past the last one', () => {
    expect(syms.name(0xffffffff80000000n)).toBe('0xffffffff80000000');
    expect(syms.name(0xffffffffc0b00400n)).toBe('0xffffffffc0b00400');
    expect(parseKallsyms(Buffer.alloc(0)).name(0xffffffff81000105n)).toBe('0xffffffff81000105');
  });
});

describe('preloadKernelSymbols', () => {
  it('reads and indexes the file in a worker; kernelSymbols() then names frames as parseKallsyms does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-kallsyms-'));
    try {
      const file = path.join(dir, 'kallsyms');
      writeFileSync(file, TEXT);
      await preloadKernelSymbols(file);
      const syms = kernelSymbols('/nonexistent: the preloaded table is used');
      for (const addr of [0xffffffff81000105n, 0xffffffff81000250n, 0xffffffffc0a00410n, 0xffffffff80000000n])
        expect(syms.name(addr)).toBe(parseKallsyms(TEXT).name(addr));
      expect(syms.name(0xffffffff81000105n)).toBe('do_nanosleep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('irqEntryText', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-irqentry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text, 'latin1');
    return f;
  };
  const line = (addr: string, type: string, name: string) => `${addr} ${type} ${name}\n`;
  /** Lines of other symbols (30 bytes each, a last line of padding), `bytes` long in all. */
  const filler = (bytes: number): string => {
    let out = '';
    for (let i = 0; out.length + 32 <= bytes; i++)
      out += line(`ffffffff8${(0x1000000 + i).toString(16)}`, 't', `fill_${(i % 1e5).toString().padStart(5, '0')}`);
    return out + 'x'.repeat(bytes - out.length - 1) + '\n';
  };
  const START = line('ffffffff81e00000', 'T', '__irqentry_text_start');
  const END = line('ffffffff81e00f70', 'T', '__irqentry_text_end');
  const want = { lo: 0xffffffff81e00000n, hi: 0xffffffff81e00f70n };

  it('finds the interrupt entry code at the head of the file', () => {
    expect(irqEntryText(file('head', filler(512) + START + filler(1024) + END + filler(200_000)))).toEqual(want);
  });

  it('finds it past the first chunk read, a line of it cut by the chunk boundary (64 KiB)', () => {
    // the start line begins 10 bytes before 64 KiB, so that the first read ends inside it
    const f = file('cut', filler(65_536 - 10) + START + filler(70_000) + END);
    expect(irqEntryText(f)).toEqual(want);
  });

  it('reads the last line of a file that does not end with a newline', () => {
    expect(irqEntryText(file('no-newline', START + filler(4096) + END.trimEnd()))).toEqual(want);
  });

  it('is null when the file lacks either, hides addresses (not root), or cannot be read', () => {
    expect(irqEntryText(file('none', filler(300_000)))).toBeNull();
    expect(irqEntryText(file('half', START + filler(100_000)))).toBeNull();
    const hidden =
      line('0000000000000000', 'T', '__irqentry_text_start') + line('0000000000000000', 'T', '__irqentry_text_end');
    expect(irqEntryText(file('hidden', hidden))).toBeNull();
    // a name that only ends like them, and a module's symbol, are not them
    const others =
      line('ffffffff81e00000', 't', 'x__irqentry_text_start') + 'ffffffff81e00f70 t __irqentry_text_end\t[mod]\n';
    expect(irqEntryText(file('others', others))).toBeNull();
    expect(irqEntryText(path.join(dir, 'missing'))).toBeNull();
  });
});
