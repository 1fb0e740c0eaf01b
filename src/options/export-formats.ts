/** The export registry as the CLI sees it (names, extensions, help), without loading any writer. */
export { EXPORT_FORMATS, EXPORT_FORMAT_NAMES, DEFAULT_EXPORT_FORMAT } from '../export/formats.js';
