import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scriptForInline } from './escape.js';

/** The browser builds of vega, vega-lite and vega-embed, in load order, ready to inline. */
export interface VendorScripts {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

let cached: VendorScripts | undefined;

export function vendorScripts(): VendorScripts {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (pkg: string, file: string): string =>
    scriptForInline(readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8'));
  // Each package's entry point lives in its build/ folder, beside the minified browser bundle.
  cached = {
    vega: read('vega', 'vega.min.js'),
    vegaLite: read('vega-lite', 'vega-lite.min.js'),
    vegaEmbed: read('vega-embed', 'vega-embed.min.js'),
  };
  return cached;
}
