/**
 * Moodle XML (the question bank's own import format): one `<question>` per item in one
 * language, a category named after the pack, the explanation as general feedback, the right
 * answer at fraction 100 and the others at 0, the topic as a tag. Text goes in as HTML
 * (escaped, so `<` and `&` show as written) inside CDATA; names and tags are XML-escaped.
 * Order questions use the ordering type, standard in Moodle since 4.4 (docs/decisions/009).
 */
import type { LmsItem } from './items'

/** What the export is of, and in which language. */
export interface LmsExportOptions {
  lang: 'zh' | 'en'
  /** The question bank category the questions go into (the pack's or quiz's title). */
  category: string
  /** One line for the file's header comment. */
  source: string
}

/** Escapes text for an XML element or attribute. */
export function xmlEscape(text: string): string {
  return stripControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** XML 1.0 refuses most control characters even as references: they are dropped. */
function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
}

/** Plain text as HTML: escaped, line breaks kept. */
export function htmlOf(text: string): string {
  return xmlEscape(text).replace(/\r?\n/g, '<br>')
}

/** A CDATA section; `]]>` cannot occur inside one, so it is split across two. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
}

function htmlText(tag: string, text: string, indent: string): string {
  return `${indent}<${tag} format="html">\n${indent}  <text>${cdata(htmlOf(text))}</text>\n${indent}</${tag}>`
}

function answer(fraction: string, text: string): string {
  return [
    `    <answer fraction="${fraction}" format="html">`,
    `      <text>${cdata(htmlOf(text))}</text>`,
    '      <feedback format="html">',
    '        <text></text>',
    '      </feedback>',
    '    </answer>',
  ].join('\n')
}

function typeOf(item: LmsItem): string {
  return item.kind === 'order'
    ? 'ordering'
    : item.kind === 'truefalse'
      ? 'truefalse'
      : 'multichoice'
}

function question(item: LmsItem, lang: 'zh' | 'en'): string {
  const lines = [
    `  <question type="${typeOf(item)}">`,
    `    <name>\n      <text>${xmlEscape(item.name)}</text>\n    </name>`,
    htmlText('questiontext', item.prompt[lang], '    '),
    htmlText('generalfeedback', item.explanation[lang], '    '),
    '    <defaultgrade>1</defaultgrade>',
    // A wrong try costs the whole mark in a true/false question, a third elsewhere.
    `    <penalty>${item.kind === 'truefalse' ? '1' : '0.3333333'}</penalty>`,
    '    <hidden>0</hidden>',
    `    <idnumber>${xmlEscape(item.name)}</idnumber>`,
  ]
  if (item.kind === 'choice')
    lines.push(
      '    <single>true</single>',
      '    <shuffleanswers>true</shuffleanswers>',
      '    <answernumbering>abc</answernumbering>',
      ...item.options.map((o) => answer(o.correct ? '100' : '0', o.text[lang])),
    )
  else if (item.kind === 'truefalse') {
    const trueRight = item.options[0]?.correct === true
    lines.push(answer(trueRight ? '100' : '0', 'true'), answer(trueRight ? '0' : '100', 'false'))
  } else
    lines.push(
      '    <layouttype>VERTICAL</layouttype>',
      '    <selecttype>ALL</selecttype>',
      `    <selectcount>${item.options.length}</selectcount>`,
      // The app grades an order all or nothing; so does this.
      '    <gradingtype>ALL_OR_NOTHING</gradingtype>',
      '    <showgrading>SHOW</showgrading>',
      '    <numberingstyle>none</numberingstyle>',
      // The ordering type lists the items in the right order; fraction is each one's place.
      ...item.options.map((o, i) => answer(String(i + 1), o.text[lang])),
    )
  lines.push(
    `    <tags>\n      <tag>\n        <text>${xmlEscape(item.topic)}</text>\n      </tag>\n    </tags>`,
    '  </question>',
  )
  return lines.join('\n')
}

/** The items as a Moodle XML file in one language. */
export function moodleXml(items: readonly LmsItem[], options: LmsExportOptions): string {
  // A category path uses "/" between levels: a title's own slashes must not make new levels.
  const category =
    options.category
      .replace(/\//g, '-')
      .replace(/[\r\n]+/g, ' ')
      .trim() || 'Socket Anomaly Lab'
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${xmlEscape(options.source).replace(/--/g, '- -')} -->`,
    '<quiz>',
    '  <question type="category">',
    `    <category>\n      <text>${xmlEscape(`$course$/top/${category}`)}</text>\n    </category>`,
    '  </question>',
    ...items.map((item) => question(item, options.lang)),
    '</quiz>',
    '',
  ].join('\n')
}
