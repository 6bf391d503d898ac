/**
 * The state of one live class, without any I/O (docs/live-class.md): who joined, every answer,
 * the pacing and the current question, what is revealed. The class server (main/class) feeds
 * it what students and the teacher do and sends what it returns; the clock and the randomness
 * come in as arguments, so the same calls give the same state (the property test replays
 * shuffled and repeated messages against it).
 *
 * Rules that keep answers from being lost or counted twice:
 * - A student is their name (case-insensitive) plus the rejoin token the server gave them. A
 *   page that reconnects with both is the same student, with every answer they gave; a new
 *   page with a taken name and no token is refused.
 * - A student's first answer to a question is the one that counts. The same answer sent again
 *   (a page resending what it was not sure arrived) is acknowledged with the stored answer.
 * - An answer is accepted while its question is open: in a teacher-paced class the current
 *   question; self-paced, every question. Nothing is accepted after the class ended.
 */
import type { Localized } from '../lab-script'
import { gradeResponse, toAnswer } from '../quiz/grade'
import { buildResultFile, type ResultFile } from '../quiz/result-file'
import type { QuizAnswer, QuizQuestion, RunOutcome } from '../quiz/types'
import { makeToken, sameSecret, type RandomBytes } from './code'
import { buildHeatmap } from './heatmap'
import type {
  FeedbackMode,
  Pacing,
  Refusal,
  StudentAnswer,
  StudentLang,
  StudentQuestion,
} from './protocol'
import { CLASS_PROTOCOL, type ServerMessage } from './protocol'
import type { LiveNetwork, LiveQuestion, LiveStatus, LiveStudent } from './status'

/** Default most students in one class. */
export const MAX_STUDENTS = 500

/** What a class is made of. */
export interface ClassSetup {
  code: string
  packId: string
  title: Localized
  /** The pack's seed (the result files carry it). */
  seed: number
  /** In the order they are asked; a predict-then-run question needs its run in `runs`. */
  questions: readonly QuizQuestion[]
  /** What the simulator's run returned for each predict-then-run question. */
  runs?: Readonly<Record<string, RunOutcome>>
  /** The student-facing form of each question (main adds a predict question's steps). */
  studentQuestions?: readonly StudentQuestion[]
  pacing: Pacing
  feedback: FeedbackMode
  maxStudents?: number
  startedAt: string
  random: RandomBytes
}

interface Student {
  id: string
  name: string
  token: string
  lang: StudentLang
  joinedAt: string
  lastAt: string
  /** Which connection is current: a rejoin replaces the older one. */
  connection: number
  connected: boolean
  answers: Map<string, QuizAnswer>
}

/** The outcome of a join. */
export type JoinOutcome =
  | {
      ok: true
      studentId: string
      connection: number
      welcome: ServerMessage
      /** A rejoin while the old page was still connected: close that one. */
      replaced?: number
    }
  | { ok: false; reason: Refusal; detail: string }

/** The outcome of an answer. */
export type AnswerOutcome =
  | { ok: true; answer: StudentAnswer; duplicate: boolean }
  | { ok: false; reason: Refusal; detail: string }

/** The pure state of one live class. */
export class ClassSession {
  readonly code: string
  private readonly setup: ClassSetup
  private readonly questions: readonly QuizQuestion[]
  private readonly byId: Map<string, { q: QuizQuestion; index: number }>
  private readonly forStudents: readonly StudentQuestion[]
  private readonly students = new Map<string, Student>()
  private readonly byName = new Map<string, string>()
  private readonly dirty = new Set<string>()
  private readonly revealed = new Set<string>()
  private nextStudent = 1
  private nextConnection = 1
  pacing: Pacing
  feedback: FeedbackMode
  /** teacher-paced: the question the class is on, null before the first. */
  current: number | null = null
  ended = false

  constructor(setup: ClassSetup) {
    this.setup = setup
    this.code = setup.code
    this.questions = setup.questions
    this.pacing = setup.pacing
    this.feedback = setup.feedback
    this.byId = new Map(setup.questions.map((q, index) => [q.id, { q, index }]))
    for (const q of setup.questions)
      if (q.type === 'predict-run' && !setup.runs?.[q.id])
        throw new Error(`Question ${q.id} is predict-then-run but has no run to grade it by.`)
    this.forStudents =
      setup.studentQuestions ??
      setup.questions.map((q, index) => ({
        id: q.id,
        index,
        kind: q.kind,
        prompt: q.prompt,
        options: q.options.map((o) => ({ id: o.id, text: o.text })),
      }))
  }

  /** Number of questions. */
  get total(): number {
    return this.questions.length
  }

  private nameKey(name: string): string {
    return name.toLowerCase()
  }

  /** A student joins (or rejoins with their token). */
  join(input: { name: string; lang: StudentLang; token?: string; at: string }): JoinOutcome {
    if (this.ended) return { ok: false, reason: 'closed', detail: 'the class has ended' }
    const existingId = this.byName.get(this.nameKey(input.name))
    if (existingId) {
      const s = this.students.get(existingId)!
      if (!input.token || !sameSecret(input.token, s.token))
        return {
          ok: false,
          reason: 'name-taken',
          detail: `someone in this class already uses the name "${s.name}": add a letter or your surname`,
        }
      const replaced = s.connected ? s.connection : undefined
      s.connection = this.nextConnection++
      s.connected = true
      s.lang = input.lang
      return {
        ok: true,
        studentId: s.id,
        connection: s.connection,
        welcome: this.welcome(s, true),
        ...(replaced !== undefined ? { replaced } : {}),
      }
    }
    const max = this.setup.maxStudents ?? MAX_STUDENTS
    if (this.students.size >= max)
      return { ok: false, reason: 'full', detail: `the class is full (${max} students)` }
    const s: Student = {
      id: `s${this.nextStudent++}`,
      name: input.name,
      token: makeToken(this.setup.random),
      lang: input.lang,
      joinedAt: input.at,
      lastAt: input.at,
      connection: this.nextConnection++,
      connected: true,
      answers: new Map(),
    }
    this.students.set(s.id, s)
    this.byName.set(this.nameKey(s.name), s.id)
    return { ok: true, studentId: s.id, connection: s.connection, welcome: this.welcome(s, false) }
  }

  private welcome(s: Student, rejoined: boolean): ServerMessage {
    return {
      v: CLASS_PROTOCOL,
      type: 'welcome',
      name: s.name,
      token: s.token,
      title: this.setup.title,
      total: this.total,
      rejoined,
    }
  }

  /** A student's connection closed (an older, replaced connection changes nothing). */
  leave(studentId: string, connection: number): void {
    const s = this.students.get(studentId)
    if (s && s.connection === connection) s.connected = false
  }

  /** The student switched language. */
  setLang(studentId: string, lang: StudentLang): void {
    const s = this.students.get(studentId)
    if (!s || s.lang === lang) return
    s.lang = lang
    if (s.answers.size > 0) this.dirty.add(s.id)
  }

  /** Whether a question takes answers now. */
  isOpen(questionId: string): boolean {
    const found = this.byId.get(questionId)
    if (!found || this.ended) return false
    return this.pacing === 'self' || found.index === this.current
  }

  /** A student answers a question. */
  answer(studentId: string, questionId: string, response: string[], at: string): AnswerOutcome {
    const s = this.students.get(studentId)
    if (!s) return { ok: false, reason: 'not-joined', detail: 'join the class first' }
    const found = this.byId.get(questionId)
    if (!found)
      return { ok: false, reason: 'unknown-question', detail: `no question "${questionId}"` }
    const stored = s.answers.get(questionId)
    if (stored) return { ok: true, answer: this.studentAnswer(stored), duplicate: true }
    if (!this.isOpen(questionId))
      return {
        ok: false,
        reason: 'closed',
        detail: this.ended ? 'the class has ended' : 'the teacher has moved on from this question',
      }
    const { q } = found
    const ids = new Set(q.options.map((o) => o.id))
    const valid =
      response.every((id) => ids.has(id)) &&
      (q.kind === 'choice'
        ? response.length === 1
        : response.length === ids.size && new Set(response).size === ids.size)
    if (!valid)
      return {
        ok: false,
        reason: 'bad-answer',
        detail:
          q.kind === 'choice' ? 'choose one of the options' : 'put every item in order, each once',
      }
    const run = this.setup.runs?.[q.id]
    const grade = gradeResponse(q, response, run)
    if (grade.status !== 'graded')
      return { ok: false, reason: 'closed', detail: 'this question cannot be graded here' }
    const answer = toAnswer(q, [...response], grade, run)
    s.answers.set(q.id, answer)
    s.lastAt = at
    this.dirty.add(s.id)
    return { ok: true, answer: this.studentAnswer(answer), duplicate: false }
  }

  private studentAnswer(a: QuizAnswer): StudentAnswer {
    const q = this.byId.get(a.questionId)!.q
    const show = this.feedback === 'immediate' || this.revealed.has(a.questionId)
    if (!show) return { questionId: a.questionId, response: a.response }
    return {
      questionId: a.questionId,
      response: a.response,
      feedback: {
        correct: a.correct,
        expected: a.expected,
        explanation: q.explanation,
        ...(a.run ? { run: a.run.summary } : {}),
      },
    }
  }

  /** What one student's page shows now. */
  view(studentId: string): ServerMessage {
    const s = this.students.get(studentId)
    const questions =
      this.pacing === 'self'
        ? [...this.forStudents]
        : this.current === null
          ? []
          : this.forStudents.filter((q) => q.index === this.current)
    // Earlier questions the student answered stay readable (with their feedback).
    const answers = s
      ? this.questions.flatMap((q) => {
          const a = s.answers.get(q.id)
          return a ? [this.studentAnswer(a)] : []
        })
      : []
    return {
      v: CLASS_PROTOCOL,
      type: 'view',
      pacing: this.pacing,
      current: this.pacing === 'teacher' ? this.current : null,
      questions,
      answers,
    }
  }

  /** teacher-paced: moves the class to a question (clamped to the quiz). */
  goto(index: number): void {
    if (this.ended || this.total === 0) return
    this.current = Math.max(0, Math.min(this.total - 1, Math.trunc(index)))
  }

  /** Changes the pacing; going teacher-paced starts at the first question not yet reached. */
  setPacing(pacing: Pacing): void {
    if (this.ended || pacing === this.pacing) return
    this.pacing = pacing
    if (pacing === 'teacher' && this.current === null && this.total > 0) this.current = 0
  }

  /**
   * Reveals the answer of some questions or of every one: students who answered get their
   * feedback (in `reveal` mode). It does not close a question.
   */
  reveal(questionIds: readonly string[] | 'all'): void {
    const ids = questionIds === 'all' ? this.questions.map((q) => q.id) : questionIds
    for (const id of ids) if (this.byId.has(id)) this.revealed.add(id)
  }

  /** Ends the class: nothing more is accepted. */
  end(): void {
    this.ended = true
    for (const s of this.students.values()) s.connected = false
  }

  /** The result files of the students whose answers changed since the last call. */
  takeDirty(): ResultFile[] {
    const out = [...this.dirty].flatMap((id) => {
      const file = this.resultFile(id)
      return file ? [file] : []
    })
    this.dirty.clear()
    return out
  }

  /** Students whose results are waiting to be saved. */
  get unsaved(): number {
    return this.dirty.size
  }

  /** Puts files back as unsaved (a save failed; the next flush tries again). */
  markDirty(studentIds: readonly string[]): void {
    for (const id of studentIds) if (this.students.has(id)) this.dirty.add(id)
  }

  /** The id of the student a result file is of. */
  studentIdOf(name: string): string | undefined {
    return this.byName.get(this.nameKey(name))
  }

  /** A student's answers so far as a result file (the gradebook's input), or undefined. */
  resultFile(studentId: string): ResultFile | undefined {
    const s = this.students.get(studentId)
    if (!s || s.answers.size === 0) return undefined
    const answers = this.questions.flatMap((q) => {
      const a = s.answers.get(q.id)
      return a ? [a] : []
    })
    const score = answers.filter((a) => a.correct).length
    return buildResultFile({
      attempt: {
        id: `live-${this.code}-${s.id}`,
        startedAt: s.joinedAt,
        finishedAt: s.lastAt,
        seed: this.setup.seed,
        packId: this.setup.packId,
        lang: s.lang,
        answers,
        score,
        total: answers.length,
      },
      questions: this.questions,
      classCode: this.code,
      student: s.name,
      packId: this.setup.packId,
      packTitle: this.setup.title,
    })
  }

  /** Every graded answer (for the heatmap and the tests). */
  *allAnswers(): Generator<QuizAnswer & { student: string }> {
    for (const s of this.students.values())
      for (const a of s.answers.values()) yield { ...a, student: s.name }
  }

  /** The teacher's view. */
  status(network: LiveNetwork, extra: Pick<LiveStatus, 'skipped' | 'saved'>): LiveStatus {
    const students: LiveStudent[] = [...this.students.values()]
      .map((s) => {
        const answers = [...s.answers.values()]
        return {
          name: s.name,
          connected: s.connected,
          lang: s.lang,
          answered: answers.length,
          correct: answers.filter((a) => a.correct).length,
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
    const all = [...this.allAnswers()]
    const byQuestion = new Map<string, QuizAnswer[]>()
    for (const a of all) {
      const list = byQuestion.get(a.questionId)
      if (list) list.push(a)
      else byQuestion.set(a.questionId, [a])
    }
    const questions: LiveQuestion[] = this.questions.map((q, index) => {
      const mine = byQuestion.get(q.id) ?? []
      const counts: Record<string, number> = {}
      for (const a of mine) {
        const key = a.response.join(' ')
        counts[key] = (counts[key] ?? 0) + 1
      }
      const run = this.setup.runs?.[q.id]
      return {
        id: q.id,
        index,
        topic: q.topic,
        prompt: q.prompt,
        kind: q.kind,
        ...(q.rowId ? { rowId: q.rowId } : {}),
        ...(q.caseId ? { caseId: q.caseId } : {}),
        options: q.options.map((o) => ({ id: o.id, text: o.text })),
        answer: run ? [run.actual] : q.answer,
        answered: mine.length,
        correct: mine.filter((a) => a.correct).length,
        counts,
        revealed: this.revealed.has(q.id),
      }
    })
    return {
      code: this.code,
      packId: this.setup.packId,
      title: this.setup.title,
      pacing: this.pacing,
      feedback: this.feedback,
      current: this.pacing === 'teacher' ? this.current : null,
      startedAt: this.setup.startedAt,
      network,
      students,
      questions,
      heatmap: buildHeatmap(this.questions, all),
      skipped: extra.skipped,
      saved: extra.saved,
      ended: this.ended,
    }
  }
}
