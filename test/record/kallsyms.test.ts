/** Kernel symbols from kallsyms text: the last text symbol at or below an address, never a guess beyond it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
  const file = (name: string, lines: string[]): string => {
    const f = path.join(dir, name);
    writeFileSync(f, lines.join('\n') + '\n', 'latin1');
    return f;
  };
  // enough lines before them that they fall past the first chunk read, one of them cut across two
  const filler = Array.from({ length: 3000 }, (_, i) => `ffffffff8100${(i + 0x1000).toString(16)} t filler_${i}`);

  it('finds the interrupt entry code, however far into the file', () => {
    const f = file('far', [
      ...filler,
      'ffffffff81e00000 T __irqentry_text_start',
      'ffffffff81e00010 T asm_sysvec_apic_timer_interrupt',
      ...filler,
      'ffffffff81e00f70 T __irqentry_text_end',
      'ffffffffc0a00000 t ext4_sync_file\t[ext4]',
    ]);
    expect(irqEntryText(f)).toEqual({ lo: 0xffffffff81e00000n, hi: 0xffffffff81e00f70n });
  });

  it('is null when the file lacks either, hides addresses (not root), or cannot be read', () => {
    expect(irqEntryText(file('none', filler))).toBeNull();
    expect(irqEntryText(file('half', ['ffffffff81e00000 T __irqentry_text_start', ...filler]))).toBeNull();
    const hidden = ['0000000000000000 T __irqentry_text_start', '0000000000000000 T __irqentry_text_end'];
    expect(irqEntryText(file('hidden', hidden))).toBeNull();
    expect(irqEntryText(path.join(dir, 'missing'))).toBeNull();
  });
});
