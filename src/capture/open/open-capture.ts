/** Opens a capture file of either format, detected from its content. */
import { detectFormat } from './detect-format.js';
import type { Capture } from '../types.js';

/**
 * Opens `path` for reading without modifying it. Throws a LifelineError for a
 * missing, foreign, damaged or too-new file.
 */
export async function openCapture(path: string): Promise<Capture> {
  const detected = detectFormat(path);
  // Each format's library is loaded on first use: apache-arrow alone costs ~0.15 s of start-up.
  if (detected.format === 'sqlite') return (await import('../sqlite/reader.js')).openSqliteCapture(path);
  return (await import('../arrow/reader.js')).openArrowCapture(path, detected.start > 0);
}
