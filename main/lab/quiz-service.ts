/**
 * The quiz and classroom calls of the contract: attempts and mastery, teachers' packs and the
 * gradebook, all kept in the SQLite store of the app's data folder.
 *
 * The store opens on the first quiz call, not at start-up: a Lab-only session never touches the
 * data folder, and a store that cannot open (another app instance owns it, or a newer app wrote
 * it) fails only the quiz calls, with a message that says which file and why, while the Lab
 * keeps working. A later call tries again, so closing the other instance is enough.
 *
 * Imported result files are graded again against the pack the teacher holds: a file edited
 * into better marks is refused as altered, naming the student (shared/quiz/result-file.ts).
 * Program-lab grade reports come in through the same import (shared/program-report.ts): a
 * report whose verdicts do not add up, or that names no student, is refused the same way.
 */
import {
  fail,
  ok,
  type ClassBook,
  type LabCalls,
  type PackRecord,
  type QuizCallName,
  type Result,
} from '../../shared/contract'
import type { StoredGrade } from '../../shared/program-gradebook'
import {
  isGradeReportText,
  keptReport,
  parseGradeReport,
  whoseMissing,
} from '../../shared/program-report'
import { masteryOf, type TopicMastery } from '../../shared/quiz/grade'
import { buildGradebook } from '../../shared/quiz/gradebook'
import { isGiftFile, parseGift } from '../../shared/quiz/lms/gift-import'
import { formatPackProblems, parsePack, type QuestionPack } from '../../shared/quiz/pack'
import type { QuizProof } from '../../shared/quiz/proof'
import {
  parseResultFile,
  quizzesOfPack,
  regradeResult,
  type Regrade,
  type ResultFile,
} from '../../shared/quiz/result-file'
import type { Quiz } from '../../shared/quiz/types'
import { TOPICS } from '../../shared/summary-tables'
import { QuizStore } from '../store/quiz-store'
import { describeStoreError } from '../store/store-errors'
import { simulatorProof } from './quiz-proof'

/** Options of {@link createQuizCalls}. */
export interface QuizServiceOptions {
  /** The data folder; without one every quiz call says that nothing can be kept. */
  dataDir?: string
  /** Attempts listed in the history (newest first). */
  historyLimit?: number
  now?: () => Date
  /** The simulator's runs the generated questions are proved with (main/lab/quiz-proof.ts). */
  proof?: () => QuizProof
}

/** The quiz calls plus closing the store. */
export interface QuizService {
  calls: Pick<LabCalls, QuizCallName>
  /** One imported pack (a live class starts from it). */
  getPack(id: string): Promise<Result<PackRecord>>
  /** Keeps a live class's result files in the gradebook as they come in (main/class). */
  saveLiveResults(files: readonly ResultFile[]): Promise<Result<number>>
  /**
   * Keeps program-lab grades graded here (a folder of submissions) in the gradebook; the
   * number added, or the store's error as data.
   */
  saveProgramGrades(grades: readonly StoredGrade[]): Promise<Result<number>>
  /** Closes the SQLite file (and gives up ownership of it). */
  close(): void
}

/** Mastery of every known topic (unanswered ones as `new`), then any teacher's own topics. */
export function withAllTopics(stored: readonly TopicMastery[]): TopicMastery[] {
  const byTopic = new Map(stored.map((m) => [m.topic, m]))
  const known = Object.keys(TOPICS).map((t) => byTopic.get(t) ?? masteryOf(t, 0, 0))
  const own = stored.filter((m) => !Object.hasOwn(TOPICS, m.topic))
  return [...known, ...own]
}

function classBook(store: QuizStore): ClassBook {
  const files = store.listResults()
  const programs = store.listProgramGrades()
  return { files, programs, gradebook: buildGradebook(files, programs) }
}

/**
 * Grades result files again against the packs the teacher imported, one pack's quizzes built
 * once per import. A file whose pack is not imported cannot be checked, so it is not kept.
 */
function regrader(store: QuizStore, proof: () => QuizProof): (file: ResultFile) => Regrade {
  const packs = new Map<string, { pack: QuestionPack; quizzes: Quiz[] } | undefined>()
  return (file) => {
    if (!packs.has(file.packId)) {
      const stored = store.getPack(file.packId)
      const parsed = stored ? parsePack(stored.source) : undefined
      packs.set(
        file.packId,
        parsed?.ok
          ? { pack: parsed.pack, quizzes: quizzesOfPack(parsed.pack, proof()) }
          : undefined,
      )
    }
    const held = packs.get(file.packId)
    if (!held)
      return {
        ok: false,
        message: `${file.student}'s result (class ${file.classCode}) is for pack "${file.packId}", which is not imported here, so its answers cannot be checked; import the pack the class took, then this file again.`,
      }
    return regradeResult(file, held.pack, held.quizzes)
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Creates the quiz calls over the store in `options.dataDir`. */
export function createQuizCalls(options: QuizServiceOptions): QuizService {
  const now = options.now ?? (() => new Date())
  let store: QuizStore | undefined

  const withStore = async <T>(work: (s: QuizStore) => Result<T>): Promise<Result<T>> => {
    if (!options.dataDir)
      return fail(
        'unsupported',
        'This app instance has no data folder, so the quiz cannot keep anything.',
      )
    if (!store) {
      try {
        store = QuizStore.open(options.dataDir)
      } catch (error) {
        return fail(
          'internal',
          `The quiz data in ${options.dataDir} could not be opened: ${message(error)}`,
        )
      }
    }
    try {
      return work(store)
    } catch (error) {
      return fail(
        'internal',
        `The quiz data file ${store.file} could not be written or read: ${describeStoreError(error, store.file)}`,
      )
    }
  }

  const calls: QuizService['calls'] = {
    quizSaveAttempt: (attempt) => withStore((s) => ok({ saved: s.saveAttempt(attempt) })),
    quizHistory: () =>
      withStore((s) =>
        ok({
          attempts: s.listAttempts(options.historyLimit ?? 50),
          mastery: withAllTopics(s.mastery()),
        }),
      ),
    packImport: (file) =>
      withStore((s) => {
        // A GIFT file (.gift or .txt, Moodle's text format) becomes a pack; the app keeps the
        // pack's YAML, which every later reader (the gradebook's regrading) reads as usual.
        const gift = isGiftFile(file.name) ? parseGift(file.text, file.name) : undefined
        const parsed = gift ?? parsePack(file.text)
        if (!parsed.ok)
          return fail(
            'bad-input',
            `The question pack ${file.name} is not valid:\n${formatPackProblems(parsed.problems, file.name)}`,
            parsed.problems.map((p) => ({
              path: p.path,
              field: p.field,
              message: `line ${p.line}, column ${p.column}: ${p.message}`,
            })),
          )
        const record: PackRecord = {
          id: parsed.pack.id,
          title: parsed.pack.title,
          source: gift?.ok ? gift.yaml : file.text,
          importedAt: now().toISOString(),
        }
        s.savePack(record)
        return ok(record)
      }),
    packList: () => withStore((s) => ok(s.listPacks())),
    packDelete: (id) =>
      withStore((s) =>
        s.deletePack(id) ? ok(null) : fail('not-found', `There is no imported pack "${id}".`),
      ),
    classImportResults: (files) =>
      withStore((s) => {
        const problems: { file: string; message: string }[] = []
        const valid: ResultFile[] = []
        const grades: StoredGrade[] = []
        const regrade = regrader(s, options.proof ?? simulatorProof)
        for (const file of files) {
          // A program lab's grade report, or else a quiz result file.
          if (isGradeReportText(file.text)) {
            const read = parseGradeReport(file.text)
            const whose = read.ok ? whoseMissing(read.report) : read.message
            if (read.ok && !whose) grades.push({ report: keptReport(read.report), origin: 'file' })
            else problems.push({ file: file.name, message: whose! })
            continue
          }
          const parsed = parseResultFile(file.text)
          const checked = parsed.ok ? regrade(parsed.result) : parsed
          if (checked.ok) valid.push(checked.result)
          else problems.push({ file: file.name, message: checked.message })
        }
        const at = now().toISOString()
        const added =
          (valid.length > 0 ? s.saveResults(valid, at) : 0) +
          (grades.length > 0 ? s.saveProgramGrades(grades, at) : 0)
        return ok({ added, problems, ...classBook(s) })
      }),
    classGradebook: () => withStore((s) => ok(classBook(s))),
    classClearResults: () =>
      withStore((s) => {
        s.clearResults()
        return ok(null)
      }),
  }

  return {
    calls,
    getPack: (id) =>
      withStore((s) => {
        const pack = s.getPack(id)
        return pack ? ok(pack) : fail('not-found', `There is no imported pack "${id}".`)
      }),
    saveLiveResults: (files) => withStore((s) => ok(s.saveLiveResults(files, now().toISOString()))),
    saveProgramGrades: (grades) =>
      withStore((s) =>
        ok(
          s.saveProgramGrades(
            grades.map((g) => ({ ...g, report: keptReport(g.report) })),
            now().toISOString(),
          ),
        ),
      ),
    close() {
      store?.close()
      store = undefined
    },
  }
}
