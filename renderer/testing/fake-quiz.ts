/**
 * The quiz and classroom calls of the fake contract: kept in memory with the same shared rules
 * the real store uses (pack validation, result-file checks, the gradebook), so component and
 * store tests see realistic answers and errors. Test support only, never shipped.
 */
import type { LabCalls, PackRecord, QuizCallName, Result } from '../../shared/contract'
import type { StoredGrade } from '../../shared/program-gradebook'
import { isGradeReportText, parseGradeReport, whoseMissing } from '../../shared/program-report'
import { masteryOf } from '../../shared/quiz/grade'
import { buildGradebook } from '../../shared/quiz/gradebook'
import { formatPackProblems, parsePack } from '../../shared/quiz/pack'
import { parseResultFile, type ResultFile } from '../../shared/quiz/result-file'
import type { QuizAttempt } from '../../shared/quiz/types'
import { TOPICS } from '../../shared/summary-tables'

/** The fake's data, open to the test. */
export interface FakeQuizData {
  attempts: QuizAttempt[]
  packs: PackRecord[]
  results: ResultFile[]
  /** Program-lab grades (imported reports, or graded from a folder). */
  programs: StoredGrade[]
  /** When set, every quiz call answers with this error. */
  failWith?: string
}

type QuizCalls = Pick<LabCalls, QuizCallName>

/** Builds the in-memory quiz calls over `data`. */
export function createFakeQuiz(data: FakeQuizData): QuizCalls {
  const guard = async <T>(work: () => Result<T>): Promise<Result<T>> =>
    data.failWith ? { ok: false, error: { code: 'internal', message: data.failWith } } : work()
  const book = () => ({
    files: [...data.results],
    programs: [...data.programs],
    gradebook: buildGradebook(data.results, data.programs),
  })
  return {
    quizSaveAttempt: (attempt) =>
      guard<{ saved: boolean }>(() => {
        if (data.attempts.some((a) => a.id === attempt.id))
          return { ok: true, value: { saved: false } }
        data.attempts.unshift(attempt)
        return { ok: true, value: { saved: true } }
      }),
    quizHistory: () =>
      guard(() => {
        const answers = data.attempts.flatMap((a) => a.answers)
        const mastery = Object.keys(TOPICS).map((t) => {
          const mine = answers.filter((a) => a.topic === t)
          return masteryOf(t, mine.length, mine.filter((a) => a.correct).length)
        })
        return { ok: true, value: { attempts: [...data.attempts], mastery } }
      }),
    packImport: (file) =>
      guard(() => {
        const parsed = parsePack(file.text)
        if (!parsed.ok)
          return {
            ok: false,
            error: {
              code: 'bad-input',
              message: `The question pack ${file.name} is not valid:\n${formatPackProblems(parsed.problems, file.name)}`,
            },
          }
        const record: PackRecord = {
          id: parsed.pack.id,
          title: parsed.pack.title,
          source: file.text,
          importedAt: '2026-03-01T08:00:00.000Z',
        }
        data.packs = [record, ...data.packs.filter((p) => p.id !== record.id)]
        return { ok: true, value: record }
      }),
    packList: () => guard(() => ({ ok: true, value: [...data.packs] })),
    packDelete: (id) =>
      guard(() => {
        const before = data.packs.length
        data.packs = data.packs.filter((p) => p.id !== id)
        return data.packs.length < before
          ? { ok: true, value: null }
          : {
              ok: false,
              error: { code: 'not-found', message: `There is no imported pack "${id}".` },
            }
      }),
    classImportResults: (files) =>
      guard(() => {
        const problems: { file: string; message: string }[] = []
        let added = 0
        for (const file of files) {
          if (isGradeReportText(file.text)) {
            const read = parseGradeReport(file.text)
            const whose = read.ok ? whoseMissing(read.report) : read.message
            if (read.ok && !whose) {
              data.programs.push({ report: read.report, origin: 'file' })
              added++
            } else problems.push({ file: file.name, message: whose! })
            continue
          }
          const parsed = parseResultFile(file.text)
          if (!parsed.ok) problems.push({ file: file.name, message: parsed.message })
          else {
            data.results.push(parsed.result)
            added++
          }
        }
        return { ok: true, value: { added, problems, ...book() } }
      }),
    classGradebook: () => guard(() => ({ ok: true, value: book() })),
    classClearResults: () =>
      guard(() => {
        data.results = []
        data.programs = []
        return { ok: true, value: null }
      }),
  }
}
