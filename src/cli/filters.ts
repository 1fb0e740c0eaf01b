/** The filter options shared by analyze, chain and report. */
import type { Command } from 'commander';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import type { AnalyzeOptions } from '../analyze/types.js';

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--pid <pids>', 'only these processes (comma-separated tgids)')
    .option('--tid <tids>', 'only these threads (comma-separated)')
    .option('--comm <regex>', 'only threads whose name matches')
    .option('--from <seconds>', 'start of the window, seconds from the capture start')
    .option('--to <seconds>', 'end of the window, seconds from the capture start');
}

function ids(flag: string, s: string | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  const out = s.split(',').map((x) => Number(x.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 0)) throw new LifelineError('OPTION_BAD_ID', msg.badIdList(flag, s));
  return out;
}

function seconds(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || s.trim() === '') throw new LifelineError('OPTION_BAD_WINDOW', msg.badSeconds(flag, s));
  return Math.round(n * 1e9);
}

export function parseFilters(o: Record<string, unknown>): AnalyzeOptions {
  let comm: RegExp | undefined;
  if (typeof o.comm === 'string') {
    try {
      comm = new RegExp(o.comm);
    } catch {
      throw new LifelineError('OPTION_BAD_REGEX', msg.badRegex(o.comm));
    }
  }
  return {
    pid: ids('--pid', o.pid as string | undefined),
    tid: ids('--tid', o.tid as string | undefined),
    comm,
    fromNs: seconds('--from', o.from as string | undefined),
    toNs: seconds('--to', o.to as string | undefined),
  };
}

export function positiveInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new LifelineError('OPTION_BAD_NUMBER', msg.badPositiveInt(flag, s));
  return n;
}
