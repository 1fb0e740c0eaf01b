// Node module hooks that let a plain `node` child run the TypeScript sources
// (type-stripped with the project's own TypeScript), for the kill tests.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, next) {
  if (
    specifier.endsWith('.js') &&
    context.parentURL?.endsWith('.ts') &&
    (specifier.startsWith('.') || specifier.startsWith('/'))
  ) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (fs.existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = fs.readFileSync(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: fileURLToPath(url),
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
