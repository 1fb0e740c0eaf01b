/** The filter options shared by analyze and report (passed on as typed; src/options checks them). */
import type { Command } from 'commander';

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--pid <pids>', 'only these processes (comma-separated tgids)')
    .option('--tid <tids>', 'only these threads (comma-separated)')
    .option('--comm <regex>', 'only threads whose name matches')
    .option('--from <seconds>', 'start of the window, seconds from the capture start')
    .option('--to <seconds>', 'end of the window, seconds from the capture start');
}

/** Commander's option values: strings as typed, booleans for switches. */
export type Typed = Record<string, string | boolean | undefined>;

export function str(o: Typed, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function filtersOf(o: Typed): { pid?: string; tid?: string; comm?: string; from?: string; to?: string } {
  return { pid: str(o, 'pid'), tid: str(o, 'tid'), comm: str(o, 'comm'), from: str(o, 'from'), to: str(o, 'to') };
}
