/**
 * Quiz questions, answers and attempts: plain JSON data, so a quiz crosses IPC, goes into the
 * SQLite store, and prints with `socklab quiz --json` unchanged.
 */
import type { LabScriptInput, Localized, ProfileId } from '../lab-script'
import type { SummaryCall } from '../summary-tables'

/** Every kind of question the generator (or a teacher's pack) makes. */
export const QUESTION_TYPES = [
  'cause-to-result',
  'result-to-cause',
  'errno-number',
  'errno-name',
  'state',
  'order',
  'predict-run',
  'custom',
] as const
/** One of {@link QUESTION_TYPES}. */
export type QuestionType = (typeof QUESTION_TYPES)[number]

/** One choice, or one item to put in order. */
export interface QuizOption {
  /** Stable and meaningful (`error:ECONNREFUSED`, `CLOSE_WAIT`, a row id): answers use it. */
  id: string
  text: Localized
}

/** Where a predict-then-run question runs: a catalog case or a teacher's script, and which step. */
export interface RunCheck {
  scenarioId?: string
  script?: LabScriptInput
  /** Index of the step whose result the student predicts. */
  step: number
  call: SummaryCall
}

/** One question. */
export interface QuizQuestion {
  /** Stable for the same generator input: `<type>:<row or subject>[:<detail>]`. */
  id: string
  type: QuestionType
  /** A topic key of shared/summary-tables.ts, or a teacher's own topic name. */
  topic: string
  prompt: Localized
  /** `choice`: pick one option; `order`: give every option id in order. */
  kind: 'choice' | 'order'
  /** In the order shown (shuffled by the quiz's seed). */
  options: QuizOption[]
  /**
   * The right answer: one option id for `choice`, every option id in order for `order`.
   * Empty for `predict-run`: there the run decides (see `claim`).
   */
  answer: string[]
  /** predict-run: what the article's summary table claims (option ids); the run may differ. */
  claim?: string[]
  explanation: Localized
  /** Catalog case to run from the feedback ("run this case"). */
  caseId?: string
  /** Article section key. */
  section?: string
  /** Summary-table row the question came from. */
  rowId?: string
  /** predict-run: the rows whose claims `claim` gathers. */
  claimRows?: string[]
  /**
   * The profiles the answer was proved on (shared/quiz/proof.ts): a question "on Linux" holds on
   * both Linux profiles.
   */
  profiles?: ProfileId[]
  run?: RunCheck
}

/** A generated or pack quiz. */
export interface Quiz {
  seed: number
  questions: QuizQuestion[]
  /** Set when the quiz comes from a teacher's pack. */
  packId?: string
  /** Minutes, from the pack. */
  timeLimitMin?: number
}

/** What a run of a predict-then-run question returned (the step that was predicted). */
export interface RunOutcome {
  /** Result class id of the step (`zero`, `error:EPIPE`, `blocks`...), same ids as the options. */
  actual: string
  backend: 'sim' | 'kernel'
  /** One line for the feedback: `recv() = -1 ECONNRESET (104)`. */
  summary: string
}

/** One answered question. */
export interface QuizAnswer {
  questionId: string
  type: QuestionType
  topic: string
  response: string[]
  correct: boolean
  /** The answer it was graded against (for predict-run: what the run returned). */
  expected: string[]
  run?: RunOutcome
}

/** A finished attempt: what the store keeps, and what a result file carries. */
export interface QuizAttempt {
  id: string
  startedAt: string
  finishedAt: string
  seed: number
  packId?: string
  lang: 'zh' | 'en'
  answers: QuizAnswer[]
  score: number
  total: number
}
