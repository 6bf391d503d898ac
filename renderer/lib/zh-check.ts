/**
 * What the Chinese UI must not show, as checks the tests run over every text it renders: a
 * `{name}` placeholder left unfilled, English left in Chinese (two or more English words in a
 * row, once code is taken out: call names, errno names, TCP states and flags, sysctls, case
 * ids, numbers), and the punctuation style (full-width colons and brackets in Chinese, a space
 * between Chinese and code or numbers).
 */

/** Code and names that stay as they are inside Chinese text. */
const CODE: RegExp[] = [
  /\{(?:on|1), 0\}/g, // SO_LINGER {on, 0}: C notation, not a placeholder
  /^(?:lab|client|server)> .*$/gm, // a command line, as typed
  /\b[\w.-]+\.(?:json|yaml|yml|csv|png|svg)\b/g, // file names
  /\b(?:net|kern)\.[\w.]+/g, // sysctls
  /\b[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+\b/g, // case ids, option values (host-unreachable)
  /\b\w+\([^()]*\)/g, // calls: connect(7006), close(), recv(65536, timeout=500ms)
  /\b(?:seq|ack|len|timeout)=\S+/g,
  /\b[A-Z][A-Z0-9_]*(?:[|-][A-Z][A-Z0-9_]*)*\b/g, // ETIMEDOUT, SYN|ACK, SYN-ACK, FIN_WAIT_1
  /--?[a-z][\w-]*/g, // command-line options
  /\b\d+(?:\.\d+)?(?:\s?(?:ms|s|KB|KiB|MiB|x))?\b/g, // numbers and units
  /\bhttps?:\/\/\S+/g,
]

/** English words that are names, kept in Chinese text as they are. */
const NAMES = new Set([
  'Linux',
  'Windows',
  'macOS',
  'BSD',
  'Winsock',
  'Ubuntu',
  'Node',
  'Perl',
  'Electron',
  'Chromium',
  'errno',
  'nft',
  'ss',
  'netns',
  'socklab',
  'lab',
  'client',
  'server',
  'net',
  'sim',
  'kernel',
  'fin',
  'rst',
  'silent',
  'both',
  'wr',
  'rd',
  'rdwr',
  'direct',
  'middlebox',
  'help',
])

/** Placeholders left in a text: `{n}`, `{errno}`. */
export function placeholders(text: string): string[] {
  return [...text.replace(CODE[0]!, ' ').matchAll(/\{\w+\}/g)].map((m) => m[0])
}

/** Runs of two or more English words left in a Chinese text, once code is taken out. */
export function englishRuns(text: string): string[] {
  let rest = text
  for (const re of CODE) rest = rest.replace(re, ' ')
  const runs: string[] = []
  for (const m of rest.matchAll(/[A-Za-z][A-Za-z']*(?:[ ,]+[A-Za-z][A-Za-z']*)+/g)) {
    const words = m[0].split(/[ ,]+/).filter((w) => w.length > 1 && !NAMES.has(w))
    if (words.length >= 2) runs.push(m[0])
  }
  return runs
}

const CJK = String.raw`[\u3400-\u9fff]`

/** Punctuation and spacing against the Chinese style, with a little context each. */
export function zhStyleProblems(text: string): string[] {
  const problems: string[] = []
  const find = (re: RegExp, what: string) => {
    for (const m of text.matchAll(re))
      problems.push(`${what}: …${text.slice(Math.max(0, m.index - 8), m.index + 10)}…`)
  }
  find(new RegExp(`${CJK}[:;]|[:;](?=${CJK})`, 'g'), 'ASCII colon or semicolon beside Chinese')
  find(
    new RegExp(`${CJK}[A-Za-z0-9\`]|[A-Za-z0-9)\`](?=${CJK})`, 'g'),
    'no space between Chinese and code',
  )
  return problems
}
