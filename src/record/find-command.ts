/** Resolve a command like the shell would, before anything is started or written. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function findCommand(cmd: string, envPath = process.env.PATH ?? ''): string | null {
  const isExec = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) return isExec(cmd) ? cmd : null;
  for (const dir of envPath.split(':')) {
    const p = path.join(dir || '.', cmd);
    if (isExec(p)) return p;
  }
  return null;
}
