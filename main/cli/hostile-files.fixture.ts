/**
 * Hostile files for the fuzz test (main/cli/hostile-files.test.ts, a few hundred per format in
 * `npm test`) and the bench (bench/files.ts, 10,000 per format): lab scripts (JSON and YAML),
 * question packs, result files and program-lab grade reports, generated with fast-check from valid files by mutation,
 * by swapping a field for any JSON value, and as the classic attacks: YAML alias bombs, deep
 * nesting, huge strings, byte-order marks, UTF-16, invalid UTF-8, NUL bytes, random bytes.
 *
 * Each file is read the way the app reads it: a script's bytes as the CLI does
 * (readScriptBytes), a pack's and a result's bytes decoded as a browser's File.text() does,
 * then parsed. {@link verdict} says whether that met the promise: never a throw, and every
 * refusal a short sentence naming the line, the field or the file's size, with no stack trace.
 */
import fc from 'fast-check'
import { stringify } from 'yaml'
import { scenarioScript } from '../../shared/catalog/index'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { parseGradeReport } from '../../shared/program-report'
import { NAIVE_CASES, sampleReport } from '../../shared/program-report.fixture'
import { buildResultFile, parseResultFile } from '../../shared/quiz/result-file'
import { FILE_LIMITS } from '../../shared/text-file'
import { readScriptBytes } from './load-script'

/** The formats fuzzed. */
export const FORMATS = ['script-json', 'script-yaml', 'pack', 'result', 'grade'] as const
/** One of {@link FORMATS}. */
export type FileFormat = (typeof FORMATS)[number]

const SCRIPT = scenarioScript('peer.crash-fin') ?? { labScript: 1, steps: [] }

const PACK = `pack: 1
id: week3
title: { en: "Week 3: resets", zh: 第三周 }
seed: 7
timeLimitMin: 20
generate: { count: 3, types: [errno-name, errno-number] }
questions:
  - id: who-resets
    topic: rst
    prompt: { en: Who sends the RST?, zh: 谁发送 RST？ }
    options:
      - { id: kernel, text: { en: The kernel, zh: 内核 } }
      - { id: app, text: { en: The application, zh: 应用程序 } }
    answer: kernel
    explanation: { en: The kernel answers for a closed socket., zh: 内核替已关闭的套接字应答。 }
labs:
  - id: refused
    step: 1
    script:
      labScript: 1
      steps:
        - { actor: server, op: listen, port: 7000 }
        - { actor: client, op: connect, port: 7001 }
`

function resultText(): string {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  const quiz = packQuiz(parsed.pack)
  const answers = quiz.questions.map((q) => {
    const expected = q.type === 'predict-run' ? [q.options[0]!.id] : q.answer
    return {
      questionId: q.id,
      type: q.type,
      topic: q.topic,
      response: expected,
      correct: true,
      expected,
    }
  })
  const file = buildResultFile({
    attempt: {
      id: 'a1',
      startedAt: '2026-03-01T07:50:00.000Z',
      finishedAt: '2026-03-01T07:59:00.000Z',
      seed: quiz.seed,
      packId: 'week3',
      lang: 'zh',
      answers,
      score: answers.length,
      total: answers.length,
    },
    questions: quiz.questions,
    classCode: 'NET-1',
    student: '李雷',
    packId: 'week3',
  })
  return JSON.stringify(file, null, 2)
}

/** A valid file of each format, as data, and how it is written. */
const SAMPLES: Record<FileFormat, { value: unknown; yaml: boolean }> = {
  'script-json': { value: SCRIPT, yaml: false },
  'script-yaml': { value: SCRIPT, yaml: true },
  pack: { value: parsePackValue(), yaml: true },
  result: { value: JSON.parse(resultText()) as unknown, yaml: false },
  grade: { value: sampleReport('李雷', NAIVE_CASES), yaml: false },
}

function parsePackValue(): unknown {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.pack
}

/** The valid file of a format, as text. */
export function sampleText(format: FileFormat): string {
  if (format === 'pack') return PACK
  if (format === 'result') return resultText()
  if (format === 'grade') return JSON.stringify(SAMPLES.grade.value, null, 2)
  const { value, yaml } = SAMPLES[format]
  return yaml ? stringify(value) : JSON.stringify(value, null, 2)
}

const encoder = new TextEncoder()
const bytesOf = (text: string): Uint8Array => encoder.encode(text)

/** Every path into a value (for swapping one field). */
function pathsOf(
  value: unknown,
  path: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(path)
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      pathsOf(v, [...path, Array.isArray(value) ? Number(k) : k], out)
  return out
}

function setAt(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next
  const [head, ...rest] = path as [string | number, ...(string | number)[]]
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])]
    copy[Number(head)] = setAt(copy[Number(head)], rest, next)
    return copy
  }
  const copy = { ...(value as Record<string, unknown>) }
  copy[String(head)] = setAt(copy[String(head)], rest, next)
  return copy
}

const PIECES = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '\n',
  '  ',
  '- ',
  '# ',
  '\\',
  '\\u12',
  '\uFEFF',
  '\u0000',
  '!!binary ',
  '!!js/function ',
  '<<: *a',
  '---\n',
  '...\n',
  '|\n',
  '>-\n',
  '%YAML 1.1\n',
  '\uD800',
  '\t',
  '\r',
  '1e999',
  '-0',
  '0x1F',
  '.nan',
  '~',
  'null',
  'true',
]

const piece = fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 6 }))

const mutation = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
  at: fc.nat(),
  length: fc.nat({ max: 40 }),
  text: piece,
})

function mutate(text: string, edits: { kind: string; at: number; length: number; text: string }[]) {
  let out = text
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1)
    if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at)
    else if (e.kind === 'delete') out = out.slice(0, at) + out.slice(at + e.length)
    else if (e.kind === 'replace') out = out.slice(0, at) + e.text + out.slice(at + e.length)
    else out = out.slice(0, at)
  }
  return out
}

/** A billion-laughs document: `levels` anchors, each aliasing the last `width` times. */
export function aliasBomb(levels: number, width: number, tail = ''): string {
  const lines = ['l0: &l0 [lol]']
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    )
  return `${lines.join('\n')}\n${tail}`
}

/** Nesting `depth` levels deep, in one of the ways YAML and JSON allow. */
export function deepText(style: number, depth: number): string {
  switch (style % 5) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth)
    case 1:
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    case 2:
      return `${'- '.repeat(depth)}x\n`
    case 3:
      // Block maps, one level more indented per line (quadratic: bounded to stay under 1 MiB).
      return Array.from({ length: Math.min(depth, 1400) }, (_, i) => `${' '.repeat(i)}a:`)
        .join('\n')
        .concat(' 1\n')
    default:
      return '['.repeat(depth)
  }
}

const hugeLength = fc.oneof(
  fc.integer({ min: 1_000, max: 200_000 }),
  fc.constantFrom(FILE_LIMITS.bytes - 64, FILE_LIMITS.bytes + 1, 3 * FILE_LIMITS.bytes),
)

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const body = bom ? `\uFEFF${text}` : text
  const out = new Uint8Array(body.length * 2)
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    out[2 * i + (bigEndian ? 1 : 0)] = c & 0xff
    out[2 * i + (bigEndian ? 0 : 1)] = c >> 8
  }
  return out
}

function splice(bytes: Uint8Array, at: number, insert: Uint8Array): Uint8Array {
  const i = bytes.length === 0 ? 0 : at % (bytes.length + 1)
  const out = new Uint8Array(bytes.length + insert.length)
  out.set(bytes.subarray(0, i))
  out.set(insert, i)
  out.set(bytes.subarray(i), i + insert.length)
  return out
}

/** Files of a format: mostly damaged valid ones, and every classic attack. */
export function hostileFile(format: FileFormat): fc.Arbitrary<Uint8Array> {
  const { value, yaml } = SAMPLES[format]
  const text = sampleText(format)
  const paths = pathsOf(value)
  const write = (v: unknown, asYaml: boolean): string =>
    asYaml ? stringify(v, { aliasDuplicateObjects: false }) : JSON.stringify(v)
  return fc.oneof(
    {
      weight: 30,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 6 })
        .map((e) => bytesOf(mutate(text, e))),
    },
    {
      weight: 25,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 4 }), fc.boolean())
        .map(([path, next, asYaml]) => bytesOf(write(setAt(value, path, next), yaml && asYaml))),
    },
    {
      weight: 8,
      arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => bytesOf(JSON.stringify(v) ?? 'null')),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.boolean())
        .map(([levels, width, embed]) => bytesOf(aliasBomb(levels, width, embed ? text : ''))),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat({ max: 4 }), fc.integer({ min: 10, max: 20_000 }))
        .map(([style, depth]) => bytesOf(deepText(style, depth))),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(hugeLength, fc.constantFrom('a', '漢', '"', '\n', '😀'), fc.constantFrom(...paths))
        .map(([length, unit, path]) => {
          const huge = unit.repeat(Math.ceil(length / unit.length))
          return bytesOf(write(setAt(value, path, huge), yaml))
        }),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.boolean(), fc.boolean(), fc.boolean())
        .map(([utf16File, bigEndian, bom]) =>
          utf16File ? utf16(text, bigEndian, bom) : bytesOf(`\uFEFF${text}`),
        ),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4, min: 0x80, max: 0xff }))
        .map(([at, bad]) => splice(bytesOf(text), at, bad)),
    },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  )
}

/** What reading one file gave. */
export interface Reading {
  ok: boolean
  message?: string
}

const decoder = new TextDecoder()

/** Reads a file of a format the way the app does. May throw: that is what is tested. */
export function readFile(format: FileFormat, bytes: Uint8Array): Reading {
  if (format === 'script-json' || format === 'script-yaml') {
    const loaded = readScriptBytes(bytes, format === 'script-json' ? 'lab.json' : 'lab.yaml')
    return loaded.ok ? { ok: true } : { ok: false, message: loaded.message }
  }
  // The page reads a picked file with File.text(): UTF-8, invalid bytes replaced, BOM dropped.
  const text = decoder.decode(bytes)
  if (format === 'pack') {
    const parsed = parsePack(text)
    return parsed.ok ? { ok: true } : { ok: false, message: parsed.message }
  }
  if (format === 'grade') {
    const read = parseGradeReport(text)
    return read.ok ? { ok: true } : { ok: false, message: read.message }
  }
  const parsed = parseResultFile(text)
  return parsed.ok ? { ok: true } : { ok: false, message: parsed.message }
}

/** Says where a refusal points: a line, a field, a step, or the file's size or encoding. */
const NAMES_A_PLACE = /\bline \d+|:\d+:\d+ |field "|step \d+|\d bytes\b|UTF-16/

/** Lines of a refusal message, at most (a file with 1,000 bad steps lists the first ones). */
export const MAX_MESSAGE_LINES = 25

/** Why a reading broke the promise, or undefined when it kept it. */
export function verdict(format: FileFormat, bytes: Uint8Array): string | undefined {
  let reading: Reading
  try {
    reading = readFile(format, bytes)
  } catch (error) {
    return `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
  }
  if (reading.ok) return undefined
  const message = reading.message ?? ''
  if (message.trim() === '') return 'refused without a message'
  if (/\n\s+at \S|\bat .+\.(ts|js):\d+:\d+/.test(message)) return `a stack trace: ${message}`
  if (!NAMES_A_PLACE.test(message)) return `names no line or field: ${message.slice(0, 300)}`
  if (message.split('\n').length > MAX_MESSAGE_LINES + 1)
    return `${message.split('\n').length} lines of message`
  return undefined
}
