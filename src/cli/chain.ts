import type { Command } from 'commander';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { parseFilters, positiveInt } from './filters.js';

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
    .action(async (file: string, o: Record<string, unknown>) => {
      const { chain } = await import('../api.js');
      const tid = positiveInt('--tid', o.tid as string | undefined);
      const pid = positiveInt('--pid', o.pid as string | undefined);
      if (tid === undefined && pid === undefined) throw new LifelineError('OPTION_MISSING_TARGET', msg.chainNeedsTarget());
      const { comm, fromNs, toNs } = parseFilters({ comm: o.comm, from: o.from, to: o.to });
      const out = await chain(file, {
        comm,
        fromNs,
        toNs,
        target: tid !== undefined ? { tid } : { pid: pid! },
        depth: positiveInt('--depth', o.depth as string | undefined),
        limit: positiveInt('--limit', o.limit as string | undefined),
      });
      process.stdout.write(out.endsWith('\n') ? out : out + '\n');
    });
}
