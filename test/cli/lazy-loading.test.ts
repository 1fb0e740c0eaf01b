/**
 * Issue 23: a command imports its modules when it runs. bin/lifeline.js runs the bundle of dist/
 * (scripts/bundle.mjs); esbuild names each module it puts in a file (`// dist/analyze/…`), so the
 * files a command loads say which of lifeline's modules it evaluated. No timing is asserted here
 * (bench/lib/startup.js measures); only what is loaded.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

/** A module hook printing each file URL that Node loads as an ES module. */
const HOOK = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\\\n"); return next(url, ctx); }'));`,
)}`;

/** The dist/ modules whose code the files loaded by `lifeline ARGS` hold. */
function modulesLoaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const files = [...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => new URL(m[1]!).pathname);
  expect(files).toContain(path.join(ROOT, 'dist/bundle/lifeline.js'));
  return files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ (dist\/\S+\.js)$/gm)].map((m) => m[1]!));
}

describe('start-up: what a command loads', () => {
  it('bin/lifeline.js runs the bundle', () => {
    expect(readFileSync(BIN, 'utf8')).toContain(`'../dist/bundle/lifeline.js'`);
    expect(readdirSync(path.join(ROOT, 'dist/bundle'))).toContain('lifeline.js');
  });

  it('--help loads no pipeline stage (no capture, analysis, record, report, export writer, serve)', () => {
    const loaded = modulesLoaded(['--help']);
    expect(loaded).toContain('dist/cli/main.js');
    expect(loaded.filter((m) => /^dist\/(capture|analyze|record|report|serve)\//.test(m))).toEqual([]);
    // the export registry's lines (names, extensions, tables) for export's help, not a writer
    const registry = /^dist\/export\/(formats|format|[a-z]+\/format|parquet\/layout)\.js$/;
    expect(loaded.filter((m) => m.startsWith('dist/export/') && !registry.test(m))).toEqual([]);
  });

  it('info reads the capture without the analysis', () => {
    const loaded = modulesLoaded(['info', 'fixtures/sleeper-stress.arrow']);
    expect(loaded).toContain('dist/capture/summary.js');
    // report/budget.js: the report's default limits, which the options check
    expect(
      loaded.filter((m) => /^dist\/(analyze|record|report|serve)\//.test(m) && m !== 'dist/report/budget.js'),
    ).toEqual([]);
  });
});
