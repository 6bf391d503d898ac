/**
 * Schemas of the quiz data that crosses the contract (IPC and WebSocket): a finished attempt,
 * and a file the page hands to main (a pack or a student's result file). Main validates every
 * argument with these before it writes anything to the SQLite store.
 */
import { z } from 'zod'
import { QUESTION_TYPES, type QuizAttempt } from './types'

const shortText = z.string().max(200)

/** What a predict-then-run question's run returned. */
export const runOutcomeSchema = z.strictObject({
  actual: shortText.min(1),
  backend: z.enum(['sim', 'kernel']),
  summary: z.string().max(500),
})

/** One answered question. */
export const quizAnswerSchema = z.strictObject({
  questionId: shortText.min(1),
  type: z.enum(QUESTION_TYPES),
  topic: z.string().min(1).max(64),
  response: z.array(shortText).max(20),
  correct: z.boolean(),
  expected: z.array(shortText).max(20),
  run: runOutcomeSchema.optional(),
})

/** A finished attempt; its score must be the number of right answers. */
export const quizAttemptSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" or "-" (at most 100)'),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    seed: z.number().int().min(0).max(4294967295),
    packId: z.string().min(1).max(64).optional(),
    lang: z.enum(['zh', 'en']),
    answers: z.array(quizAnswerSchema).min(1).max(500),
    score: z.number().int().min(0),
    total: z.number().int().min(1),
  })
  .superRefine((attempt, ctx) => {
    const right = attempt.answers.filter((a) => a.correct).length
    if (attempt.score !== right)
      ctx.addIssue({
        code: 'custom',
        path: ['score'],
        message: `is ${attempt.score} but ${right} answers are right`,
      })
    if (attempt.total !== attempt.answers.length)
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `is ${attempt.total} but there are ${attempt.answers.length} answers`,
      })
  }) satisfies z.ZodType<QuizAttempt>

/** A text file the user picked in the page: its name (for messages) and its content. */
export const pickedFileSchema = z.strictObject({
  name: z.string().min(1).max(260),
  // Under the browser-mode WebSocket frame limit (1 MiB); the page sends many files in batches.
  text: z.string().max(800_000),
})
/** A file picked in the page. */
export type PickedFile = z.output<typeof pickedFileSchema>
