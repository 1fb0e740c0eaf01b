import type { Command } from 'commander';

export function registerInfo(program: Command, _exit: (code: number) => void): void {
  program
    .command('info')
    .description(
      'print the facts of a capture: host, clock, command, counts by kind and by wakeup context, lost events',
    )
    .argument('<capture>', 'a capture file (SQLite or Arrow)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, o: { json?: boolean }) => {
      const { info } = await import('../api.js');
      process.stdout.write((await info(file, { json: o.json })) + '\n');
    });
}
