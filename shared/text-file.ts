/**
 * Reading a file a user hands the app (a lab script, a question pack, a student's result file)
 * without trusting it: bounded in size, nesting and YAML alias expansion, and every refusal a
 * sentence that names the line (and column) or the field, never an exception. The limits are
 * documented in docs/lab-scripts.md and docs/question-packs.md.
 */
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml'

/** Limits on every file the app reads from a user. */
export const FILE_LIMITS = {
  /** UTF-8 bytes per file (1 MiB): the largest real pack is a few tens of kilobytes. */
  bytes: 1024 * 1024,
  /** Lists and maps inside each other: a lab script needs 4 levels, a pack 7. */
  depth: 64,
  /**
   * YAML alias expansion (the yaml library's `maxAliasCount`): how many times the nodes an
   * anchor holds may be copied by its aliases. A "billion laughs" file, whose aliases copy
   * aliases, is refused instead of expanded.
   */
  aliases: 100,
} as const

/** Where a file is wrong, and how. */
export interface TextProblem {
  /** 1-based; absent when the problem is the file as a whole (its size). */
  line?: number
  column?: number
  message: string
  /** True when the parser found the text not to be JSON or YAML at all (not a limit). */
  syntax?: boolean
}

/** A value read from a file, or the first problem that stopped it. */
export type TextRead<T> = { ok: true; value: T } | { ok: false; problem: TextProblem }

/** `line 3, column 7: message`, or the message alone for a whole-file problem. */
export function formatTextProblem(problem: TextProblem): string {
  return problem.line === undefined
    ? problem.message
    : `line ${problem.line}, column ${problem.column ?? 1}: ${problem.message}`
}

/** Problems listed in one message at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20

/** The first {@link MAX_LISTED_PROBLEMS} lines, then how many more there are. */
export function listProblems(lines: readonly string[]): string {
  if (lines.length <= MAX_LISTED_PROBLEMS) return lines.join('\n')
  const more = lines.length - MAX_LISTED_PROBLEMS
  return [
    ...lines.slice(0, MAX_LISTED_PROBLEMS),
    `... and ${more} more problem${more === 1 ? '' : 's'}`,
  ].join('\n')
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  const end = Math.min(Math.max(offset, 0), text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: end - start + 1 }
}

/** The UTF-8 length of a string in bytes, without an encoder (shared/ has none). */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** `1,048,576`: thousands separated the same way in every locale. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** The size message; the CLI uses it too, before it reads a file that is too large. */
export function tooLargeMessage(bytes: number): string {
  return `the file is ${grouped(bytes)} bytes; files are limited to 1 MiB (${grouped(FILE_LIMITS.bytes)} bytes)`
}

/**
 * The text as the parsers should see it: a leading byte-order mark removed (Windows editors
 * write one), refused when too large, when it holds NUL characters (UTF-16 read as UTF-8) or
 * the replacement character a browser puts where a byte was not UTF-8: a pack in another
 * encoding would otherwise be imported with its Chinese text garbled.
 */
export function prepareText(text: string): TextRead<string> {
  if (text.length > FILE_LIMITS.bytes || utf8Length(text) > FILE_LIMITS.bytes)
    return { ok: false, problem: { message: tooLargeMessage(utf8Length(text)) } }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const nul = body.indexOf('\u0000')
  if (nul >= 0)
    return {
      ok: false,
      problem: {
        ...lineColumn(body, nul),
        message:
          'the file holds a NUL character, so it is not UTF-8 text (UTF-16 perhaps): save it as UTF-8',
      },
    }
  const replaced = body.indexOf('\uFFFD')
  if (replaced >= 0)
    return {
      ok: false,
      problem: {
        ...lineColumn(body, replaced),
        message:
          'the file is not UTF-8 text here (a byte was read as the replacement character \uFFFD): save it as UTF-8',
      },
    }
  return { ok: true, value: body }
}

function nestedTooDeep(text: string, offset: number): TextRead<never> {
  return {
    ok: false,
    problem: {
      ...lineColumn(text, offset),
      message: `lists and maps are nested more than ${FILE_LIMITS.depth} levels deep here`,
    },
  }
}

/**
 * Finds flow nesting (`[[[[`, `{"a":{"a":`) deeper than the limit before a parser sees it:
 * the yaml library spends seconds on a megabyte of brackets. Strings and comments are
 * skipped; a bracket in YAML plain text can only make the count higher, and 64 unmatched
 * ones are not plausible in a real file.
 */
function flowTooDeep(text: string): number | undefined {
  let depth = 0
  let quote = 0
  let comment = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (comment) {
      if (c === 10 || c === 13) comment = false
      continue
    }
    if (quote !== 0) {
      if (c === 92 && quote === 34)
        i++ // backslash escape in a double-quoted string
      else if (c === quote) quote = 0
      continue
    }
    const before = i === 0 ? 32 : text.charCodeAt(i - 1)
    const opensToken = /[\s[{,:]/.test(String.fromCharCode(before))
    if ((c === 34 || c === 39) && opensToken) quote = c
    else if (c === 35 && opensToken) comment = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth > FILE_LIMITS.depth) return i
    } else if ((c === 93 || c === 125) && depth > 0) depth--
  }
  return undefined
}

/**
 * The path to the first place a value nests deeper than the limit, or undefined. Iterative:
 * a recursive walk would be the stack overflow it is meant to prevent.
 */
export function deepPath(value: unknown): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }]
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (path.length >= FILE_LIMITS.depth) return path
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>)
    for (const [k, x] of entries) stack.push({ value: x, path: [...path, k] })
  }
  return undefined
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'end of file'
  return JSON.stringify(text.charAt(at))
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/**
 * Where JSON text first goes wrong, for a message with a line and column on every Node
 * version (Node 20's JSON.parse does not always say where). Only called once JSON.parse has
 * failed; iterative, so no nesting overflows it.
 */
export function jsonSyntaxError(text: string): { at: number; message: string } | undefined {
  type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after'
  const stack: number[] = []
  let expect: Expect = 'value'
  let i = 0
  const unexpected = (what: string): { at: number; message: string } => ({
    at: i,
    message: `unexpected ${describeChar(text, i)}, expected ${what}`,
  })
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++
  }
  for (;;) {
    skipSpace()
    const c = text.charAt(i)
    if (expect === 'after') {
      if (stack.length === 0)
        return i >= text.length ? undefined : unexpected('nothing after the JSON value')
      const close = stack[stack.length - 1] === 123 ? '}' : ']'
      if (c === ',') {
        i++
        expect = stack[stack.length - 1] === 123 ? 'key' : 'value'
      } else if (c === close) {
        i++
        stack.pop()
      } else return unexpected(`"," or "${close}"`)
      continue
    }
    if (expect === 'colon') {
      if (c !== ':') return unexpected('":" after the key')
      i++
      expect = 'value'
      continue
    }
    if ((expect === 'key-or-close' && c === '}') || (expect === 'value-or-close' && c === ']')) {
      i++
      stack.pop()
      expect = 'after'
      continue
    }
    const isKey: boolean = expect === 'key' || expect === 'key-or-close'
    if (isKey && c !== '"') return unexpected('a key in double quotes')
    if (c === '"') {
      const start = i
      i++
      for (;;) {
        if (i >= text.length) return { at: start, message: 'a string is not closed' }
        const s = text.charCodeAt(i)
        if (s === 34) break
        if (s < 0x20) return { at: i, message: 'a control character in a string (escape it)' }
        if (s === 92) {
          const e = text.charAt(i + 1)
          if (e === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
              return { at: i, message: 'a \\u escape needs four hex digits' }
            i += 6
            continue
          }
          if (!'"\\/bfnrt'.includes(e) || e === '')
            return { at: i, message: `an unknown escape \\${e}` }
          i += 2
          continue
        }
        i++
      }
      i++
      expect = isKey ? 'colon' : 'after'
      continue
    }
    if (c === '{' || c === '[') {
      stack.push(c.charCodeAt(0))
      i++
      expect = c === '{' ? 'key-or-close' : 'value-or-close'
      continue
    }
    NUMBER.lastIndex = i
    if (NUMBER.exec(text)) {
      i = NUMBER.lastIndex
      expect = 'after'
      continue
    }
    const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i))
    if (literal) {
      i += literal.length
      expect = 'after'
      continue
    }
    return unexpected('a value')
  }
}

/** Parses JSON text (already prepared) with a line and column on every syntax error. */
export function readJson(text: string): TextRead<unknown> {
  const prepared = prepareText(text)
  if (!prepared.ok) return prepared
  const body = prepared.value
  const deepAt = flowTooDeep(body)
  if (deepAt !== undefined) return nestedTooDeep(body, deepAt)
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (error) {
    const found = jsonSyntaxError(body)
    const detail = error instanceof Error ? error.message.split('\n')[0]! : String(error)
    return {
      ok: false,
      problem: found
        ? { ...lineColumn(body, found.at), message: found.message, syntax: true }
        : { line: 1, column: 1, message: detail, syntax: true },
    }
  }
  const deep = deepPath(value)
  if (deep) return nestedTooDeepField(deep)
  return { ok: true, value }
}

function nestedTooDeepField(path: (string | number)[]): TextRead<never> {
  const shown = path.length > 8 ? [...path.slice(0, 8), '...'] : path
  return {
    ok: false,
    problem: {
      message: `field "${shown.join('.')}": lists and maps are nested more than ${FILE_LIMITS.depth} levels deep`,
    },
  }
}

/** A YAML (or JSON) document read within the limits, with what places its nodes. */
export interface YamlRead {
  doc: Document
  lines: LineCounter
  /** The document as plain data. */
  value: unknown
  /** The text the positions refer to (without a byte-order mark). */
  text: string
}

/**
 * Parses YAML (JSON is YAML) within the limits: syntax errors, too deep nesting and alias
 * bombs come back as problems with their line. Never throws.
 */
export function readYaml(text: string): TextRead<YamlRead> {
  const prepared = prepareText(text)
  if (!prepared.ok) return prepared
  const body = prepared.value
  const deepAt = flowTooDeep(body)
  if (deepAt !== undefined) return nestedTooDeep(body, deepAt)
  const lines = new LineCounter()
  let doc: Document
  try {
    // logLevel 'error': the library would print its warnings to the CLI's stderr.
    doc = parseDocument(body, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
      logLevel: 'error',
    })
  } catch {
    // The yaml library catches its own stack overflows; this is the last line of defence.
    return nestedTooDeep(body, 0)
  }
  const error = doc.errors[0]
  if (error) {
    const pos = lines.linePos(error.pos[0])
    const deep = /call stack/i.test(error.message)
    const message = deep
      ? `lists and maps are nested more than ${FILE_LIMITS.depth} levels deep`
      : (error.message.split('\n')[0] ?? error.message)
    return { ok: false, problem: { line: pos.line, column: pos.col, message, syntax: !deep } }
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: FILE_LIMITS.aliases })
  } catch (thrown) {
    return { ok: false, problem: aliasProblem(doc, lines, thrown) }
  }
  const deep = deepPath(value)
  if (deep) {
    const node = doc.getIn(deep.slice(0, FILE_LIMITS.depth), true) as
      { range?: [number, number, number] } | undefined
    if (node?.range) return nestedTooDeep(body, node.range[0])
    return nestedTooDeepField(deep)
  }
  return { ok: true, value: { doc, lines, value, text: body } }
}

/** The problem of a document whose aliases could not be expanded: where the first alias is. */
function aliasProblem(doc: Document, lines: LineCounter, thrown: unknown): TextProblem {
  let first: number | undefined
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        first = node.range[0]
        return visit.BREAK
      }
      return undefined
    },
  })
  const pos = lines.linePos(first ?? 0)
  const excessive = thrown instanceof Error && /alias/i.test(thrown.message)
  return {
    line: pos.line,
    column: pos.col,
    message: excessive
      ? `YAML aliases here expand to more than ${FILE_LIMITS.aliases} copies (a "billion laughs" file); write the values out instead`
      : `the document could not be read (${thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown)})`,
  }
}
