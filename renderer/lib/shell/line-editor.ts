/**
 * The shell's line editor: the text being typed, the cursor, the command history and Tab
 * completion, as a pure model. The terminal component feeds it xterm's key data and writes
 * back what {@link render} returns. (xterm-readline, the maintained readline addon, has no
 * Tab completion and binds Up/Down to multi-line editing, so the shell keeps its own.)
 */

/** What a key did. */
export type KeyResult =
  | { kind: 'edit' }
  | { kind: 'submit'; line: string }
  | { kind: 'cancel' }
  | { kind: 'clear-screen' }
  | { kind: 'complete'; options: string[] }
  | { kind: 'none' }

/** Completes the last word given the words before it. */
export type Completer = (before: string[], partial: string) => string[]

/** Longest common prefix of some words. */
export function commonPrefix(options: readonly string[]): string {
  if (options.length === 0) return ''
  let prefix = options[0]!
  for (const o of options) while (!o.startsWith(prefix)) prefix = prefix.slice(0, -1)
  return prefix
}

/** One line of input with history. */
export class LineEditor {
  text = ''
  cursor = 0
  readonly history: string[] = []
  private recall = -1
  private draft = ''

  constructor(private readonly complete: Completer = () => []) {}

  /** Handles xterm's `onData` string (one key or a paste). */
  key(data: string): KeyResult {
    switch (data) {
      case '\r':
        return this.submit()
      case '\x7f':
      case '\b':
        if (this.cursor === 0) return { kind: 'none' }
        this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor)
        this.cursor--
        return { kind: 'edit' }
      case '\x1b[3~':
        if (this.cursor >= this.text.length) return { kind: 'none' }
        this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1)
        return { kind: 'edit' }
      case '\x1b[D':
        return this.move(this.cursor - 1)
      case '\x1b[C':
        return this.move(this.cursor + 1)
      case '\x1b[H':
      case '\x01':
        return this.move(0)
      case '\x1b[F':
      case '\x05':
        return this.move(this.text.length)
      case '\x1b[A':
        return this.browse(1)
      case '\x1b[B':
        return this.browse(-1)
      case '\t':
        return this.tab()
      case '\x03':
        this.reset()
        return { kind: 'cancel' }
      case '\x15':
        this.text = this.text.slice(this.cursor)
        this.cursor = 0
        return { kind: 'edit' }
      case '\x0c':
        return { kind: 'clear-screen' }
      default:
        break
    }
    // A paste may hold several lines: only the first is taken, like a one-line prompt.
    const printable = [...data.split(/[\r\n]/)[0]!]
      .filter((c) => c.charCodeAt(0) >= 32 && c !== '\x7f')
      .join('')
    if (printable.length === 0 || data.startsWith('\x1b')) return { kind: 'none' }
    this.text = this.text.slice(0, this.cursor) + printable + this.text.slice(this.cursor)
    this.cursor += printable.length
    return { kind: 'edit' }
  }

  /** Forgets the current line (after submit or Ctrl+C). */
  reset(): void {
    this.text = ''
    this.cursor = 0
    this.recall = -1
    this.draft = ''
  }

  private submit(): KeyResult {
    const line = this.text
    if (line.trim() && this.history[0] !== line) this.history.unshift(line)
    if (this.history.length > 200) this.history.length = 200
    this.reset()
    return { kind: 'submit', line }
  }

  private move(to: number): KeyResult {
    const next = Math.max(0, Math.min(this.text.length, to))
    if (next === this.cursor) return { kind: 'none' }
    this.cursor = next
    return { kind: 'edit' }
  }

  private browse(delta: number): KeyResult {
    const next = this.recall + delta
    if (next < -1 || next >= this.history.length) return { kind: 'none' }
    if (this.recall === -1) this.draft = this.text
    this.recall = next
    this.text = next === -1 ? this.draft : this.history[next]!
    this.cursor = this.text.length
    return { kind: 'edit' }
  }

  private tab(): KeyResult {
    const head = this.text.slice(0, this.cursor)
    const parts = head.split(/\s+/)
    const partial = parts.pop() ?? ''
    const options = this.complete(parts.filter(Boolean), partial)
    if (options.length === 0) return { kind: 'none' }
    const prefix =
      options.length === 1
        ? `${options[0]!}${options[0]!.endsWith('=') ? '' : ' '}`
        : commonPrefix(options)
    if (prefix.length > partial.length) {
      const insert = prefix.slice(partial.length)
      this.text = head + insert + this.text.slice(this.cursor)
      this.cursor += insert.length
      return options.length === 1 ? { kind: 'edit' } : { kind: 'complete', options }
    }
    return options.length > 1 ? { kind: 'complete', options } : { kind: 'none' }
  }
}

/** The escape sequence that redraws the prompt line with the text and puts the cursor back. */
export function render(prompt: string, editor: LineEditor): string {
  const back = editor.text.length - editor.cursor
  return `\r\x1b[2K${prompt}${editor.text}${back > 0 ? `\x1b[${back}D` : ''}`
}
