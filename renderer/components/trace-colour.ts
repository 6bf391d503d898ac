/**
 * ANSI colours for the trace terminal. The text stays exactly what `shared/trace-text.ts`
 * prints (the CLI's output); colour only helps the eye find failures.
 */
const RESET = '\x1b[0m'
const RED = '\x1b[31m'
const GREEN = '\x1b[32m'
const DIM = '\x1b[90m'
const BOLD = '\x1b[1m'
const YELLOW = '\x1b[33m'

/** One trace line with colour codes for a terminal. */
export function colourTraceLine(line: string): string {
  if (line.startsWith('lab> ')) return `${GREEN}lab>${RESET} ${BOLD}${line.slice(5)}${RESET}`
  const shell = /^(client|server)> /.exec(line)
  if (shell) return `${GREEN}${shell[0]}${RESET}${BOLD}${line.slice(shell[0].length)}${RESET}`
  if (line.startsWith('note: ')) return `${YELLOW}${line}${RESET}`
  if (line.startsWith('error: ') || line.startsWith('错误：')) return `${RED}${line}${RESET}`
  const failed = line.indexOf(' = -1 ')
  if (failed >= 0) return `${line.slice(0, failed + 1)}${RED}${line.slice(failed + 1)}${RESET}`
  // Event lines (states, segments, ICMP) are indented after the time stamp.
  if (/^\[[^\]]*\] {3}/.test(line)) return `${DIM}${line}${RESET}`
  if (/^\[[^\]]*\] (end: |结束：)/.test(line)) return `${BOLD}${line}${RESET}`
  return line
}
