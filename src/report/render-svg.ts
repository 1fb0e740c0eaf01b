import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './types.js';

/** Render one chart to a standalone SVG document, headless (no DOM, nothing fetched). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Write each chart as DIR/<chart id>.svg; returns the paths in chart order. */
export async function writeSvgs(specs: Record<string, VegaLiteSpec>, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [id, spec] of Object.entries(specs)) {
    const path = join(dir, `${id}.svg`);
    await writeFile(path, await renderSvg(spec));
    paths.push(path);
  }
  return paths;
}
