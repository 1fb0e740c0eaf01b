import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The rules of .dependency-cruiser.cjs (docs/architecture.md, "What each stage may import").
const root = path.resolve(__dirname, '../..');
const CONFIG = path.join(root, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs dependency-cruiser over `src` of `dir` with lifeline's rules; the violations it finds. */
function violations(dir: string): Violation[] {
  const run = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(result.summary.totalCruised).toBeGreaterThan(0);
  return result.summary.violations;
}

/** A small tree of src/ modules (path -> the modules it imports) in a temporary directory. */
function tree(files: Record<string, string[]>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'll-imports-'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } }),
  );
  for (const [file, imports] of Object.entries(files)) {
    const at = path.join(dir, file);
    mkdirSync(path.dirname(at), { recursive: true });
    const lines = imports.map((target, i) => {
      let rel = path.relative(path.dirname(at), path.join(dir, target)).replace(/\.ts$/, '.js');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `import * as m${i} from '${rel}';\nexport const use${i} = m${i};`;
    });
    writeFileSync(at, `${lines.join('\n')}\nexport const here = 1;\n`);
  }
  return dir;
}

/** One line per violation; a cycle is named by its two ends, whichever edge the tool reports. */
const brief = (v: Violation[]) =>
  [
    ...new Set(
      v.map((x) =>
        x.rule.name === 'no-circular'
          ? `no-circular: ${[x.from, x.to].sort().join(' <-> ')}`
          : `${x.rule.name}: ${x.from} -> ${x.to}`,
      ),
    ),
  ].sort();

describe('the import graph of src/', { timeout: 120_000 }, () => {
  it('has no stage importing a higher one, no module outside a stage, and no cycle', () => {
    expect(brief(violations(root))).toEqual([]);
  });
});

describe('the import rules', { timeout: 120_000 }, () => {
  it('reject a lower stage importing a higher one', () => {
    const dir = tree({
      'src/format/index.ts': [],
      'src/capture/index.ts': ['src/format/index.ts', 'src/record/recorder.ts'],
      'src/record/recorder.ts': ['src/format/index.ts'],
      'src/analyze/index.ts': ['src/report/html.ts'],
      'src/report/html.ts': [],
      'src/cli/main.ts': ['src/api.ts', 'src/analyze/index.ts'],
      'src/api.ts': ['src/cli/main.ts'],
    });
    expect(brief(violations(dir))).toEqual([
      'analyze-imports: src/analyze/index.ts -> src/report/html.ts',
      'api-imports: src/api.ts -> src/cli/main.ts',
      'capture-imports: src/capture/index.ts -> src/record/recorder.ts',
      'cli-imports: src/cli/main.ts -> src/analyze/index.ts',
      'no-circular: src/api.ts <-> src/cli/main.ts',
    ]);
  });

  it('reject a cycle inside a stage and a module that belongs to no stage', () => {
    const dir = tree({
      'src/capture/a.ts': ['src/capture/b.ts'],
      'src/capture/b.ts': ['src/capture/a.ts'],
      'src/capture/index.ts': ['src/capture/a.ts'],
      'src/gadgets/tool.ts': ['src/capture/index.ts'],
    });
    expect(brief(violations(dir))).toEqual([
      'no-circular: src/capture/a.ts <-> src/capture/b.ts',
      'no-stage: src/gadgets/tool.ts -> src/capture/index.ts',
    ]);
  });

  it('reject another stage reaching past the index of analyze or capture', () => {
    const dir = tree({
      'src/capture/index.ts': ['src/capture/open/reader.ts'],
      'src/capture/open/reader.ts': [],
      'src/analyze/index.ts': ['src/analyze/engine/engine.ts', 'src/capture/index.ts'],
      'src/analyze/engine/engine.ts': ['src/capture/open/reader.ts'],
      'src/report/html.ts': ['src/analyze/engine/engine.ts', 'src/analyze/index.ts'],
    });
    expect(brief(violations(dir))).toEqual([
      'analyze-door: src/report/html.ts -> src/analyze/engine/engine.ts',
      'capture-door: src/analyze/engine/engine.ts -> src/capture/open/reader.ts',
    ]);
  });

  it('allow what the stages may import', () => {
    const dir = tree({
      'src/format/index.ts': [],
      'src/errors.ts': ['src/format/index.ts'],
      'src/capture/index.ts': ['src/format/index.ts', 'src/errors.ts', 'src/capture/open/reader.ts'],
      'src/capture/open/reader.ts': ['src/format/index.ts'],
      'src/record/recorder.ts': ['src/capture/index.ts'],
      'src/analyze/index.ts': ['src/capture/index.ts', 'src/analyze/engine/engine.ts'],
      'src/analyze/engine/engine.ts': ['src/capture/index.ts'],
      'src/report/html.ts': ['src/analyze/index.ts'],
      'src/export/perfetto.ts': ['src/analyze/index.ts'],
      'src/serve/serve.ts': ['src/record/recorder.ts', 'src/analyze/index.ts'],
      'src/options/commands.ts': ['src/report/html.ts'],
      'src/api.ts': ['src/options/commands.ts', 'src/serve/serve.ts', 'src/export/perfetto.ts'],
      'src/cli/main.ts': ['src/api.ts', 'src/options/commands.ts', 'src/errors.ts'],
    });
    expect(brief(violations(dir))).toEqual([]);
  });
});
