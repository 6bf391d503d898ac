/**
 * What kind of file a teacher or student picked, read from its first-level keys, so that a
 * file picked in the wrong place is named for what it is ("this is a question pack, not a
 * result file") instead of failing with a schema's field-by-field complaints.
 */
import { parse } from 'yaml'

/** The files the app reads and writes. */
export const FILE_KINDS = ['result', 'pack', 'trace', 'script', 'grade', 'programLab'] as const
/** One of {@link FILE_KINDS}. */
export type FileKind = (typeof FILE_KINDS)[number]

/** The key that marks each kind (its format version lives there). */
const MARK: Record<FileKind, string> = {
  result: 'socklabResult',
  pack: 'pack',
  trace: 'socklabTrace',
  script: 'labScript',
  grade: 'programLabResult',
  programLab: 'programLab',
}

/**
 * The file's value: JSON is read by the browser's own parser, which takes milliseconds where the
 * YAML parser takes a second for a 10,000-event trace; every JSON text is YAML with the same
 * value (a repeated key keeps its last value in both), so only text that is not JSON is read
 * as YAML.
 */
function jsonFirst(body: string): unknown {
  if (/^\s*[{[]/.test(body)) {
    try {
      return JSON.parse(body) as unknown
    } catch {
      // Not JSON after all (YAML flow style, or broken): the YAML reader decides.
    }
  }
  return parse(body, { maxAliasCount: 0, uniqueKeys: false })
}

/**
 * The kind a file's text declares, `unknown` for one that declares none (or is no JSON or
 * YAML mapping at all). Reading stops at the first level: the file's own reader checks it.
 */
export function fileKind(text: string): FileKind | 'unknown' {
  const body = text.replace(/^\uFEFF/, '')
  let value: unknown
  try {
    value = jsonFirst(body)
  } catch {
    return 'unknown'
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'unknown'
  const keys = new Set(Object.keys(value))
  return FILE_KINDS.find((k) => keys.has(MARK[k])) ?? 'unknown'
}

/**
 * The kind a file is when it is not the one expected (`null`: it is, or it declares nothing,
 * and the reader's own message explains what is wrong).
 */
export function wrongKind(text: string, expected: FileKind): FileKind | null {
  const kind = fileKind(text)
  return kind !== 'unknown' && kind !== expected ? kind : null
}

/** A message function, as vue-i18n's `t`. */
type Translate = (key: string, params?: Record<string, unknown>) => string

/** "x.json is a question pack, not a student's result file. Import it under ..." */
export function wrongKindMessage(
  t: Translate,
  name: string,
  actual: FileKind,
  expected: FileKind,
): string {
  const said = t('files.wrongKind', {
    name,
    actual: t(`files.kinds.${actual}`),
    expected: t(`files.kinds.${expected}`),
  })
  return `${said} ${t(`files.where.${actual}`)}`
}
