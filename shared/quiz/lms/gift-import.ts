/**
 * Reads a GIFT file (Moodle's plain-text question format) as a question pack, so a teacher
 * can write questions in the format they already know. It reads GIFT the way Moodle's own
 * importer does (questions end at a blank line, `//` lines are comments, `\` escapes
 * `~ = # { } :`, `::name::`, `####` general feedback, `// [id:...] [tag:...]`), and takes:
 * multiple choice with one right answer, true/false, and the matching question this app's
 * GIFT export writes for an order (`=1 -> first`, `=2 -> second`...). Anything else (short
 * answer, numerical, essay, partial credit...) is refused with the line it starts on, and
 * nothing of the file is kept: a pack is taken whole or not at all.
 */
import { stringify } from 'yaml'
import type { Localized } from '../../lab-script'
import { prepareText } from '../../text-file'
import { formatPackProblems, packSchema, type PackParse, type PackProblem } from '../pack'

/** Private-use characters stand for escaped specials while the text is split. */
const ESCAPES: Record<string, string> = {
  ':': '\uE001',
  '#': '\uE002',
  '=': '\uE003',
  '{': '\uE004',
  '}': '\uE005',
  '~': '\uE006',
  n: '\n',
}
const BACKSLASH = '\uE000'
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function unescapeMarks(text: string): string {
  let out = text.replace(/\\\\/g, BACKSLASH)
  out = out.replace(/\\([:#={}~n])/g, (_m, c: string) => ESCAPES[c] ?? c)
  return out
}

function restore(text: string): string {
  let out = text.replace(/\uE000/g, '\\')
  for (const [c, mark] of Object.entries(ESCAPES)) if (c !== 'n') out = out.split(mark).join(c)
  return out
}

type Format = 'plain' | 'html' | 'moodle' | 'markdown'

/** The `[format]` a text starts with, else the one it inherits (as in Moodle). */
function formatOf(raw: string, inherited: Format): Format {
  const m = /^\s*\[(plain|html|moodle|markdown)\]/.exec(raw)
  return (m?.[1] as Format | undefined) ?? inherited
}

/**
 * A text with its `[format]` marker read; answers and feedback inherit the question text's
 * format, as in Moodle. HTML loses its tags; the other formats stay as written.
 */
function textOf(raw: string, inherited: Format = 'moodle'): string {
  const m = /^\s*\[(plain|html|moodle|markdown)\]/.exec(raw)
  let text = m ? raw.slice(m[0].length) : raw
  if (formatOf(raw, inherited) === 'html')
    text = text
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#0*39;|&apos;/g, "'")
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
  return restore(text).trim()
}

function both(text: string): Localized {
  return { en: text, zh: text }
}

interface Block {
  line: number
  lines: string[]
}

function blocksOf(text: string): Block[] {
  const out: Block[] = []
  let current: Block | undefined
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line.trim() === '') current = undefined
    else {
      if (!current) out.push((current = { line: i + 1, lines: [] }))
      current.lines.push(line)
    }
  })
  return out
}

interface Read {
  id?: string
  tags: string[]
  name?: string
  question?: {
    topic: string
    kind: 'choice' | 'order'
    prompt: Localized
    options: { id: string; text: Localized }[]
    answer: string | string[]
    explanation: Localized
  }
  category?: string
}

const LETTERS = 'abcdefghijkl'

function splitFeedback(answer: string): { text: string; feedback: string } {
  const at = answer.indexOf('#')
  return at < 0
    ? { text: answer, feedback: '' }
    : { text: answer.slice(0, at), feedback: answer.slice(at + 1) }
}

/** Reads one question block; a string is why it cannot be taken. */
function readBlock(block: Block): Read | string | undefined {
  let comments = ''
  const kept: string[] = []
  for (const line of block.lines)
    if (line.trim().startsWith('//')) comments += `${line}\n`
    else kept.push(line)
  let text = unescapeMarks(kept.join('\n').trim())
  if (text === '') return undefined
  // eslint-disable-next-line no-control-regex -- control characters are what is dropped
  const idMatch = /\[id:((?:\\]|[^\]\u0000-\u001f])+)]/.exec(comments)
  // eslint-disable-next-line no-control-regex -- control characters are what is dropped
  const tags = [...comments.matchAll(/\[tag:((?:\\]|[^\]<>\u0000-\u001f])+)]/g)].map((m) =>
    (m[1] ?? '').replace(/\\]/g, ']').trim(),
  )
  const read: Read = { tags, ...(idMatch ? { id: idMatch[1]?.replace(/\\]/g, ']').trim() } : {}) }
  if (text.startsWith('$CATEGORY:')) return { ...read, category: text.slice(10).trim() }
  if (text.startsWith('::')) {
    const end = text.indexOf('::', 2)
    if (end >= 0) {
      read.name = restore(text.slice(2, end)).trim()
      text = text.slice(end + 2).trim()
    }
  }
  const open = text.indexOf('{')
  const close = text.indexOf('}')
  if (open < 0 && close < 0)
    return 'text without answers in { } (a description): the app asks only questions with answers'
  if (open < 0 || close < 0 || close < open)
    return 'a "{" without its "}" (or the other way round); write a literal brace as \\{ or \\}'
  let answers = text.slice(open + 1, close).trim()
  const promptRaw = text.endsWith('}')
    ? text.slice(0, open) + text.slice(close + 1)
    : `${text.slice(0, open)}_____${text.slice(close + 1)}`
  const format = formatOf(promptRaw, 'moodle')
  const textIn = (raw: string): string => textOf(raw, format)
  const general = answers.lastIndexOf('####')
  let explanation = ''
  if (general >= 0) {
    explanation = textIn(answers.slice(general + 4))
    answers = answers.slice(0, general).trim()
  }
  const prompt = textIn(promptRaw)
  if (prompt === '') return 'the question has no text'
  const topic = read.tags.find((t) => t.length > 0 && t.length <= 64) ?? 'custom'
  if (answers === '') return 'an essay question ({} with no answers): the app cannot grade one'
  if (answers.startsWith('#')) return 'a numerical question ({#...}): the app asks only choices'

  if (answers.includes('~')) {
    const parts = answers
      .replace(/=/g, '~=')
      .split('~')
      .map((a) => a.trim())
      .filter((a) => a !== '')
    let right = -1
    const options: { id: string; text: Localized }[] = []
    let rightFeedback = ''
    for (const [i, part] of parts.entries()) {
      let body = part
      let weight = 0
      if (body.startsWith('=')) {
        weight = 100
        body = body.slice(1)
      } else {
        const w = /^%(-?\d+(?:\.\d+)?)%/.exec(body)
        if (w) {
          weight = Number(w[1])
          body = body.slice(w[0].length)
        }
      }
      if (weight !== 0 && weight !== 100)
        return `answer ${i + 1} is worth ${weight}%: the app grades one right answer (=) and wrong ones (~), no partial credit`
      const { text: answerText, feedback } = splitFeedback(body)
      const shown = textIn(answerText)
      if (shown === '') return `answer ${i + 1} has no text`
      if (weight === 100) {
        if (right >= 0)
          return 'more than one right answer: the app asks multiple choice with exactly one'
        right = i
        rightFeedback = textIn(feedback)
      }
      options.push({ id: LETTERS[i] ?? `o${i}`, text: both(shown) })
    }
    if (right < 0) return 'no right answer: mark the right one with "=" (the wrong ones with "~")'
    if (options.length < 2 || options.length > 12)
      return `${options.length} answers: a question has 2 to 12`
    const why = explanation || rightFeedback
    if (!why) return 'no explanation: add one as general feedback (#### text) before the closing }'
    return {
      ...read,
      question: {
        topic,
        kind: 'choice',
        prompt: both(prompt),
        options,
        answer: options[right]?.id ?? 'a',
        explanation: both(why),
      },
    }
  }

  if (answers.includes('=') && answers.includes('->')) {
    const pairs = answers
      .split('=')
      .map((a) => a.trim())
      .filter((a) => a !== '')
    const items: string[] = []
    for (const [i, pair] of pairs.entries()) {
      const at = pair.indexOf('->')
      if (at < 0) return `pair ${i + 1} has no "->"`
      const place = textIn(pair.slice(0, at))
      if (place !== String(i + 1))
        return 'a matching question: the app takes only the order this app exports (=1 -> first item, =2 -> second...)'
      items.push(restore(pair.slice(at + 2)).trim())
    }
    if (items.length < 2 || items.length > 12) return `${items.length} items: an order has 2 to 12`
    if (!explanation)
      return 'no explanation: add one as general feedback (#### text) before the closing }'
    const options = items.map((t, i) => ({ id: LETTERS[i] ?? `o${i}`, text: both(t) }))
    return {
      ...read,
      question: {
        topic,
        kind: 'order',
        prompt: both(prompt),
        options,
        answer: options.map((o) => o.id),
        explanation: both(explanation),
      },
    }
  }

  const { text: tfText, feedback: tfFeedback } = splitFeedback(answers)
  const tf = tfText.trim()
  if (['T', 'TRUE', 'F', 'FALSE'].includes(tf)) {
    // `{T#wrong#right}`: the feedback shown for a wrong answer, then for a right one.
    const right = textIn(tfFeedback.split('#')[1] ?? '')
    const why = explanation || right
    if (!why) return 'no explanation: add one as general feedback (#### text) before the closing }'
    return {
      ...read,
      question: {
        topic,
        kind: 'choice',
        prompt: both(prompt),
        options: [
          { id: 'true', text: { en: 'True', zh: '对' } },
          { id: 'false', text: { en: 'False', zh: '错' } },
        ],
        answer: tf.startsWith('T') ? 'true' : 'false',
        explanation: both(why),
      },
    }
  }
  return 'a short-answer question (answers without ~): the app asks only choices, true/false and orders'
}

/** The pack id a file name gives: `week3.en.gift.txt` -> `week3.en`. */
export function packIdOf(fileName: string): string {
  const stem = fileName
    .replace(/^.*[\\/]/, '')
    .replace(/(\.gift)?(\.txt)?$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
  return stem || 'gift'
}

/** True for a file the pack import should read as GIFT (by its name). */
export function isGiftFile(fileName: string): boolean {
  return /\.(gift|txt)$/i.test(fileName)
}

/** A GIFT file as a pack: the pack and its YAML text (what the app keeps), or problems. */
export type GiftParse = (PackParse & { ok: true } & { yaml: string }) | (PackParse & { ok: false })

/** Reads a GIFT file as a question pack. Never throws. */
export function parseGift(text: string, fileName = 'questions.gift'): GiftParse {
  const problems: PackProblem[] = []
  const fail = (line: number, path: string, message: string): void => {
    problems.push({ line, column: 1, path, field: path, message })
  }
  const prepared = prepareText(text)
  if (!prepared.ok) {
    const p = prepared.problem
    fail(p.line ?? 1, '(file)', p.message)
    return { ok: false, problems, message: formatPackProblems(problems, fileName) }
  }
  const questions: NonNullable<Read['question']>[] = []
  const ids: string[] = []
  const lines: number[] = []
  let title: string | undefined
  for (const block of blocksOf(prepared.value)) {
    const read = readBlock(block)
    if (read === undefined) continue
    const where = `question ${questions.length + 1}`
    if (typeof read === 'string') {
      fail(block.line, where, read)
      continue
    }
    if (read.category !== undefined) {
      title ??= read.category.split('/').pop()?.trim() || undefined
      continue
    }
    if (!read.question) continue
    // The id: the ID number, else the name, when it is one a pack takes; else its place.
    const wanted = [read.id, read.name].find((c) => c !== undefined && ID.test(c))
    let id = wanted ?? `q${questions.length + 1}`
    if (ids.includes(id)) id = `q${questions.length + 1}`
    if (ids.includes(id)) {
      fail(block.line, where, `duplicate question id "${id}"`)
      continue
    }
    ids.push(id)
    lines.push(block.line)
    questions.push(read.question)
  }
  if (problems.length === 0 && questions.length === 0)
    fail(1, '(file)', 'no questions: a GIFT question is text followed by its answers in { }')
  if (problems.length > 0)
    return { ok: false, problems, message: formatPackProblems(problems, fileName) }
  const id = packIdOf(fileName)
  const packTitle = (title ?? id).replace(/^\$(course|cat\d*|module|system)\$$/, id) || id
  const candidate = {
    pack: 1,
    id,
    title: both(packTitle),
    questions: questions.map((q, i) => ({ id: ids[i], ...q })),
  }
  const parsed = packSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.') || '(pack)'
      const at = issue.path[0] === 'questions' ? lines[Number(issue.path[1])] : undefined
      fail(at ?? 1, path, issue.message)
    }
    return { ok: false, problems, message: formatPackProblems(problems, fileName) }
  }
  return { ok: true, pack: parsed.data, yaml: stringify(candidate, { lineWidth: 0 }) }
}
