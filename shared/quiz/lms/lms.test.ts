import { DOMParser } from '@xmldom/xmldom'
import { describe, expect, it } from 'vitest'
import { generateQuiz } from '../generate'
import { packQuiz, parsePack } from '../pack'
import type { QuizProof } from '../proof'
import type { Quiz, QuizQuestion } from '../types'
import { giftEscape, giftText } from './gift'
import { parseGift } from './gift-import'
import { lmsItems, type LmsItem } from './items'
import { moodleXml } from './moodle-xml'

/** Every GIFT special, XML's, quotes, a CDATA end, a line break, Chinese. */
const HOSTILE = 'A "quote" & <tag> ]]> ~x =y #z {a} b:c \\ d\n第二行：“中文”'

const PACK = `pack: 1
id: week3
title: { en: 'Week 3: <RST> & "FIN"', zh: 第三周：复位 }
seed: 5
questions:
  - id: kernel-or-app
    topic: rst
    prompt: { en: ${JSON.stringify(HOSTILE)}, zh: ${JSON.stringify(`题目 ${HOSTILE}`)} }
    options:
      - { id: kernel, text: { en: ${JSON.stringify(`kernel ${HOSTILE}`)}, zh: 内核 } }
      - { id: app, text: { en: '%50% of [plain] apps', zh: 应用 } }
      - { id: router, text: { en: 'a router -> b', zh: 路由器 } }
    answer: kernel
    explanation: { en: ${JSON.stringify(`because ${HOSTILE}`)}, zh: 因为 RFC 9293 } 
  - id: close-order
    topic: close
    kind: order
    prompt: { en: Put the segments in order., zh: 请把报文段排好顺序。 }
    options:
      - { id: fin, text: { en: 'server -> client: FIN', zh: 服务端 → 客户端：FIN } }
      - { id: ack, text: { en: 'client -> server: ACK', zh: 客户端 → 服务端：ACK } }
      - { id: rst, text: { en: 'server -> client: RST {#1}', zh: 服务端 → 客户端：RST } }
    answer: [fin, ack, rst]
    explanation: { en: 'The FIN is acknowledged, then data draws an RST.', zh: 先确认 FIN。 }
  - id: tf
    topic: handshake
    prompt: { en: connect() to a closed port fails at once., zh: 连接关闭的端口会立即失败。 }
    options:
      - { id: 'true', text: { en: 'True', zh: 对 } }
      - { id: 'false', text: { en: 'False', zh: 错 } }
    answer: 'false'
    explanation: { en: 'Not on Windows, which retries the SYN.', zh: Windows 会重传 SYN。 }
labs:
  - id: own-lab
    step: 0
    script:
      labScript: 1
      steps:
        - { actor: client, op: connect, port: 7002 }
`

function quizOfPack(): Quiz {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  return packQuiz(parsed.pack)
}

function parseXml(text: string): Document {
  const problems: string[] = []
  const doc = new DOMParser({
    errorHandler: {
      warning: (m: string) => problems.push(m),
      error: (m: string) => problems.push(m),
      fatalError: (m: string) => problems.push(m),
    },
  }).parseFromString(text, 'application/xml') as unknown as Document
  expect(problems).toEqual([])
  return doc
}

const elements = (doc: Document | Element, tag: string): Element[] => {
  const list = doc.getElementsByTagName(tag)
  return Array.from({ length: list.length }, (_, i) => list.item(i) as Element)
}
const child = (el: Element, tag: string): Element | undefined =>
  Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)).find(
    (n): n is Element => n.nodeType === 1 && (n as Element).tagName === tag,
  )
const textOf = (el: Element | undefined, tag = 'text'): string =>
  (el && child(el, tag)?.textContent) ?? ''

/** HTML text back to plain text, as a browser shows it. */
const shown = (html: string): string =>
  html
    .replace(/<br>/g, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

describe('lmsItems', () => {
  it('marks the right answers, keeps order questions in order, leaves out own labs', () => {
    const { items, skipped } = lmsItems(quizOfPack())
    expect(items.map((i) => [i.name, i.kind])).toEqual([
      ['kernel-or-app', 'choice'],
      ['close-order', 'order'],
      ['tf', 'truefalse'],
    ])
    expect(items[0]?.options.filter((o) => o.correct).map((o) => o.text.zh)).toEqual(['内核'])
    expect(items[1]?.options.map((o) => o.text.zh)).toEqual([
      '服务端 → 客户端：FIN',
      '客户端 → 服务端：ACK',
      '服务端 → 客户端：RST',
    ])
    expect(items[2]?.options.map((o) => [o.text.en, o.correct])).toEqual([
      ['True', false],
      ['False', true],
    ])
    expect(skipped.map((s) => s.id)).toEqual(['predict-run:week3:own-lab'])
  })

  it('answers a predict-then-run question from the proof run on Linux, never otherwise', () => {
    const q: QuizQuestion = {
      id: 'predict-run:peer.crash-fin:recv',
      type: 'predict-run',
      topic: 'close',
      kind: 'choice',
      prompt: { en: 'p', zh: 'p' },
      options: [
        { id: 'zero', text: { en: 'returns 0', zh: '返回 0' } },
        { id: 'error:ECONNRESET', text: { en: 'ECONNRESET', zh: 'ECONNRESET' } },
      ],
      answer: [],
      explanation: { en: 'e', zh: 'e' },
      run: { scenarioId: 'peer.crash-fin', step: 4, call: 'recv' },
    }
    const facts = (cls: string) => ({
      steps: [
        {
          index: 4,
          actor: 'client' as const,
          op: 'recv' as const,
          cls,
          states: { client: 'CLOSE_WAIT' as const, server: 'CLOSED' as const },
          at: 9,
        },
      ],
      segments: [],
      transitions: [],
    })
    const proof: QuizProof = {
      runs: { 'peer.crash-fin': { linux: facts('error:ECONNRESET'), windows: facts('zero') } },
    }
    const { items } = lmsItems({ questions: [q] }, proof)
    expect(items[0]?.options.map((o) => o.correct)).toEqual([false, true])
    expect(items[0]?.explanation.en).toContain('on Linux')
    expect(lmsItems({ questions: [q] }).skipped).toHaveLength(1)
  })
})

describe('moodleXml', () => {
  it('parses as XML with one <question> per item, the right answer at fraction 100', () => {
    const { items } = lmsItems(quizOfPack())
    for (const lang of ['en', 'zh'] as const) {
      const xml = moodleXml(items, { lang, category: 'Week 3: <RST> / "FIN"', source: HOSTILE })
      const doc = parseXml(xml)
      const all = elements(doc, 'question')
      const questions = all.filter((q) => q.getAttribute('type') !== 'category')
      expect(questions).toHaveLength(items.length)
      expect(all[0]?.getAttribute('type')).toBe('category')
      expect(textOf(child(all[0]!, 'category'))).toBe('$course$/top/Week 3: <RST> - "FIN"')
      questions.forEach((el, i) => {
        const item = items[i] as LmsItem
        expect(el.getAttribute('type')).toBe(
          { choice: 'multichoice', truefalse: 'truefalse', order: 'ordering' }[item.kind],
        )
        expect(textOf(child(el, 'name'))).toBe(item.name)
        expect(shown(textOf(child(el, 'questiontext')))).toBe(item.prompt[lang])
        expect(shown(textOf(child(el, 'generalfeedback')))).toBe(item.explanation[lang])
        const answers = elements(el, 'answer')
        const fractions = answers.map((a) => a.getAttribute('fraction'))
        if (item.kind === 'choice') {
          expect(answers.map((a) => shown(textOf(a)))).toEqual(
            item.options.map((o) => o.text[lang]),
          )
          expect(fractions).toEqual(item.options.map((o) => (o.correct ? '100' : '0')))
        } else if (item.kind === 'truefalse')
          expect(answers.map((a) => [textOf(a), a.getAttribute('fraction')])).toEqual([
            ['true', '0'],
            ['false', '100'],
          ])
        else {
          expect(answers.map((a) => shown(textOf(a)))).toEqual(
            item.options.map((o) => o.text[lang]),
          )
          expect(fractions).toEqual(['1', '2', '3'])
        }
        expect(textOf(child(child(el, 'tags')!, 'tag'))).toBe(item.topic)
      })
    }
  })

  it('writes a generated quiz too, one question per item', () => {
    const { items } = lmsItems(
      generateQuiz({ seed: 3, count: 12, types: ['errno-number', 'order'] }),
    )
    const doc = parseXml(moodleXml(items, { lang: 'zh', category: 'quiz 3', source: 'seed 3' }))
    const n = elements(doc, 'question').filter((q) => q.getAttribute('type') !== 'category').length
    expect(n).toBe(items.length)
    expect(items.length).toBeGreaterThan(0)
  })
})

describe('GIFT', () => {
  it('escapes every special character with a backslash and keeps one line', () => {
    expect(giftEscape('a~b=c#d{e}f:g\\h\ni')).toBe('a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni')
  })

  it('gives back the same questions after export and import, in each language', () => {
    const { items } = lmsItems(quizOfPack())
    for (const lang of ['en', 'zh'] as const) {
      const text = giftText(items, { lang, category: 'Week 3: <RST> / x', source: HOSTILE })
      const back = parseGift(text, `week3.${lang}.gift.txt`)
      if (!back.ok) throw new Error(back.message)
      expect(back.pack.id).toBe(`week3.${lang}`)
      expect(back.pack.title[lang]).toBe('Week 3: <RST> - x')
      const again = lmsItems(packQuiz(back.pack)).items
      const view = (list: LmsItem[]) =>
        list.map((i) => ({
          name: i.name,
          topic: i.topic,
          kind: i.kind,
          prompt: i.prompt[lang],
          explanation: i.explanation[lang],
          options: i.options
            .map((o) => `${o.correct ? '=' : '~'}${o.text[lang]}`)
            .sort((a, b) => (i.kind === 'order' ? 0 : a.localeCompare(b))),
        }))
      // True/false options come back as the app's own words; the rest exactly as written.
      const tfWords = (list: ReturnType<typeof view>) =>
        list.map((v) => (v.kind === 'truefalse' ? { ...v, options: [] } : v))
      expect(tfWords(view(again))).toEqual(tfWords(view(items)))
      expect(again[2]?.options.map((o) => o.correct)).toEqual([false, true])
      // The stored text is a pack the app reads like any other.
      const reread = parsePack(back.yaml)
      expect(reread.ok).toBe(true)
    }
  })

  it('reads hand-written GIFT: names, feedback, true/false, comments, formats', () => {
    const text = [
      '// week 3',
      '$CATEGORY: $course$/top/Week 3',
      '',
      '::Q1:: Who answers a SYN to a closed port? {',
      '  =The kernel # right: RST',
      '  ~The application # no',
      '}',
      '',
      '// [tag:rst]',
      'The kernel sends RST.{T#wrong#The kernel does.}',
      '',
      '[html]<b>a &lt; b</b>{=yes ~no ####because &amp; so}',
    ].join('\n')
    const parsed = parseGift(text, 'w3.gift')
    if (!parsed.ok) throw new Error(parsed.message)
    expect(parsed.pack.title.en).toBe('Week 3')
    const [q1, q2, q3] = parsed.pack.questions
    expect(q1).toMatchObject({ id: 'Q1', answer: 'a', explanation: { en: 'right: RST' } })
    expect(q1?.options.map((o) => o.text.en)).toEqual(['The kernel', 'The application'])
    expect(q2).toMatchObject({ id: 'q2', topic: 'rst', answer: 'true' })
    expect(q2?.explanation.zh).toBe('The kernel does.')
    expect(q3?.prompt.en).toBe('a < b')
    expect(q3?.explanation.en).toBe('because & so')
  })

  it('refuses what it cannot ask, naming the line, and keeps nothing of the file', () => {
    const text = [
      '::ok:: fine {=a ~b ####why}',
      '',
      '::short:: Who? {=no one =nobody}',
      '',
      '::num:: When? {#1822:5}',
      '',
      '::multi:: Pick {~%50%a ~%50%b ~c ####x}',
      '',
      '::broken:: Missing brace {=a ~b',
      '',
      '::essay:: Say {}',
      '',
      '::nofb:: No feedback {=a ~b}',
      '',
      'Just a description.',
    ].join('\n')
    const parsed = parseGift(text, 'bad.gift')
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problems.map((p) => p.line)).toEqual([3, 5, 7, 9, 11, 13, 15])
    expect(parsed.message.split('\n')[0]).toMatch(/^bad\.gift:3:1 question 2: a short-answer/)
    expect(parsed.message).toContain('bad.gift:7:1')
    expect(parsed.message).toContain('50%')
    expect(parsed.message).toContain('no explanation')
    expect(parseGift('', 'e.gift').ok).toBe(false)
    expect(parseGift('\u0000x', 'e.gift').ok).toBe(false)
  })
})
