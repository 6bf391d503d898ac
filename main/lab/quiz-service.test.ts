import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateArgs } from '../../shared/contract'
import { generateQuiz } from '../../shared/quiz/generate'
import { buildResultFile } from '../../shared/quiz/result-file'
import type { QuizAttempt } from '../../shared/quiz/types'
import { DB_FILE } from '../store/quiz-store'
import { createQuizCalls, type QuizService } from './quiz-service'
import { createLabService } from './service'
import { simulatorProof } from './quiz-proof'

const dirs: string[] = []
const services: QuizService[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-quiz-service-'))
  dirs.push(dir)
  return dir
}
function open(dataDir?: string): QuizService {
  const service = createQuizCalls({
    dataDir,
    now: () => new Date('2026-03-01T08:00:00.000Z'),
  })
  services.push(service)
  return service
}
afterEach(() => {
  for (const s of services.splice(0)) s.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** An attempt at the first `n` questions of a seeded quiz, right where `right[i]`. */
function attemptOf(id: string, right: boolean[], packId?: string): QuizAttempt {
  const quiz = generateQuiz({
    seed: 5,
    count: right.length,
    types: ['cause-to-result'],
    proof: simulatorProof(),
  })
  const answers = quiz.questions.map((q, i) => ({
    questionId: q.id,
    type: q.type,
    topic: q.topic,
    response: right[i] ? q.answer : [q.options.find((o) => o.id !== q.answer[0])?.id ?? 'x'],
    correct: right[i] ?? false,
    expected: q.answer,
  }))
  return {
    id,
    startedAt: '2026-03-01T07:50:00.000Z',
    finishedAt: '2026-03-01T07:59:00.000Z',
    seed: 5,
    ...(packId ? { packId } : {}),
    lang: 'en',
    answers,
    score: right.filter(Boolean).length,
    total: right.length,
  }
}

const PACK = `pack: 1
id: week3
title: { en: Week 3, zh: 第三周 }
generate: { count: 2 }
`

describe('quiz calls', () => {
  it('keep attempts and mastery across a restart', async () => {
    const dir = tempDir()
    let quiz = open(dir)
    const a = attemptOf('a1', [true, false, true])
    expect(await quiz.calls.quizSaveAttempt(a)).toEqual({ ok: true, value: { saved: true } })
    expect(await quiz.calls.quizSaveAttempt(a)).toEqual({ ok: true, value: { saved: false } })
    quiz.close()

    quiz = open(dir)
    const history = await quiz.calls.quizHistory()
    if (!history.ok) throw new Error(history.error.message)
    expect(history.value.attempts).toEqual([a])
    // Every known topic is listed; the answered one counts the three answers.
    const topics = history.value.mastery.map((m) => m.topic)
    expect(topics).toEqual(expect.arrayContaining(['handshake', 'rst', 'timeout', 'errno']))
    const answered = history.value.mastery.reduce((n, m) => n + m.answered, 0)
    expect(answered).toBe(3)
  })

  it('import a pack, and name the line and field of a bad one without storing it', async () => {
    const quiz = open(tempDir())
    const good = await quiz.calls.packImport({ name: 'week3.yaml', text: PACK })
    expect(good).toMatchObject({ ok: true, value: { id: 'week3', title: { en: 'Week 3' } } })
    const bad = await quiz.calls.packImport({
      name: 'broken.yaml',
      text: PACK.replace('count: 2', 'count: many').replace('id: week3', 'id: other'),
    })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.code).toBe('bad-input')
    expect(bad.error.message).toContain('broken.yaml:4:')
    expect(bad.error.message).toContain('generate.count')
    expect(bad.error.problems?.[0]).toMatchObject({ path: 'generate.count', field: 'count' })
    const list = await quiz.calls.packList()
    expect(list.ok && list.value.map((p) => p.id)).toEqual(['week3'])
    expect(await quiz.calls.packDelete('week3')).toEqual({ ok: true, value: null })
    const gone = await quiz.calls.packDelete('week3')
    expect(!gone.ok && gone.error.code).toBe('not-found')
  })

  it('import result files into the gradebook, listing the bad ones', async () => {
    const quiz = open(tempDir())
    const questions = generateQuiz({
      seed: 5,
      count: 3,
      types: ['cause-to-result'],
      proof: simulatorProof(),
    }).questions
    const file = (student: string, right: boolean[]) => ({
      name: `${student}.json`,
      text: JSON.stringify(
        buildResultFile({
          attempt: attemptOf(`x-${student}`, right, 'week3'),
          questions,
          classCode: 'NET-1',
          student,
          packId: 'week3',
        }),
      ),
    })
    const imported = await quiz.calls.classImportResults([
      file('Ann', [true, true, true]),
      file('Bob', [true, false, false]),
      { name: 'notes.txt', text: 'hello' },
    ])
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.value.added).toBe(2)
    expect(imported.value.problems).toEqual([
      { file: 'notes.txt', message: expect.stringContaining('not JSON') },
    ])
    expect(imported.value.gradebook.students.map((s) => [s.student, s.score])).toEqual([
      ['Ann', 3],
      ['Bob', 1],
    ])
    // The same file again adds nothing; the gradebook survives a reopen.
    const again = await quiz.calls.classImportResults([file('Ann', [true, true, true])])
    expect(again.ok && again.value.added).toBe(0)
    const book = await quiz.calls.classGradebook()
    expect(book.ok && book.value.files).toHaveLength(2)
    await quiz.calls.classClearResults()
    const empty = await quiz.calls.classGradebook()
    expect(empty.ok && empty.value.gradebook.students).toEqual([])
  })

  it('say so plainly when there is no data folder or it cannot be opened', async () => {
    const none = await open().calls.quizHistory()
    expect(!none.ok && none.error).toMatchObject({ code: 'unsupported' })
    const dir = tempDir()
    // A folder where the database file should be: SQLite cannot open it.
    writeFileSync(join(dir, 'blocker'), '')
    const broken = await open(join(dir, 'blocker')).calls.quizHistory()
    expect(!broken.ok && broken.error.message).toContain('could not be opened')
  })

  it('are reachable through the lab service, whose dispose closes the file', async () => {
    const dir = tempDir()
    const service = createLabService({ shell: 'web', version: 't', dataDir: dir })
    const saved = await service.calls.quizSaveAttempt(attemptOf('s1', [true]))
    expect(saved.ok).toBe(true)
    await service.dispose()
    // Closed: another owner may open it at once.
    const quiz = open(dir)
    const history = await quiz.calls.quizHistory()
    expect(history.ok && history.value.attempts.map((a) => a.id)).toEqual(['s1'])
    expect(DB_FILE).toBe('socklab.db')
  })
})

describe('attempt schema at the contract', () => {
  it('accepts a real attempt and refuses a score that does not match its answers', () => {
    const a = attemptOf('ok-1', [true, false])
    expect(validateArgs('quizSaveAttempt', [a]).ok).toBe(true)
    const forged = validateArgs('quizSaveAttempt', [{ ...a, score: 2 }])
    expect(forged.ok).toBe(false)
    if (!forged.ok) expect(forged.error.message).toContain('quizSaveAttempt argument 0.score')
  })
})
