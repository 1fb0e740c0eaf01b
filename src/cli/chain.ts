import type { Command } from 'commander';
import { str, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';
import { printText } from './print.js';

export function registerChain(program: Command, _exit: (code: number) => void): void {
  program
    .command('chain')
    .description("a thread's lifeline: each wakeup, who really woke it, and what woke the waker before, back in time")
    .argument('<capture>', 'a capture file (SQLite or Arrow)')
    .option('--tid <tid>', 'the thread')
    .option('--pid <pid>', 'every thread of this process')
    .option('--depth <n>', 'follow each chain back at most N links', '8')
    .option('--limit <n>', 'at most N wakeups per thread')
    .option('--comm <regex>', 'only threads whose name matches')
    .option('--from <seconds>', 'start of the window, seconds from the capture start')
    .option('--to <seconds>', 'end of the window, seconds from the capture start')
    .action(async (file: string, o: Typed) => {
      const { chain } = await import('../api.js');
      try {
        const out = await chain(file, {
          tid: str(o, 'tid'),
          pid: str(o, 'pid'),
          depth: str(o, 'depth'),
          limit: str(o, 'limit'),
          comm: str(o, 'comm'),
          from: str(o, 'from'),
          to: str(o, 'to'),
          onProgress: progressLine('replaying'),
        });
        clearProgress();
        printText(out);
      } finally {
        clearProgress();
      }
    });
}
