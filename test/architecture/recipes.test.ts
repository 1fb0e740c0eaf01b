/**
 * docs/architecture.md's three recipes (a kind, a metric, an export format) name every file they
 * touch: each file named exists, and every file that names an existing example of the extension
 * (found by grep, as a maintainer would) is in the recipe's list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const page = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');

/** The backticked paths of the bullets of one recipe (`### title` up to the next heading). */
function recipe(title: string): string[] {
  const at = page.indexOf(`### ${title}`);
  if (at < 0) throw new Error(`docs/architecture.md has no recipe "${title}"`);
  const end = page.slice(at + 4).search(/\n#{2,3} /);
  const body = page.slice(at, end < 0 ? undefined : at + 4 + end);
  return [...body.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!);
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...files(rel));
    else out.push(rel);
  }
  return out;
}

/** Files of src/, bpf/, native/ and docs/ (and the README) naming `word` (not generated, not built). */
function naming(word: RegExp): string[] {
  const all = [...files('src'), ...files('bpf'), ...files('native'), ...files('docs'), 'README.md'].filter(
    (f) => /\.(ts|c|h|cc|md)$/.test(f) && !f.includes('/generated/') && !f.endsWith('.generated.ts'),
  );
  return all.filter((f) => word.test(readFileSync(path.join(ROOT, f), 'utf8'))).sort();
}

/** Whether `file` is one of the recipe's entries (`<name>` placeholders match one path segment). */
function listed(entries: string[], file: string): boolean {
  return entries.some((e) => {
    const re = new RegExp(
      `^${e
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/<[^>]+>/g, '[^/]+')
        .replace(/…/g, '.+')}$`,
    );
    return re.test(file);
  });
}

describe("docs/architecture.md's recipes", () => {
  const recipes = {
    kind: recipe('A new event kind'),
    metric: recipe('A new per-thread metric'),
    format: recipe('A new export format'),
  };

  it('name only files that exist (placeholders aside)', () => {
    for (const [name, entries] of Object.entries(recipes)) {
      expect(entries.length, name).toBeGreaterThan(2);
      for (const e of entries.filter((x) => !/[<…]/.test(x)))
        expect(statSync(path.join(ROOT, e), { throwIfNoEntry: false }), `${name}: ${e}`).toBeDefined();
    }
  });

  it('a kind: every file naming the latest kinds is in the recipe', () => {
    for (const word of [/\bHRTIMER_EXPIRE_EXIT\b|\bhrtimer_expire_exit\b/, /\bTIMER_EXPIRE\b/])
      for (const f of naming(word)) expect(listed(recipes.kind, f), `${f} names ${word}`).toBe(true);
  });

  it('a metric: every file naming an existing metric field is in the recipe', () => {
    for (const word of [/\brunqWaits\b/, /\bmeanSlicesPerBurst\b/])
      for (const f of naming(word)) expect(listed(recipes.metric, f), `${f} names ${word}`).toBe(true);
  });

  it('a format: every file naming the Perfetto format entry is in the recipe', () => {
    for (const f of naming(/\bperfettoFormat\b/)) expect(listed(recipes.format, f), f).toBe(true);
    expect(listed(recipes.format, 'src/export/perfetto/format.ts')).toBe(true);
  });
});
