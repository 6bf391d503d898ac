/**
 * The result file a student exports and a teacher imports: versioned JSON with the class code,
 * the student's name, the pack, every answer (ids and the text the student saw) and the score.
 */
import { z } from 'zod'
import { localizedSchema, type Localized } from '../lab-script'
import { QUESTION_TYPES, type QuizAttempt, type QuizQuestion } from './types'

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

/** Result file, version 1. */
export const resultFileSchema = z.strictObject({
  socklabResult: z.literal(RESULT_FILE_VERSION),
  classCode: z.string().trim().min(1).max(64),
  student: z.string().trim().min(1).max(120),
  packId: z.string().min(1).max(64),
  packTitle: localizedSchema.optional(),
  seed: z.number().int().min(0),
  lang: z.enum(['zh', 'en']),
  startedAt: z.string().max(40),
  finishedAt: z.string().max(40),
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

/** Reads a result file; a problem names the field. Never throws. */
export function parseResultFile(
  text: string,
): { ok: true; result: ResultFile } | { ok: false; message: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return {
      ok: false,
      message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
  if (data && typeof data === 'object' && 'socklabResult' in data && data.socklabResult !== 1)
    return {
      ok: false,
      message: `result file version ${String(data.socklabResult)} is not supported (1 is)`,
    }
  const parsed = resultFileSchema.safeParse(data)
  if (!parsed.success)
    return {
      ok: false,
      message: parsed.error.issues
        .map((i) => `field "${i.path.map(String).join('.') || '(file)'}": ${i.message}`)
        .join('; '),
    }
  const score = parsed.data.answers.filter((a) => a.correct).length
  if (score !== parsed.data.score || parsed.data.answers.length !== parsed.data.total)
    return {
      ok: false,
      message: 'field "score": does not match the answers (the file was edited?)',
    }
  return { ok: true, result: parsed.data }
}
