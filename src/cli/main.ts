/** The `lifeline` command line: commander wiring only, each command a thin shell over src/api.ts. */
import { Command, CommanderError } from 'commander';
import { LifelineError } from '../errors.js';
import { msg } from '../messages.js';
import { errorLine } from './error-line.js';
import { VERSION } from '../version.js';
import { registerRecord } from './record.js';
import { registerInfo } from './info.js';
import { registerAnalyze } from './analyze.js';
import { registerChain } from './chain.js';
import { registerPath } from './path.js';
import { registerStacks } from './stacks.js';
import { registerReport } from './report.js';
import { registerExport } from './export.js';
import { registerServe } from './serve.js';

/**
 * A reader that stops early (`lifeline analyze … | head`) closes the pipe: like the
 * classic Unix tools, stop quietly instead of dying on EPIPE with a stack trace.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`lifeline: ${msg.cannotWriteOutput(err.message)}\n`);
    process.exit(err.code === 'EPIPE' ? 0 : 1);
  });
}

/** "error: unknown option '--x'\n(Did you mean --y?)" → "unknown option '--x' (did you mean --y?)". */
function commanderLine(s: string): string {
  return s
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l, i) => (i > 0 ? l.replace(/^\(D/, '(d') : l))
    .join(' ');
}

/**
 * The command argv asks for (`lifeline help X` asks for X's help): the first word that is not an
 * option, as the program's own options (--version, --help) take no value.
 */
function commandOf(argv: string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

async function loadSortKeys(): Promise<readonly string[]> {
  return (await import('../options/commands.js')).sortKeys();
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  let code = 0;
  const exit = (c: number) => {
    code = c;
  };
  const program = new Command('lifeline')
    .description('record what the Linux scheduler does, and explain who woke whom')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's own errors (unknown option, missing argument) as one `lifeline:` line, like ours
      outputError: (s, write) => write(`lifeline: ${errorLine(commanderLine(s))}\n`),
    });
  registerRecord(program, exit);
  registerInfo(program, exit);
  // a command's modules load when it runs: the sort keys (the metric catalogue) only for analyze
  registerAnalyze(program, exit, commandOf(argv) === 'analyze' ? await loadSortKeys() : []);
  registerChain(program, exit);
  registerPath(program, exit);
  registerStacks(program, exit);
  registerReport(program, exit);
  registerExport(program, exit);
  registerServe(program, exit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof LifelineError) {
      process.stderr.write(`lifeline: ${errorLine(e.message)}\n`);
      if (process.env.LIFELINE_DEBUG && e.detail) process.stderr.write(`${e.detail}\n`);
      return e.exitCode;
    }
    throw e;
  }
  return code;
}
