import { inertJson, inertText } from '../../sanitize.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content and quoted attribute values. Names reach here sanitized
 * already (src/report/model/labels.ts: control and bidi characters visible as \x1b, \u202e, a
 * backslash doubled); any control or bidi character still raw is written in the same notation
 * (inertText), so that none reaches the page raw.
 */
export function escapeHtml(text: string): string {
  return inertText(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const SCRIPT_JSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
};

/**
 * JSON that is safe as the content of a <script> element: no `</script>`, no `<!--`, and no raw
 * control, bidi or line-separator character (inertJson writes them as \u escapes, so that older
 * parsers see no line end and an editor nothing to act on). JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return inertJson(value).replace(/[<>&]/g, (c) => SCRIPT_JSON_ESCAPES[c] ?? c);
}

/** Library source made safe to inline in a <script> element (and without a source-map fetch hint). */
export function scriptForInline(source: string): string {
  return source
    .replace(/\/\/# sourceMappingURL=\S*/g, '')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}
