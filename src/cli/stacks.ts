import type { Command } from 'commander';
import { addFilterOptions, filtersOf, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';

export function registerStacks(program: Command, _exit: (code: number) => void): void {
  addFilterOptions(
    program
      .command('stacks')
      .description(
        'off-CPU kernel stacks as folded text (flamegraph.pl, inferno, speedscope): where each thread slept, weighted by ns asleep',
      )
      .argument('<capture>', 'a capture file (SQLite or Arrow) recorded with stacks')
      .option('--folded', 'folded text, one stack per line (the only output form; accepted for familiarity)')
      .option('--waker', "append the waker's frames and source after a -- frame, as offwaketime does"),
  ).action(async (file: string, o: Typed) => {
    const { stacks } = await import('../api.js');
    try {
      const out = await stacks(file, {
        ...filtersOf(o),
        waker: o.waker === true,
        onProgress: progressLine('replaying'),
      });
      clearProgress();
      process.stdout.write(out);
    } finally {
      clearProgress();
    }
  });
}
