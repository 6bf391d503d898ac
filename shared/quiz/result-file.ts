/**
 * The result file a student exports and a teacher imports: versioned JSON with the class code,
 * the student's name, the pack, every answer (ids and the text the student saw) and the score.
 * The teacher's app grades the answers again against the pack before it keeps a file
 * ({@link regradeResult}).
 */
import { z } from 'zod'
import { localizedSchema, type Localized } from '../lab-script'
import { formatTextProblem, readJson } from '../text-file'
import { gradeResponse } from './grade'
import { packQuiz, type QuestionPack } from './pack'
import type { QuizProof } from './proof'
import { QUESTION_TYPES, type Quiz, type QuizAttempt, type QuizQuestion } from './types'

/** Current result-file version. */
export const RESULT_FILE_VERSION = 1

const answerSchema = z.strictObject({
  questionId: z.string().min(1).max(200),
  type: z.enum(QUESTION_TYPES),
  topic: z.string().min(1).max(64),
  prompt: localizedSchema,
  response: z.array(z.string().max(200)).max(20),
  /** What the student chose, as text in their language (orders joined with " → "). */
  responseText: z.string().max(2000),
  correct: z.boolean(),
  expected: z.array(z.string().max(200)).max(20),
  expectedText: z.string().max(2000),
})

/**
 * When the lab started and finished, as the app writes them (`2025-03-01T09:30:00.000Z`; an
 * offset instead of `Z` is accepted too). Free text here would reach the gradebook's CSV and
 * decide which of a student's files is the latest.
 */
const isoDate = z.iso.datetime({
  offset: true,
  message: 'is not an ISO 8601 date and time (like 2025-03-01T09:30:00Z)',
})

/** Result file, version 1. */
export const resultFileSchema = z.strictObject({
  socklabResult: z.literal(RESULT_FILE_VERSION),
  classCode: z.string().trim().min(1).max(64),
  student: z.string().trim().min(1).max(120),
  packId: z.string().min(1).max(64),
  packTitle: localizedSchema.optional(),
  seed: z.number().int().min(0),
  lang: z.enum(['zh', 'en']),
  startedAt: isoDate,
  finishedAt: isoDate,
  score: z.number().int().min(0),
  total: z.number().int().min(0),
  answers: z.array(answerSchema).max(500),
})
/** A validated result file. */
export type ResultFile = z.output<typeof resultFileSchema>

function optionText(question: QuizQuestion | undefined, ids: string[], lang: 'zh' | 'en'): string {
  return ids.map((id) => question?.options.find((o) => o.id === id)?.text[lang] ?? id).join(' → ')
}

/** Builds the result file of a finished attempt on a pack's quiz. */
export function buildResultFile(input: {
  attempt: QuizAttempt
  questions: readonly QuizQuestion[]
  classCode: string
  student: string
  packId: string
  packTitle?: Localized
}): ResultFile {
  const { attempt } = input
  const byId = new Map(input.questions.map((q) => [q.id, q]))
  return {
    socklabResult: RESULT_FILE_VERSION,
    classCode: input.classCode.trim(),
    student: input.student.trim(),
    packId: input.packId,
    ...(input.packTitle ? { packTitle: input.packTitle } : {}),
    seed: attempt.seed,
    lang: attempt.lang,
    startedAt: attempt.startedAt,
    finishedAt: attempt.finishedAt,
    score: attempt.score,
    total: attempt.total,
    answers: attempt.answers.map((a) => {
      const q = byId.get(a.questionId)
      return {
        questionId: a.questionId,
        type: a.type,
        topic: a.topic,
        prompt: q?.prompt ?? { en: a.questionId, zh: a.questionId },
        response: a.response,
        responseText: optionText(q, a.response, attempt.lang),
        correct: a.correct,
        expected: a.expected,
        expectedText: optionText(q, a.expected, attempt.lang),
      }
    }),
  }
}

/** Reads a result file; a problem names the line or the field. Never throws. */
export function parseResultFile(
  text: string,
): { ok: true; result: ResultFile } | { ok: false; message: string } {
  try {
    return parseResultText(text)
  } catch (error) {
    // No input should get here (the fuzz tests look for one): a sentence, never a stack.
    return {
      ok: false,
      message: `the file could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    }
  }
}

function parseResultText(
  text: string,
): { ok: true; result: ResultFile } | { ok: false; message: string } {
  const read = readJson(text)
  if (!read.ok) {
    const p = read.problem
    return {
      ok: false,
      message: p.line === undefined ? p.message : `not JSON: ${formatTextProblem(p)}`,
    }
  }
  const data = read.value
  if (data && typeof data === 'object' && 'socklabResult' in data && data.socklabResult !== 1)
    return {
      ok: false,
      message: `field "socklabResult": result file version ${JSON.stringify(data.socklabResult)?.slice(0, 40)} is not supported (1 is)`,
    }
  const parsed = resultFileSchema.safeParse(data)
  if (!parsed.success)
    return {
      ok: false,
      message: parsed.error.issues
        .slice(0, 10)
        .map((i) => `field "${i.path.map(String).join('.') || '(file)'}": ${i.message}`)
        .join('; '),
    }
  const score = parsed.data.answers.filter((a) => a.correct).length
  if (score !== parsed.data.score || parsed.data.answers.length !== parsed.data.total)
    return {
      ok: false,
      message: `field "score": does not match the answers (the file was edited?)`,
    }
  return { ok: true, result: parsed.data }
}

/**
 * The quizzes a student could have been given from a pack: with the simulator's proof (the
 * generated questions about results) and without it (errno questions only), since the app
 * that made the quiz may have had either.
 */
export function quizzesOfPack(pack: QuestionPack, proof?: QuizProof): Quiz[] {
  const plain = packQuiz(pack)
  return proof ? [packQuiz(pack, undefined, proof), plain] : [plain]
}

/** The outcome of {@link regradeResult}. */
export type Regrade = { ok: true; result: ResultFile } | { ok: false; message: string }

function sameIds(quiz: Quiz, file: ResultFile): boolean {
  const a = quiz.questions.map((q) => q.id).sort()
  const b = file.answers.map((x) => x.questionId).sort()
  return a.length === b.length && a.every((id, i) => id === b[i])
}

function listed(ids: string[]): string {
  const shown = ids.slice(0, 3).map((id) => `"${id}"`)
  return ids.length > 3 ? `${shown.join(', ')} and ${ids.length - 3} more` : shown.join(', ')
}

/**
 * Grades every response of a result file again, against the pack the teacher imported (its
 * quizzes from {@link quizzesOfPack}), and refuses a file whose score or `correct` flags differ
 * from that: the file was edited after the quiz. A predict-then-run answer is graded against
 * the run on the student's machine, which the file reports and nothing can re-check; it must
 * only be consistent (its answer one of the question's options, its flag what the response
 * gives). The result kept is rebuilt from the pack (prompts, topics, right answers), so no
 * edited text reaches the gradebook.
 */
export function regradeResult(
  file: ResultFile,
  pack: QuestionPack,
  quizzes: readonly Quiz[],
): Regrade {
  const who = `${file.student}'s result (class ${file.classCode}, pack ${file.packId})`
  const quiz = quizzes.find((q) => q.seed === file.seed && sameIds(q, file))
  if (file.packId !== pack.id || !quiz) {
    const known = new Set(quizzes.flatMap((q) => q.questions.map((x) => x.id)))
    const foreign = file.answers.map((a) => a.questionId).filter((id) => !known.has(id))
    const why =
      file.seed !== pack.seed
        ? `its seed is ${file.seed}, the pack's is ${pack.seed}`
        : foreign.length > 0
          ? `question ${listed(foreign)} is not in the pack`
          : 'its questions are not the questions of the pack'
    return {
      ok: false,
      message: `${who} was altered or comes from another version of the pack (${why}); not imported. If the pack changed after the quiz, import the version the class took.`,
    }
  }
  const byId = new Map(quiz.questions.map((q) => [q.id, q]))
  const flagged: string[] = []
  const answers = file.answers.map((a) => {
    const q = byId.get(a.questionId)!
    const options = new Set(q.options.map((o) => o.id))
    const validResponse = a.response.every((id) => options.has(id))
    let correct: boolean
    let expected: string[]
    if (q.type === 'predict-run') {
      // The run decided; the file carries what it returned. A question the time ran out on
      // was neither answered nor run.
      expected = a.expected
      const notRun = expected.length === 0 && a.response.length === 0
      const validRun = notRun || (expected.length === 1 && options.has(expected[0]!))
      correct = !notRun && validRun && a.response.length === 1 && a.response[0] === expected[0]
      if (!validRun) flagged.push(q.id)
    } else {
      const grade = gradeResponse(q, a.response)
      correct = grade.status === 'graded' && grade.correct
      expected = q.answer
    }
    if (!validResponse || correct !== a.correct) flagged.push(q.id)
    return {
      questionId: q.id,
      type: q.type,
      topic: q.topic,
      prompt: q.prompt,
      response: a.response,
      responseText: optionText(q, a.response, file.lang),
      correct,
      expected,
      expectedText: optionText(q, expected, file.lang),
    }
  })
  const score = answers.filter((a) => a.correct).length
  if (flagged.length > 0 || score !== file.score)
    return {
      ok: false,
      message: `${who} was altered: it claims ${file.score} of ${file.total}, the answers graded again against the pack give ${score} of ${answers.length}${flagged.length > 0 ? ` (question ${listed([...new Set(flagged)])} is not marked as its answer deserves)` : ''}; not imported.`,
    }
  return { ok: true, result: { ...file, answers, score, total: answers.length } }
}
