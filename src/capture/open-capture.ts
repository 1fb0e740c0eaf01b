/** Opens a capture file of either format, detected from its content. */
import { openArrowCapture } from './arrow-reader.js';
import { detectFormat } from './detect-format.js';
import { openSqliteCapture } from './sqlite-reader.js';
import type { Capture } from './types.js';

/**
 * Opens `path` for reading without modifying it. Throws a LifelineError for a
 * missing, foreign, damaged or too-new file.
 */
export async function openCapture(path: string): Promise<Capture> {
  const detected = detectFormat(path);
  return detected.format === 'sqlite' ? openSqliteCapture(path) : openArrowCapture(path, detected.start > 0);
}
