/**
 * Moodle in the Classroom, in browser mode with a data folder of its own: a teacher imports a
 * GIFT file as a pack (a broken one is refused naming its line, and the packs already there
 * stay), then saves the pack as Moodle XML and as GIFT. Chromium's own XML parser (strict, as
 * Moodle's is) reads the XML: one <question> per question, the right answer at fraction 100.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { parseGift } from '../../shared/quiz/lms/gift-import'
import { ClassroomPage, startHost, type Host } from './pages/quiz-page'

const GIFT = [
  '// Week 4, written by hand',
  '$CATEGORY: $course$/top/Week 4: <RST> & "FIN"',
  '',
  '// [id:rst-who] [tag:rst]',
  '::rst-who::[plain]Who answers a SYN to a closed port? <b>not bold</b> & \\{x\\}{',
  "\t=the server's TCP # right",
  '\t~the client \\~ app',
  '\t~a router',
  '\t####RFC 9293 3.10.7.1: the host\'s TCP answers for the port \\= "closed".',
  '}',
  '',
  '::tf::连接未监听的端口会立即失败。{TRUE####Linux 立即返回 ECONNREFUSED。}',
].join('\n')

let dir = ''
let host: Host | undefined
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'socklab-e2e-lms-'))
})
test.afterEach(async () => {
  await host?.stop()
  host = undefined
  rmSync(dir, { recursive: true, force: true })
})

test('a GIFT pack imports; the pack saves as Moodle XML and GIFT that read back', async ({
  page,
}) => {
  host = await startHost(join(dir, 'data'))
  const classroom = new ClassroomPage(page)
  await classroom.open(host.url)
  await classroom.importPack({
    name: 'week4.gift',
    mimeType: 'text/plain',
    buffer: Buffer.from(GIFT),
  })
  await expect(page.getByTestId('pack-imported')).toContainText('Week 4')

  // A broken GIFT file is refused with its line; the pack already imported stays.
  await classroom.importPack({
    name: 'week5.gift',
    mimeType: 'text/plain',
    buffer: Buffer.from(`${GIFT}\n\nWhen? {#1822:5}\n`),
  })
  await expect(page.getByTestId('pack-error')).toContainText('week5.gift:14:1')
  await expect(page.getByTestId('pack-error')).toContainText('numerical')
  await expect(page.getByTestId('pack-list').locator(':scope > li')).toHaveCount(1)

  const row = page.locator('[data-pack="week4"]')
  await row.getByTestId('export-lang').selectOption('en')
  const [xmlDownload] = await Promise.all([
    page.waitForEvent('download'),
    row.getByTestId('export-moodle').click(),
  ])
  expect(xmlDownload.suggestedFilename()).toBe('week4.en.moodle.xml')
  const xmlPath = join(dir, 'week4.xml')
  await xmlDownload.saveAs(xmlPath)
  const xml = readFileSync(xmlPath, 'utf8')
  const read = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml')
    const error = doc.querySelector('parsererror')?.textContent ?? null
    const questions = Array.from(doc.querySelectorAll('question:not([type="category"])'))
    return {
      error,
      category: doc.querySelector('question[type="category"] category text')?.textContent,
      questions: questions.map((q) => ({
        type: q.getAttribute('type'),
        name: q.querySelector('name > text')?.textContent,
        text: q.querySelector('questiontext > text')?.textContent,
        feedback: q.querySelector('generalfeedback > text')?.textContent,
        // Options are in the pack's seeded order; sorted here by text.
        answers: Array.from(q.querySelectorAll('answer'))
          .map((a) => [a.getAttribute('fraction'), a.querySelector('text')?.textContent ?? ''])
          .sort((a, b) => (a[1] ?? '').localeCompare(b[1] ?? '')),
      })),
    }
  }, xml)
  expect(read.error).toBeNull()
  expect(read.category).toBe('$course$/top/Week 4: <RST> & "FIN"')
  expect(read.questions).toEqual([
    {
      type: 'multichoice',
      name: 'rst-who',
      text: 'Who answers a SYN to a closed port? &lt;b&gt;not bold&lt;/b&gt; &amp; {x}',
      feedback: 'RFC 9293 3.10.7.1: the host&apos;s TCP answers for the port = &quot;closed&quot;.',
      answers: [
        ['0', 'a router'],
        ['0', 'the client ~ app'],
        ['100', 'the server&apos;s TCP'],
      ],
    },
    {
      type: 'truefalse',
      name: 'tf',
      text: '连接未监听的端口会立即失败。',
      feedback: 'Linux 立即返回 ECONNREFUSED。',
      answers: [
        ['0', 'false'],
        ['100', 'true'],
      ],
    },
  ])

  await row.getByTestId('export-lang').selectOption('zh')
  const [giftDownload] = await Promise.all([
    page.waitForEvent('download'),
    row.getByTestId('export-gift').click(),
  ])
  expect(giftDownload.suggestedFilename()).toBe('week4.zh.gift.txt')
  const giftPath = join(dir, 'week4.zh.gift.txt')
  await giftDownload.saveAs(giftPath)
  const back = parseGift(readFileSync(giftPath, 'utf8'), 'week4.zh.gift.txt')
  if (!back.ok) throw new Error(back.message)
  const rightText = (q: (typeof back.pack.questions)[number]) =>
    q.options.find((o) => o.id === q.answer)?.text.zh
  expect(back.pack.questions.map((q) => [q.id, q.topic, q.prompt.zh, rightText(q)])).toEqual([
    [
      'rst-who',
      'rst',
      'Who answers a SYN to a closed port? <b>not bold</b> & {x}',
      "the server's TCP",
    ],
    ['tf', 'custom', '连接未监听的端口会立即失败。', '对'],
  ])
  await expect(row.getByTestId('export-said')).toContainText('week4.zh.gift.txt')
})
