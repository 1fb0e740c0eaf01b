import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/lifeline.js');

describe('lifeline output into a pipe', () => {
  it('stops quietly when the reader closes the pipe early (… | head)', async () => {
    // The JSON of this fixture is ~2 MB: far more than a pipe holds.
    const child = spawn(process.execPath, [BIN, 'analyze', '--json', path.join(ROOT, 'fixtures/sleeper-stress.db')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
