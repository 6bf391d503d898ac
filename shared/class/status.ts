/**
 * What the teacher sees of a live class (docs/live-class.md): who has joined, the answers per
 * question, and the misconception heatmap. Plain JSON: it crosses the contract (IPC and
 * browser mode's WebSocket) once a second while the class runs.
 */
import type { Localized } from '../lab-script'
import type { FeedbackMode, Pacing, StudentLang } from './protocol'

/** One student as the teacher sees them. */
export interface LiveStudent {
  name: string
  connected: boolean
  lang: StudentLang
  answered: number
  correct: number
}

/** One question's answers so far. */
export interface LiveQuestion {
  id: string
  index: number
  topic: string
  prompt: Localized
  kind: 'choice' | 'order'
  /** Summary-table row the question came from. */
  rowId?: string
  /** The case that explains the answer (opens in the Lab). */
  caseId?: string
  options: { id: string; text: Localized }[]
  /** The right answer (the teacher's view only; students never get it before answering). */
  answer: string[]
  answered: number
  correct: number
  /** How many chose each option (a choice question; order questions count whole orders). */
  counts: Record<string, number>
  revealed: boolean
}

/** One hot cell: a wrong answer given to the questions of one row, and by how many. */
export interface HeatCell {
  /** The wrong response (option ids; several for an order question). */
  response: string[]
  text: Localized
  count: number
  /** The questions of the row it was given to. */
  questionIds: string[]
}

/** One line of the heatmap: a summary-table row, or a question that has none. */
export interface HeatRow {
  /** `row:<rowId>` or `question:<id>`. */
  key: string
  rowId?: string
  label: Localized
  /** The case that explains the row: a hot cell links the Lab to it. */
  caseId?: string
  answered: number
  wrong: number
  /** Most given first. */
  cells: HeatCell[]
}

/** Where students join. */
export interface LiveNetwork {
  /** The address the server listens on (`127.0.0.1`, `0.0.0.0` or one interface's). */
  host: string
  port: number
  /** The join URLs to show, with the code: `http://192.168.1.20:47200/ABC234`. */
  urls: string[]
  /** Whether other machines can reach it (the teacher opted into the room network). */
  room: boolean
}

/** The whole live view of a class. */
export interface LiveStatus {
  code: string
  packId: string
  title: Localized
  pacing: Pacing
  feedback: FeedbackMode
  /** teacher-paced: the question the class is on (null before the first). */
  current: number | null
  startedAt: string
  network: LiveNetwork
  students: LiveStudent[]
  questions: LiveQuestion[]
  heatmap: HeatRow[]
  /** Questions of the pack the live class leaves out, and why (a predict-run with no run). */
  skipped: { id: string; why: string }[]
  /** Results kept in the gradebook so far, or why they could not be. */
  saved: { students: number; error?: string }
  ended: boolean
}
