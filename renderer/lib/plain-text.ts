/**
 * Error messages from Node can carry terminal colour codes (a child process's stack trace,
 * say). The UI shows them as plain text; the codes would print as boxes.
 */

// ESC [ params letter: the CSI sequences Node's inspector and most tools emit.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g // eslint-disable-line no-control-regex

/** The text without ANSI escape sequences. */
export function plainText(text: string): string {
  return text.replace(ANSI, '')
}
