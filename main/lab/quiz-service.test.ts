import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateArgs } from '../../shared/contract'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from '../../shared/program-report.fixture'
import { generateQuiz } from '../../shared/quiz/generate'
import type { PickedFile } from '../../shared/quiz/attempt-schema'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { buildResultFile, type ResultFile } from '../../shared/quiz/result-file'
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

/** A student's result file for PACK's quiz (as the app makes it), right where `right[i]`. */
function packResult(student: string, right: boolean[], packId = 'week3'): PickedFile {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  const questions = packQuiz(parsed.pack, undefined, simulatorProof()).questions
  const answers = questions.map((q, i) => {
    // A predict-then-run question is graded against what the student's run returned.
    const expected = q.type === 'predict-run' ? [q.options[0]!.id] : q.answer
    const wrong =
      q.kind === 'order'
        ? [...expected].reverse()
        : [q.options.find((o) => o.id !== expected[0])!.id]
    return {
      questionId: q.id,
      type: q.type,
      topic: q.topic,
      response: right[i] ? expected : wrong,
      correct: right[i] ?? false,
      expected,
    }
  })
  const attempt: QuizAttempt = {
    id: `x-${student}`,
    startedAt: '2026-03-01T07:50:00.000Z',
    finishedAt: '2026-03-01T07:59:00.000Z',
    seed: parsed.pack.seed,
    packId,
    lang: 'en',
    answers,
    score: answers.filter((a) => a.correct).length,
    total: answers.length,
  }
  const file = buildResultFile({ attempt, questions, classCode: 'NET-1', student, packId })
  return { name: `${student}.json`, text: JSON.stringify(file) }
}

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

  it('import a GIFT pack; a bad one names its line and leaves the packs as they were', async () => {
    const quiz = open(tempDir())
    expect((await quiz.calls.packImport({ name: 'week3.yaml', text: PACK })).ok).toBe(true)
    const gift = [
      '$CATEGORY: $course$/top/Week 4',
      '',
      '// [id:rst-who] [tag:rst]',
      "::rst-who::Who sends RST to a SYN on a closed port?{=the server's TCP ~the client ####RFC 9293}",
      '',
      'connect() to a closed port fails at once on Linux.{TRUE####The RST comes back at once.}',
    ].join('\n')
    const good = await quiz.calls.packImport({ name: 'week4.gift.txt', text: gift })
    expect(good).toMatchObject({ ok: true, value: { id: 'week4', title: { en: 'Week 4' } } })
    if (!good.ok) return
    const pack = parsePack(good.value.source)
    expect(pack.ok && pack.pack.questions.map((q) => [q.id, q.topic, q.answer])).toEqual([
      ['rst-who', 'rst', 'a'],
      ['q2', 'custom', 'true'],
    ])
    const bad = await quiz.calls.packImport({
      name: 'week4.gift',
      text: `${gift}\n\nWhen? {#1822}`,
    })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.error.message).toContain('week4.gift:8:1 question 3: a numerical question')
    const list = await quiz.calls.packList()
    expect(list.ok && list.value.map((p) => p.id).sort()).toEqual(['week3', 'week4'])
  })

  it('import result files into the gradebook, listing the bad ones', async () => {
    const quiz = open(tempDir())
    expect((await quiz.calls.packImport({ name: 'week3.yaml', text: PACK })).ok).toBe(true)
    const imported = await quiz.calls.classImportResults([
      packResult('Ann', [true, true]),
      packResult('Bob', [true, false]),
      { name: 'notes.txt', text: 'hello' },
    ])
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.value.added).toBe(2)
    expect(imported.value.problems).toEqual([
      { file: 'notes.txt', message: expect.stringContaining('not JSON: line 1, column 1') },
    ])
    expect(imported.value.gradebook.students.map((s) => [s.student, s.score])).toEqual([
      ['Ann', 2],
      ['Bob', 1],
    ])
    // The same file again adds nothing; the gradebook survives a reopen.
    const again = await quiz.calls.classImportResults([packResult('Ann', [true, true])])
    expect(again.ok && again.value.added).toBe(0)
    const book = await quiz.calls.classGradebook()
    expect(book.ok && book.value.files).toHaveLength(2)
    await quiz.calls.classClearResults()
    const empty = await quiz.calls.classGradebook()
    expect(empty.ok && empty.value.gradebook.students).toEqual([])
  })

  it('refuse a result file edited into better marks as altered, naming the student', async () => {
    const quiz = open(tempDir())
    expect((await quiz.calls.packImport({ name: 'week3.yaml', text: PACK })).ok).toBe(true)
    // Wrong answers whose flags and score were edited to full marks: consistent, but false.
    const forged = JSON.parse(packResult('Cy', [false, false]).text) as ResultFile
    forged.answers = forged.answers.map((a) => ({ ...a, correct: true }))
    forged.score = forged.total
    // A wrong answer swapped for another question answered right: not the pack's questions.
    const swapped = JSON.parse(packResult('Dee', [true, false]).text) as ResultFile
    swapped.answers[1] = { ...swapped.answers[0]!, questionId: 'errno-name:EPIPE' }
    swapped.score = 2
    const result = await quiz.calls.classImportResults([
      { name: 'cy.json', text: JSON.stringify(forged) },
      { name: 'dee.json', text: JSON.stringify(swapped) },
      packResult('Eve', [true, false], 'week4'),
      packResult('Ann', [false, true]),
    ])
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.added).toBe(1)
    expect(result.value.problems).toEqual([
      {
        file: 'cy.json',
        message: expect.stringMatching(
          /^Cy's result \(class NET-1, pack week3\) was altered: it claims 2 of 2, the answers graded again against the pack give 0 of 2/,
        ),
      },
      {
        file: 'dee.json',
        message: expect.stringMatching(
          /^Dee's result .* was altered or comes from another version of the pack \(question "errno-name:EPIPE" is not in the pack\)/,
        ),
      },
      {
        file: 'Eve.json',
        message: expect.stringMatching(/^Eve's result .* pack "week4", which is not imported here/),
      },
    ])
    expect(result.value.gradebook.students.map((s) => [s.student, s.score])).toEqual([['Ann', 1]])
  })

  it('import program-lab grade reports beside result files; a bad one is named, the rest kept', async () => {
    const quiz = open(tempDir())
    expect((await quiz.calls.packImport({ name: 'week3.yaml', text: PACK })).ok).toBe(true)
    const report = (r: object, name: string): PickedFile => ({ name, text: JSON.stringify(r) })
    const edited = sampleReport('Dee', NAIVE_CASES, { passed: true })
    const nobody = sampleReport(undefined, ROBUST_CASES)
    const imported = await quiz.calls.classImportResults([
      packResult('Ann', [true, true]),
      report(sampleReport('Ann', ROBUST_CASES), 'ann.grade.json'),
      report(sampleReport('Bob', NAIVE_CASES), 'bob.grade.json'),
      report(edited, 'dee.grade.json'),
      report(nobody, 'client-faults.grade.json'),
      {
        name: 'cut.grade.json',
        text: JSON.stringify(sampleReport('Eve', NAIVE_CASES)).slice(0, 300),
      },
    ])
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.value.added).toBe(3)
    expect(imported.value.problems).toEqual([
      {
        file: 'dee.grade.json',
        message:
          'field "passed": it is marked passed, 0 of 3 cases passed, so the report was edited; not imported.',
      },
      {
        file: 'client-faults.grade.json',
        message: expect.stringMatching(/^this report of lab "client-faults" does not say whose/),
      },
      { file: 'cut.grade.json', message: expect.stringMatching(/^not JSON: line 1, column \d+: /) },
    ])
    expect(imported.value.gradebook.overview).toEqual([
      {
        classCode: 'NET-1',
        student: 'Ann',
        quizzes: [{ packId: 'week3', score: 2, total: 2 }],
        programs: [],
      },
      {
        classCode: 'NET101',
        student: 'Ann',
        quizzes: [],
        programs: [{ lab: 'client-faults', passed: 3, total: 3 }],
      },
      {
        classCode: 'NET101',
        student: 'Bob',
        quizzes: [],
        programs: [{ lab: 'client-faults', passed: 0, total: 3 }],
      },
    ])
    expect(imported.value.programs.map((g) => [g.report.student, g.origin])).toEqual([
      ['Ann', 'file'],
      ['Bob', 'file'],
    ])
    // Clearing forgets both kinds.
    await quiz.calls.classClearResults()
    const empty = await quiz.calls.classGradebook()
    expect(empty.ok && [empty.value.files, empty.value.programs]).toEqual([[], []])
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
