/**
 * The live class's answers channel (docs/live-class.md): JSON messages over one WebSocket per
 * student, version {@link CLASS_PROTOCOL}. Every message carries `v`; the server validates each
 * one a student sends with {@link studentMessageSchema} (a message that fails is answered with
 * `refused`, never acted on) and sends only {@link ServerMessage}s, which tests check with
 * {@link serverMessageSchema}.
 *
 * A student never receives an answer key before answering: a {@link StudentQuestion} has the
 * prompt and the options only. Feedback (right or wrong, the right answer, the explanation)
 * comes for an answered question when the teacher's feedback mode allows it.
 */
import { z } from 'zod'
import { localizedSchema, type Localized } from '../lab-script'
import { TOKEN_PATTERN } from './code'
import { CLASS_PROTOCOL, MAX_NAME } from './limits'

export { CLASS_PROTOCOL, CLOSE_CODES, MAX_NAME, MAX_STUDENT_MESSAGE } from './limits'

/** A student's language: the page's texts and the result file's. */
export const STUDENT_LANGS = ['zh', 'en'] as const
/** One of {@link STUDENT_LANGS}. */
export type StudentLang = (typeof STUDENT_LANGS)[number]

/** How the questions are run: the teacher moves the class on, or each student goes alone. */
export const PACINGS = ['teacher', 'self'] as const
/** One of {@link PACINGS}. */
export type Pacing = (typeof PACINGS)[number]

/**
 * When a student learns whether an answer was right: at once, or only when the teacher
 * reveals the question (on the projector, after discussing it).
 */
export const FEEDBACK_MODES = ['immediate', 'reveal'] as const
/** One of {@link FEEDBACK_MODES}. */
export type FeedbackMode = (typeof FEEDBACK_MODES)[number]

// Control characters (C0, DEL, C1) and the Unicode controls that reorder text or hide it
// (bidi overrides and isolates, zero-width marks) would make a name print as something else.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/

/**
 * A student's name: trimmed, inner runs of space made one, 1 to {@link MAX_NAME} characters,
 * no control or bidi characters. The gradebook keys a student by it (case-insensitively).
 */
export const studentNameSchema = z
  .string()
  .max(200, 'is too long')
  .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'is empty: type your name')
      .max(MAX_NAME, `is longer than ${MAX_NAME} characters`)
      .refine((s) => !UNSAFE_NAME.test(s), 'has a control character'),
  )

const optionId = z.string().min(1).max(100)

/** Every message a student's page may send. */
export const studentMessageSchema = z.discriminatedUnion('type', [
  /** The first message: who this is. `token` rejoins as the student who had that name. */
  z.strictObject({
    v: z.literal(CLASS_PROTOCOL),
    type: z.literal('join'),
    name: studentNameSchema,
    lang: z.enum(STUDENT_LANGS),
    token: z.string().regex(TOKEN_PATTERN).optional(),
  }),
  /** One answer: an option id (choice) or every option id in order (order). */
  z.strictObject({
    v: z.literal(CLASS_PROTOCOL),
    type: z.literal('answer'),
    questionId: z.string().min(1).max(200),
    response: z.array(optionId).min(1).max(12),
  }),
  /** The student switched the page's language (the result file is written in it). */
  z.strictObject({
    v: z.literal(CLASS_PROTOCOL),
    type: z.literal('lang'),
    lang: z.enum(STUDENT_LANGS),
  }),
])
/** A validated student message. */
export type StudentMessage = z.output<typeof studentMessageSchema>

/** One step of a predict-then-run question's case, as the student sees it. */
export interface StudentStep {
  index: number
  actor: string
  call: string
  at?: number
  predicted: boolean
}

/** A question as a student receives it: no answer, no explanation. */
export interface StudentQuestion {
  id: string
  /** Position in the class's quiz, from 0. */
  index: number
  kind: 'choice' | 'order'
  prompt: Localized
  options: { id: string; text: Localized }[]
  /** predict-then-run: what the case does, the predicted call marked. */
  steps?: StudentStep[]
}

/** What a student is told about one of their answers, when the teacher's mode allows. */
export interface AnswerFeedback {
  correct: boolean
  /** The right answer's option ids (for predict-then-run: what the simulator's run returned). */
  expected: string[]
  explanation: Localized
  /** predict-then-run: the run's one line (`connect() = -1 ECONNREFUSED (111)`). */
  run?: string
}

/** One of a student's own answers, as the server holds it. */
export interface StudentAnswer {
  questionId: string
  response: string[]
  feedback?: AnswerFeedback
}

/** Why the server refused a message (the page shows a sentence for each). */
export const REFUSALS = [
  'bad-message',
  'version',
  'not-joined',
  'already-joined',
  'name-taken',
  'full',
  'unknown-question',
  'closed',
  'bad-answer',
] as const
/** One of {@link REFUSALS}. */
export type Refusal = (typeof REFUSALS)[number]

/** What the server sends a student. */
export type ServerMessage =
  | {
      v: typeof CLASS_PROTOCOL
      type: 'welcome'
      name: string
      /** Keep it (the page does, in localStorage) to rejoin as this student. */
      token: string
      title: Localized
      total: number
      rejoined: boolean
    }
  | {
      v: typeof CLASS_PROTOCOL
      type: 'view'
      pacing: Pacing
      /** teacher-paced: the question the class is on (null before the first). */
      current: number | null
      /** The questions this student may answer or read now. */
      questions: StudentQuestion[]
      /** This student's answers so far (with feedback where allowed). */
      answers: StudentAnswer[]
    }
  | { v: typeof CLASS_PROTOCOL; type: 'ack'; answer: StudentAnswer }
  | { v: typeof CLASS_PROTOCOL; type: 'refused'; reason: Refusal; detail: string }
  | { v: typeof CLASS_PROTOCOL; type: 'ended' }

const feedbackSchema = z.strictObject({
  correct: z.boolean(),
  expected: z.array(z.string()),
  explanation: localizedSchema,
  run: z.string().optional(),
})
const answerSchema = z.strictObject({
  questionId: z.string(),
  response: z.array(z.string()),
  feedback: feedbackSchema.optional(),
})
const questionSchema = z.strictObject({
  id: z.string(),
  index: z.number().int().min(0),
  kind: z.enum(['choice', 'order']),
  prompt: localizedSchema,
  options: z.array(z.strictObject({ id: z.string(), text: localizedSchema })),
  steps: z
    .array(
      z.strictObject({
        index: z.number().int(),
        actor: z.string(),
        call: z.string(),
        at: z.number().optional(),
        predicted: z.boolean(),
      }),
    )
    .optional(),
})
const v = z.literal(CLASS_PROTOCOL)

/** The server's messages as a schema: tests check every message a student receives with it. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    v,
    type: z.literal('welcome'),
    name: z.string(),
    token: z.string().regex(TOKEN_PATTERN),
    title: localizedSchema,
    total: z.number().int().min(0),
    rejoined: z.boolean(),
  }),
  z.strictObject({
    v,
    type: z.literal('view'),
    pacing: z.enum(PACINGS),
    current: z.number().int().min(0).nullable(),
    questions: z.array(questionSchema),
    answers: z.array(answerSchema),
  }),
  z.strictObject({ v, type: z.literal('ack'), answer: answerSchema }),
  z.strictObject({ v, type: z.literal('refused'), reason: z.enum(REFUSALS), detail: z.string() }),
  z.strictObject({ v, type: z.literal('ended') }),
]) satisfies z.ZodType<ServerMessage>

/**
 * Reads one student message from a frame's text: the message, or why it is refused (the
 * field and the problem, for the `refused` reply).
 */
export function readStudentMessage(
  text: string,
): { ok: true; message: StudentMessage } | { ok: false; reason: Refusal; detail: string } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'bad-message', detail: 'the message is not JSON' }
  }
  if (data && typeof data === 'object' && 'v' in data && data.v !== CLASS_PROTOCOL)
    return {
      ok: false,
      reason: 'version',
      detail: `protocol version ${JSON.stringify(data.v)?.slice(0, 20)} is not spoken here (${CLASS_PROTOCOL} is): reload the page`,
    }
  const parsed = studentMessageSchema.safeParse(data)
  if (parsed.success) return { ok: true, message: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue?.path.map(String).join('.') || '(message)'
  return { ok: false, reason: 'bad-message', detail: `${where}: ${issue?.message ?? 'invalid'}` }
}
