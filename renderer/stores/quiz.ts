/**
 * The quiz a student is taking: one question at a time, immediate feedback, predict-then-run
 * questions really run through the contract, a score and mastery per topic, a review of the
 * mistakes and a retry of the missed items. Finished attempts go to the SQLite store (through
 * the contract) and the history comes back from it, so it survives a restart.
 *
 * Questions about results are proved against the simulator's runs of the catalog before they
 * are asked (shared/quiz/proof.ts); main computes them once and this store fetches them once,
 * so a seed gives the same quiz here as in the CLI.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { BackendId, Localized } from '../../shared/lab-script'
import { generateQuiz } from '../../shared/quiz/generate'
import {
  computeMastery,
  gradeResponse,
  missedQuestionIds,
  toAnswer,
  type TopicMastery,
} from '../../shared/quiz/grade'
import { seedFromTime } from '../../shared/quiz/prng'
import type { QuizProof } from '../../shared/quiz/proof'
import { buildResultFile, type ResultFile } from '../../shared/quiz/result-file'
import { runOutcomeOf } from '../../shared/quiz/run-outcome'
import { questionScript } from '../../shared/quiz/script-text'
import type {
  QuizAnswer,
  QuizAttempt,
  QuizQuestion,
  Quiz,
  RunOutcome,
} from '../../shared/quiz/types'
import { plainText } from '../lib/plain-text'
import { addStudent, isShown, ownAttempt, profiles } from '../lib/quiz-profiles'
import { runTimeoutMs, runToEnd } from '../lib/run-to-end'
import { useSettingsStore } from './settings'
import { useLabApi } from './lab-api'

/** Practice (generated) or a teacher's pack taken for a class. */
export type QuizMode =
  | { kind: 'practice' }
  | { kind: 'pack'; packId: string; packTitle: Localized; classCode: string; student: string }

/** Where the student is. */
export type QuizPhase = 'setup' | 'question' | 'finished'

/** What the student sees after answering. */
export interface Feedback {
  correct: boolean
  expected: string[]
  run?: RunOutcome
}

/** Questions in a practice quiz unless the student picks another count. */
export const DEFAULT_COUNT = 10

function newId(): string {
  const c = globalThis.crypto
  return c?.randomUUID
    ? c.randomUUID()
    : `a-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/** Quiz state and actions; the only place the quiz talks to the contract. */
export const useQuizStore = defineStore('quiz', () => {
  const api = useLabApi('useQuizStore')
  const settings = useSettingsStore()

  const quiz = shallowRef<Quiz | null>(null)
  const mode = ref<QuizMode>({ kind: 'practice' })
  const phase = ref<QuizPhase>('setup')
  const index = ref(0)
  /** The choice picked, or the order arranged, for the current question. */
  const response = ref<string[]>([])
  const feedback = ref<Feedback | null>(null)
  const answers = ref<QuizAnswer[]>([])
  const backend = ref<BackendId>('sim')
  const runState = ref<'idle' | 'running' | 'failed'>('idle')
  const runError = ref<string | null>(null)
  const startedAt = ref('')
  const deadline = ref<number | null>(null)
  const now = ref(Date.now())
  const timedOut = ref(false)
  const attempt = shallowRef<QuizAttempt | null>(null)
  const saveState = ref<'idle' | 'saving' | 'saved' | 'failed'>('idle')
  const saveError = ref<string | null>(null)
  const history = shallowRef<QuizAttempt[]>([])
  const mastery = ref<TopicMastery[]>([])
  /** The left lab was handed in as it stood (unanswered questions count as wrong). */
  const leftEarly = ref(false)
  const historyState = ref<'idle' | 'loading' | 'ready' | 'failed'>('idle')
  const historyError = ref<string | null>(null)
  /** The simulator's runs questions are proved against; null until fetched. */
  const proof = shallowRef<QuizProof | null>(null)
  const proofError = ref<string | null>(null)
  let proofLoading: Promise<QuizProof | null> | null = null
  let ticker: ReturnType<typeof setInterval> | undefined
  /** Stops the predict-then-run run in progress; null when none is. */
  let activeRun: AbortController | null = null

  /** The quiz moved on (restart, time up): the run it was waiting for is cancelled. */
  function stopRun(): void {
    activeRun?.abort()
    activeRun = null
  }

  const questions = computed(() => quiz.value?.questions ?? [])
  const question = computed<QuizQuestion | undefined>(() => questions.value[index.value])
  const total = computed(() => questions.value.length)
  const score = computed(() => answers.value.filter((a) => a.correct).length)
  const remainingMs = computed(() =>
    deadline.value === null ? null : Math.max(0, deadline.value - now.value),
  )
  /** The chosen student's attempts (all of them when none is chosen), newest first. */
  const studentHistory = computed(() => history.value.filter((a) => isShown(a.id)))
  /** Mastery per topic over the chosen student's attempts (the store's over all of them). */
  const studentMastery = computed<TopicMastery[]>(() =>
    profiles.current
      ? computeMastery(studentHistory.value.flatMap((a) => a.answers)).filter((m) => m.answered > 0)
      : mastery.value,
  )
  const attemptMastery = computed(() =>
    computeMastery(attempt.value?.answers ?? []).filter((m) => m.answered > 0),
  )
  /** Wrong answers of the finished attempt, with their questions, for the review. */
  const mistakes = computed(() => {
    const byId = new Map(questions.value.map((q) => [q.id, q]))
    return (attempt.value?.answers ?? []).flatMap((a) => {
      const q = byId.get(a.questionId)
      return !a.correct && q ? [{ answer: a, question: q }] : []
    })
  })
  const canSubmit = computed(() => {
    const q = question.value
    if (!q || feedback.value || runState.value === 'running') return false
    return q.kind === 'order'
      ? response.value.length === q.options.length
      : response.value.length === 1
  })

  function stopTicker(): void {
    if (ticker !== undefined) clearInterval(ticker)
    ticker = undefined
  }

  function prepare(): void {
    const q = question.value
    feedback.value = null
    runState.value = 'idle'
    runError.value = null
    // An order question starts in the order shown; a choice starts with nothing picked.
    response.value = q?.kind === 'order' ? q.options.map((o) => o.id) : []
  }

  /** Starts a quiz (generated or a pack's) in a mode. */
  function start(next: Quiz, nextMode: QuizMode = { kind: 'practice' }): void {
    stopTicker()
    stopRun()
    quiz.value = next
    mode.value = nextMode
    answers.value = []
    index.value = 0
    attempt.value = null
    saveState.value = 'idle'
    saveError.value = null
    timedOut.value = false
    leftEarly.value = false
    startedAt.value = new Date().toISOString()
    now.value = Date.now()
    deadline.value = next.timeLimitMin ? now.value + next.timeLimitMin * 60_000 : null
    phase.value = next.questions.length > 0 ? 'question' : 'setup'
    prepare()
    if (deadline.value !== null) {
      ticker = setInterval(() => {
        now.value = Date.now()
        if (remainingMs.value === 0 && phase.value === 'question') void finish(true)
      }, 1000)
    }
  }

  /**
   * The proof, fetched once and kept: it is the same for the whole session (the simulator is
   * deterministic). A failed fetch is not kept, so the next start asks again; null meanwhile,
   * with the reason in `proofError`.
   */
  function loadProof(): Promise<QuizProof | null> {
    if (proof.value) return Promise.resolve(proof.value)
    proofLoading ??= api.quizProof().then((answer) => {
      proofLoading = null
      if (!answer.ok) {
        proofError.value = plainText(answer.error.message)
        return null
      }
      proof.value = answer.value
      proofError.value = null
      return answer.value
    })
    return proofLoading
  }

  /**
   * A generated practice quiz; without a seed, one from the clock (shown, so it can be
   * repeated). Without the proof no quiz starts: one of errno questions only would not be the
   * quiz the seed names elsewhere. Resolves to whether it started.
   */
  async function startPractice(options: { seed?: number; count?: number } = {}): Promise<boolean> {
    const seed = options.seed ?? seedFromTime(Date.now())
    const proved = await loadProof()
    if (!proved) return false
    start(generateQuiz({ seed, count: options.count ?? DEFAULT_COUNT, proof: proved }))
    return true
  }

  function choose(optionId: string): void {
    if (!feedback.value && runState.value !== 'running') response.value = [optionId]
  }

  /** Moves an item of an order question one place up (-1) or down (+1). */
  function move(from: number, by: -1 | 1): void {
    const to = from + by
    if (feedback.value || to < 0 || to >= response.value.length) return
    const next = [...response.value]
    const [item] = next.splice(from, 1)
    if (item !== undefined) next.splice(to, 0, item)
    response.value = next
  }

  function record(q: QuizQuestion, run?: RunOutcome): void {
    const grade = gradeResponse(q, response.value, run)
    if (grade.status !== 'graded') return
    answers.value = [...answers.value, toAnswer(q, response.value, grade, run)]
    feedback.value = { correct: grade.correct, expected: grade.expected, ...(run ? { run } : {}) }
  }

  /** Grades the current answer; a predict-then-run question first runs its case. */
  async function submit(): Promise<void> {
    const q = question.value
    if (!q || !canSubmit.value) return
    if (q.type !== 'predict-run') return record(q)
    const script = questionScript(q)
    if (!q.run || !script) {
      runState.value = 'failed'
      runError.value = 'This question names no case to run.'
      return
    }
    runState.value = 'running'
    runError.value = null
    stopRun()
    const controller = new AbortController()
    activeRun = controller
    const request = q.run.scenarioId
      ? { scenarioId: q.run.scenarioId, backend: backend.value }
      : { script: q.run.script, backend: backend.value }
    const end = await runToEnd(api, request, {
      signal: controller.signal,
      timeoutMs: runTimeoutMs(script.limitMs),
    })
    if (activeRun !== controller) return // the quiz moved on (restart, time up) meanwhile
    activeRun = null
    const outcome =
      end.ending === 'done' ? runOutcomeOf(q.run, end.result) : plainText(end.error.message)
    if (typeof outcome === 'string') {
      runState.value = 'failed'
      runError.value = outcome
      return
    }
    runState.value = 'idle'
    record(q, outcome)
  }

  /** The next question, or the end. */
  async function next(): Promise<void> {
    if (!feedback.value) return
    if (index.value + 1 < total.value) {
      index.value++
      prepare()
    } else await finish(false)
  }

  /**
   * Ends the quiz and saves it. Time up, or a class lab left early (`handIn`): every unanswered
   * question counts as not answered, so leaving never buys a fresh timer.
   */
  async function finish(timeUp: boolean, handIn = false): Promise<void> {
    if (phase.value !== 'question' || !quiz.value) return
    stopTicker()
    stopRun()
    timedOut.value = timeUp
    leftEarly.value = handIn
    const answered = new Set(answers.value.map((a) => a.questionId))
    const missing = timeUp || handIn ? questions.value.filter((q) => !answered.has(q.id)) : []
    const all = [
      ...answers.value,
      ...missing.map((q): QuizAnswer => ({
        questionId: q.id,
        type: q.type,
        topic: q.topic,
        response: [],
        correct: false,
        expected: q.answer,
      })),
    ]
    answers.value = all
    phase.value = 'finished'
    if (all.length === 0) return
    const packId = mode.value.kind === 'pack' ? mode.value.packId : undefined
    attempt.value = {
      id: newId(),
      startedAt: startedAt.value,
      finishedAt: new Date().toISOString(),
      seed: quiz.value.seed,
      ...(packId ? { packId } : {}),
      lang: settings.language,
      answers: all,
      score: all.filter((a) => a.correct).length,
      total: all.length,
    }
    // Whose attempt it is, on a PC students share: the class lab's student, else the chosen one.
    const owner = mode.value.kind === 'pack' ? addStudent(mode.value.student) : profiles.current
    if (owner) ownAttempt(attempt.value.id, owner)
    await save()
  }

  /** Saves the finished attempt (again, after a failure: nothing is lost meanwhile). */
  async function save(): Promise<void> {
    if (!attempt.value) return
    saveState.value = 'saving'
    const answer = await api.quizSaveAttempt(attempt.value)
    if (answer.ok) {
      saveState.value = 'saved'
      saveError.value = null
      await loadHistory()
    } else {
      saveState.value = 'failed'
      saveError.value = plainText(answer.error.message)
    }
  }

  /** A quiz of the missed questions (practice: a retry is not a class result). */
  function retryMissed(
    from: { attempt: QuizAttempt; questions: QuizQuestion[] } | null = null,
  ): void {
    const source =
      from ?? (attempt.value ? { attempt: attempt.value, questions: questions.value } : null)
    if (!source) return
    const missed = new Set(missedQuestionIds(source.attempt.answers))
    const again = source.questions.filter((q) => missed.has(q.id))
    if (again.length > 0) start({ seed: source.attempt.seed, questions: again })
  }

  /** Back to the start page (a quiz in progress is dropped, a class lab's student with it). */
  function reset(): void {
    stopTicker()
    stopRun()
    mode.value = { kind: 'practice' }
    leftEarly.value = false
    quiz.value = null
    phase.value = 'setup'
    answers.value = []
    attempt.value = null
    deadline.value = null
    feedback.value = null
    runState.value = 'idle'
  }

  async function loadHistory(): Promise<void> {
    historyState.value = 'loading'
    const answer = await api.quizHistory()
    if (answer.ok) {
      history.value = answer.value.attempts
      mastery.value = answer.value.mastery
      historyError.value = null
      historyState.value = 'ready'
    } else {
      historyError.value = plainText(answer.error.message)
      historyState.value = 'failed'
    }
  }

  /** The result file of a finished pack attempt, for the student to hand in. */
  function resultFile(): ResultFile | null {
    const m = mode.value
    if (m.kind !== 'pack' || !attempt.value) return null
    return buildResultFile({
      attempt: attempt.value,
      questions: questions.value,
      classCode: m.classCode,
      student: m.student,
      packId: m.packId,
      packTitle: m.packTitle,
    })
  }

  function setBackend(value: BackendId): void {
    backend.value = value
  }

  return {
    quiz,
    mode,
    phase,
    index,
    response,
    feedback,
    answers,
    backend,
    runState,
    runError,
    deadline,
    remainingMs,
    timedOut,
    attempt,
    saveState,
    saveError,
    history,
    mastery,
    studentHistory,
    studentMastery,
    leftEarly,
    historyState,
    historyError,
    proof,
    proofError,
    questions,
    question,
    total,
    score,
    attemptMastery,
    mistakes,
    canSubmit,
    start,
    loadProof,
    startPractice,
    choose,
    move,
    submit,
    next,
    finish,
    save,
    retryMissed,
    reset,
    loadHistory,
    resultFile,
    setBackend,
  }
})
