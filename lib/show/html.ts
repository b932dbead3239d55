/**
 * Text put into a page, escaped for where it goes: one function for HTML (and SVG) text and
 * attributes, one for a value written as JSON inside a `<script>`. Every page this library makes
 * goes through these two, so no name, title or model field can end an element or a script.
 *
 * @module
 */

/**
 * `text` with `&`, `<`, `>`, `"` and `'` as entities: safe in HTML or SVG text and in a quoted
 * attribute. It uses nothing outside itself, so the drawing pad puts its source in the page.
 *
 * @returns the escaped text
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * escapeHtml('a<b & "c"'); // "a&lt;b &amp; &quot;c&quot;"
 * ```
 */
export function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
  };
  return String(text).replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * `value` as JSON that is safe inside a `<script>` element: every `<` is written `\u003c`, so no
 * text in it can close the script (`</script>`) or open a comment (`<!--`), and the two line
 * separators that end a line in older JavaScript are escaped too. It reads back as the same value.
 *
 * @returns the JSON text
 * @example
 * ```ts
 * import { jsonInScript } from "./html.ts";
 * jsonInScript({ name: "</script>" }); // '{"name":"\\u003c/script>"}'
 * ```
 */
export function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
