/**
 * GIFT, the plain-text question format Moodle imports (Question bank > Import > GIFT): one
 * file per language (docs/decisions/009). Every text is marked `[plain]`, so Moodle shows
 * `<` and `&` as written, and GIFT's own characters (`~ = # { } :` and the backslash) are
 * escaped with a backslash, line breaks as `\n`, so no text can end a question early.
 * The question's id and topic ride in the comment line Moodle reads them from
 * (`// [id:...] [tag:...]`); the explanation is the general feedback (`####`). An order
 * question becomes a matching question (place -> item), the one GIFT type that keeps both the
 * order and the explanation.
 */
import type { LmsItem } from './items'
import type { LmsExportOptions } from './moodle-xml'

/** Escapes GIFT's special characters in a text (Moodle's own export does the same). */
export function giftEscape(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/([~=#{}:])/g, '\\$1')
    .replace(/\r\n?|\n/g, '\\n')
}

/**
 * An answer's text. One that begins with `%` would read as a weight (`%50%`), one that begins
 * with `[` as a format: a `[plain]` in front keeps it text.
 */
function answerText(text: string): string {
  const escaped = giftEscape(text.trim())
  return /^[%[]/.test(escaped) ? `[plain]${escaped}` : escaped
}

/** A token of the comment line: `]` is the one character it escapes. */
function token(kind: 'id' | 'tag', value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is dropped
  const clean = value.replace(/[\u0000-\u001f<>]/g, ' ').replace(/]/g, '\\]')
  return `[${kind}:${clean}]`
}

function question(item: LmsItem, lang: 'zh' | 'en'): string {
  const head = [
    `// ${token('id', item.name)} ${token('tag', item.topic)}`,
    `::${giftEscape(item.name)}::[plain]${giftEscape(item.prompt[lang].trim())}{`,
  ]
  let body: string[]
  if (item.kind === 'truefalse') {
    // `{TRUE####feedback}`: the answer and the general feedback on one line.
    const right = item.options[0]?.correct === true ? 'TRUE' : 'FALSE'
    return [head[0], `${head[1]}${right}####${giftEscape(item.explanation[lang].trim())}}`].join(
      '\n',
    )
  }
  if (item.kind === 'order')
    body = item.options.map((o, i) => `\t=${i + 1} -> ${giftEscape(o.text[lang].trim())}`)
  else body = item.options.map((o) => `\t${o.correct ? '=' : '~'}${answerText(o.text[lang])}`)
  return [...head, ...body, `\t####${giftEscape(item.explanation[lang].trim())}`, '}'].join('\n')
}

/** The items as a GIFT file in one language. */
export function giftText(items: readonly LmsItem[], options: LmsExportOptions): string {
  // Moodle reads the category line as it stands (no escapes): one line, "/" between levels.
  const category =
    options.category
      .replace(/\//g, '-')
      .replace(/[\r\n]+/g, ' ')
      .trim() || 'Socket Anomaly Lab'
  return [
    `// ${options.source.replace(/[\r\n]+/g, ' ')}`,
    `$CATEGORY: $course$/top/${category}`,
    '',
    ...items.map((item) => `${question(item, options.lang)}\n`),
  ].join('\n')
}
