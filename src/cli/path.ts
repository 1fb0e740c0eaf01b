import type { Command } from 'commander';
import { str, type Typed } from './filters.js';
import { clearProgress, progressLine } from './progress.js';
import { printText } from './print.js';

export function registerPath(program: Command, _exit: (code: number) => void): void {
  program
    .command('path')
    .description(
      "where the time went: the critical path of a thread's interval, through who held its CPU and what woke it, back in time",
    )
    .argument('<capture>', 'a capture file (SQLite or Arrow)')
    .option('--tid <tid>', 'the thread (default: the longest bursts of any thread)')
    .option('--pid <pids>', 'without --tid: the longest bursts of these processes’ threads')
    .option('--comm <regex>', 'without --tid: the longest bursts of the threads whose name matches')
    .option('--from <seconds>', 'start of the interval (with --to), or of the window the bursts lie in')
    .option('--to <seconds>', 'end of the interval (with --from), or of the window the bursts lie in')
    .option('--burst <n>', "the thread's n-th burst, with the wait before it")
    .option('--longest [n]', 'the longest burst(s), with the wait before each (the default: 1)')
    .option('--depth <n>', 'follow causes at most N wakeups back (default 32)')
    .option('--summary', 'only the time by kind and by thread, not each segment')
    .option('--json', 'the segments and summaries as JSON')
    .action(async (file: string, o: Typed) => {
      const { path } = await import('../api.js');
      try {
        const out = await path(file, {
          tid: str(o, 'tid'),
          pid: str(o, 'pid'),
          comm: str(o, 'comm'),
          from: str(o, 'from'),
          to: str(o, 'to'),
          burst: str(o, 'burst'),
          longest: o.longest === true ? true : str(o, 'longest'),
          depth: str(o, 'depth'),
          summary: o.summary === true,
          json: o.json === true,
          onProgress: progressLine('replaying'),
        });
        clearProgress();
        printText(out);
      } finally {
        clearProgress();
      }
    });
}
