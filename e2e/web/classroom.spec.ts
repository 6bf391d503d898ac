/**
 * The Classroom in browser mode, offline and without a server of its own: a teacher's pack is
 * imported (a broken one is refused with its line and field), a student takes it with a class
 * code and a name and downloads a result file, the teacher imports three result files into the
 * gradebook and exports it as CSV.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { simulatorProof } from '../../main/lab/quiz-proof'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { buildResultFile, parseResultFile } from '../../shared/quiz/result-file'
import type { QuizAttempt } from '../../shared/quiz/types'
import { ClassroomPage, QuizPage, startHost, type Host } from './pages/quiz-page'

const PACK = `pack: 1
id: net101-week3
title: { en: "Week 3: resets", zh: 第三周：连接重置 }
seed: 42
timeLimitMin: 20
questions:
  - id: who-resets
    topic: rst
    prompt: { en: Who answers a SYN to a closed port with RST?, zh: 谁对发往未监听端口的 SYN 回复 RST？ }
    options:
      - { id: server-tcp, text: { en: "the server's TCP", zh: 服务端的 TCP } }
      - { id: client, text: { en: the client, zh: 客户端 } }
      - { id: router, text: { en: a router, zh: 路由器 } }
    answer: server-tcp
    explanation: { en: The host's TCP answers for the closed port., zh: 由主机的 TCP 代为回应。 }
  - id: epipe
    topic: close
    prompt: { en: Which errno comes with SIGPIPE?, zh: 哪个 errno 伴随 SIGPIPE？ }
    options:
      - { id: epipe, text: { en: EPIPE, zh: EPIPE（管道破裂） } }
      - { id: econnreset, text: { en: ECONNRESET, zh: ECONNRESET（连接被重置） } }
    answer: epipe
    explanation: { en: Writing to a reset connection., zh: 向已重置的连接写数据。 }
labs:
  - id: refused
    topic: rst
    step: 0
    script:
      labScript: 1
      title: { en: Nobody listens, zh: 没有程序监听 }
      steps:
        - { actor: client, op: connect, port: 7002 }
`

/** A result file of a student who answered the pack's questions right where `right[i]`. */
function resultOf(student: string, right: boolean[]): string {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  const questions = packQuiz(parsed.pack, undefined, simulatorProof()).questions
  const answers = questions.map((q, i) => {
    const expected = q.type === 'predict-run' ? ['error:ECONNREFUSED'] : q.answer
    const wrong = q.options.find((o) => !expected.includes(o.id))?.id ?? 'x'
    return {
      questionId: q.id,
      type: q.type,
      topic: q.topic,
      response: right[i] ? expected : [wrong],
      correct: right[i] ?? false,
      expected,
    }
  })
  const attempt: QuizAttempt = {
    id: `a-${student}`,
    startedAt: '2026-03-02T09:00:00.000Z',
    finishedAt: '2026-03-02T09:15:00.000Z',
    seed: 42,
    packId: 'net101-week3',
    lang: 'zh',
    answers,
    score: answers.filter((a) => a.correct).length,
    total: answers.length,
  }
  const file = buildResultFile({
    attempt,
    questions,
    classCode: 'NET101-A',
    student,
    packId: 'net101-week3',
  })
  return JSON.stringify(file, null, 2)
}

test.describe('Classroom in browser mode', () => {
  let dir: string
  let host: Host | undefined

  test.beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'socklab-e2e-class-'))
  })
  test.afterEach(async () => {
    await host?.stop()
    host = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  test('a student takes a pack and downloads a result file; the teacher imports three into the gradebook and exports CSV', async ({
    page,
  }) => {
    host = await startHost(join(dir, 'data'))
    const classroom = new ClassroomPage(page)
    await classroom.open(host.url)

    // A broken pack is refused with its line and field, and nothing is stored.
    await classroom.importPack({
      name: 'week3.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from(PACK.replace('answer: server-tcp', 'answer: nobody')),
    })
    const error = page.getByTestId('pack-error')
    await expect(error).toContainText('week3.yaml:14:')
    await expect(error).toContainText('questions.0.answer')
    await expect(page.getByTestId('pack-list')).toHaveCount(0)

    await classroom.importPack({
      name: 'week3.yaml',
      mimeType: 'text/yaml',
      buffer: Buffer.from(PACK),
    })
    await expect(page.getByTestId('pack-imported')).toContainText('Week 3: resets')
    await expect(page.getByTestId('pack-error')).toHaveCount(0)

    // The student: a name is required, then the lab runs in the Quiz view.
    await page.getByTestId('student-class').fill('NET101-A')
    await page.getByTestId('student-start').click()
    await expect(page.getByTestId('student-problem')).toContainText('Enter your name')
    await page.getByTestId('student-name').fill('李雷')
    await page.getByTestId('student-start').click()
    await expect(page.getByTestId('quiz-student')).toContainText('李雷, class NET101-A')
    await expect(page.getByTestId('quiz-timer')).toContainText('Time left')
    const parsed = parsePack(PACK)
    if (!parsed.ok) throw new Error(parsed.message)
    const quiz = new QuizPage(page)
    for (const q of packQuiz(parsed.pack, undefined, simulatorProof()).questions) {
      await quiz.answer(q)
      await quiz.next()
    }
    await expect(page.getByTestId('quiz-saved')).toBeVisible()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('quiz-export-result').click(),
    ])
    expect(download.suggestedFilename()).toBe('net101-week3-NET101-A-李雷.json')
    const mine = join(dir, 'li-lei.json')
    await download.saveAs(mine)
    const handedIn = parseResultFile(readFileSync(mine, 'utf8'))
    expect(handedIn.ok && handedIn.result).toMatchObject({
      classCode: 'NET101-A',
      student: '李雷',
      packId: 'net101-week3',
      total: 3,
    })

    // The teacher: three result files (and one that is not a result file).
    const files = [
      mine,
      join(dir, 'han-meimei.json'),
      join(dir, 'bob.json'),
      join(dir, 'notes.json'),
    ]
    writeFileSync(files[1] as string, resultOf('韩梅梅', [true, false, true]))
    writeFileSync(files[2] as string, resultOf('Bob, "the builder"', [false, false, true]))
    writeFileSync(files[3] as string, '{"hello": 1}')
    await classroom.open(host.url)
    await classroom.importResults(files)
    await expect(page.getByTestId('results-added')).toContainText('3 new result files imported.')
    await expect(page.getByTestId('results-problems')).toContainText('notes.json')
    await expect(page.getByTestId('gradebook-students').locator('tbody tr')).toHaveCount(3)
    await expect(classroom.studentRow('韩梅梅')).toContainText('2/3')
    await expect(classroom.studentRow('Bob, "the builder"')).toContainText('1/3')
    const who = page
      .getByTestId('gradebook-questions')
      .locator('tr[data-question="custom:net101-week3:who-resets"]')
    await expect(who).toContainText('2/3')
    // The most common wrong answer, as the student saw it (the generated files are in Chinese).
    await expect(who.locator('li')).toContainText('1×')
    await expect(page.getByTestId('gradebook-topics').locator('tr[data-topic="rst"]')).toBeVisible()

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('gradebook-csv').click(),
    ])
    expect(csv.suggestedFilename()).toMatch(/^gradebook-\d{4}-\d{2}-\d{2}\.csv$/)
    const csvPath = join(dir, 'book.csv')
    await csv.saveAs(csvPath)
    const text = readFileSync(csvPath, 'utf8')
    expect(text.startsWith('\uFEFFclass,student,pack,finished,score,total,percent')).toBe(true)
    const lines = text.trimEnd().split('\r\n')
    expect(lines).toHaveLength(4)
    expect(text).toContain('NET101-A,"Bob, ""the builder""",net101-week3')
    expect(text).toContain('NET101-A,韩梅梅,net101-week3')

    // The gradebook lives in the store: a restart keeps it.
    await host.stop()
    host = await startHost(join(dir, 'data'))
    await classroom.open(host.url)
    await expect(page.getByTestId('gradebook-students').locator('tbody tr')).toHaveCount(3)
  })
})
