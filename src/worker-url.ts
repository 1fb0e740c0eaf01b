/**
 * The compiled file of a worker thread beside the calling module. Run from the
 * TypeScript sources (the tests), the worker is the build's JavaScript in dist/
 * (npm's pre-scripts build it), as Node starts workers from JavaScript files.
 */
export function workerUrl(moduleUrl: string, file: string): URL {
  const here = new URL(moduleUrl);
  if (!here.pathname.endsWith('.ts')) return new URL(`./${file}`, here);
  const at = here.pathname.lastIndexOf('/src/');
  const dir = here.pathname.slice(at + '/src/'.length, here.pathname.lastIndexOf('/') + 1);
  return new URL(`${here.pathname.slice(0, at)}/dist/${dir}${file}`, 'file://');
}
