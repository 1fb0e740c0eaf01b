/** Resolve a command like the shell would, before anything is started or written. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The path of `cmd` (as given when it holds a slash, else found on `envPath`), or null. `cmd`
 * may be the raw bytes of a name that is not UTF-8: it is then looked up as those bytes.
 */
export function findCommand<T extends string | Buffer>(cmd: T, envPath = process.env.PATH ?? ''): T | null {
  const isExec = (p: string | Buffer): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const slash = typeof cmd === 'string' ? cmd.includes('/') : cmd.includes(0x2f);
  if (slash) return isExec(cmd) ? cmd : null;
  for (const dir of envPath.split(':')) {
    const p =
      typeof cmd === 'string' ? path.join(dir || '.', cmd) : Buffer.concat([Buffer.from(`${dir || '.'}/`), cmd]);
    if (isExec(p)) return p as T;
  }
  return null;
}

/** An element of the recorded command: text, or the raw bytes of one that is not UTF-8. */
export type CommandArg = string | Buffer;

/** The element as text (bytes that are not UTF-8 read as U+FFFD), for messages and the meta. */
export function commandText(a: CommandArg): string {
  return typeof a === 'string' ? a : a.toString('utf8');
}

/** Whether the element's bytes do not survive as text (not UTF-8). */
function notText(a: CommandArg): boolean {
  return typeof a !== 'string' && !Buffer.from(a.toString('utf8'), 'utf8').equals(a);
}

/** printf's format for exactly these bytes: every byte as an octal escape, nothing to quote. */
function octal(bytes: Buffer): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/**
 * What to spawn for `command`. Node hands strings to execve as UTF-8, so a name or argument
 * that is not UTF-8 cannot reach the kernel through it; /bin/sh can: printf turns octal escapes
 * back into the bytes, and `exec` replaces the shell, so the process (its pid, and its comm,
 * which the kernel takes from the path executed) is the command's own.
 */
export function spawnArgs(command: readonly CommandArg[]): { file: string; args: string[] } {
  if (!command.some(notText)) return { file: commandText(command[0]!), args: command.slice(1).map(commandText) };
  const bytes = command.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : a));
  // "x" then stripped: command substitution would drop trailing newlines of an argument
  const set = bytes.map((b, i) => `a${i}=$(printf '${octal(b)}x'); a${i}=\${a${i}%x}`);
  const exec = `exec ${bytes.map((_, i) => `"$a${i}"`).join(' ')}`;
  return { file: '/bin/sh', args: ['-c', [...set, exec].join('\n'), 'lifeline'] };
}
