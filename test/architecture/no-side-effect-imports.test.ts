/**
 * scripts/bundle.mjs tells esbuild that lifeline's modules have no import-time side effects, so
 * the bundle the CLI runs leaves out a module none of whose exports is used. That holds while no
 * module of src/ is imported for its effects alone (`import './x.js'`): this test says so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? sources(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('the modules of src/', () => {
  it('are never imported for their side effects alone', () => {
    const bare = sources('src').flatMap((f) =>
      [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^\s*import\s*['"][^'"]+['"]/gm)].map(
        (m) => `${f}: ${m[0].trim()}`,
      ),
    );
    expect(bare).toEqual([]);
  });
});
