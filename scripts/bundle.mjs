// Bundles the compiled CLI (dist/cli/main.js and what it imports) into dist/bundle/, the files
// bin/lifeline.js runs: Node 20 resolves each ES module's imports one by one, and the CLI's
// start-up went mostly there (issue 23). Run after tsc (npm run build:ts, scripts/setup.sh).
// Command code loaded with import() stays in chunks of its own, loaded when the command runs.
// Workers, the native addon and the npm packages (but commander) are still loaded from dist/
// and node_modules, as the tsc build does: each module's import.meta.url is the URL of its
// dist/ file, so the paths computed from it stay what they were.
import path from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/** Each dist module's import.meta.url as the URL of its own file, relative to the bundle's. */
const metaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = path.relative(outdir, args.path).split(path.sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

/**
 * npm packages stay external (native code, files read beside them), commander aside. lifeline's
 * own modules have no import-time side effects (no module is imported for its effects alone):
 * said so, the bundle leaves out what a barrel (analyze/index) re-exports and the CLI does not use.
 */
const packages = {
  name: 'packages',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.importer.startsWith(dist + path.sep)
        ? { path: path.resolve(path.dirname(args.importer), args.path), sideEffects: false }
        : undefined,
    );
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path === 'commander' || args.path.startsWith('commander/') ? undefined : { external: true },
    );
  },
};

/**
 * commander requires child_process (with net, dgram and streams: ~10 ms) for executable
 * subcommands, which lifeline has none of: it gets it on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`)
        ? { path: 'child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents:
        "let cp; module.exports = new Proxy({}, { get: (_, key) => (cp ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { lifeline: path.join(dist, 'cli/main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // commander is CommonJS: its require() calls of Node's modules need a require
  banner: {
    js: "import { createRequire as __llRequire } from 'node:module'; const require = __llRequire(import.meta.url);",
  },
  plugins: [lazyChildProcess, metaUrl, packages],
  logLevel: 'warning',
  legalComments: 'none',
});
