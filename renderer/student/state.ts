/**
 * What the student page knows and which screen follows from it: plain data and pure functions,
 * so the rules (which question to show, when to wait) are tested without a browser.
 */
import type {
  Pacing,
  ServerMessage,
  StudentAnswer,
  StudentQuestion,
} from '../../shared/class/protocol'
import type { StudentLang } from './texts'

/** The page's state. */
export interface PageState {
  code: string
  lang: StudentLang
  phase: 'join' | 'joining' | 'class' | 'ended' | 'replaced'
  name?: string
  token?: string
  title?: { en: string; zh: string }
  total: number
  pacing: Pacing
  current: number | null
  questions: StudentQuestion[]
  answers: Map<string, StudentAnswer>
  /** What the student has picked or ordered, per question, before sending. */
  drafts: Map<string, string[]>
  /** Sent and not yet acknowledged (sent again after a reconnect). */
  pending: Map<string, string[]>
  /** self-paced: the answered question whose result is on screen until "Next". */
  reviewing?: string
  connected: boolean
  /** The last refusal or problem, as text. */
  problem?: string
}

/** A fresh state for the class `code`. */
export function initialState(code: string, lang: StudentLang): PageState {
  return {
    code,
    lang,
    phase: 'join',
    total: 0,
    pacing: 'self',
    current: null,
    questions: [],
    answers: new Map(),
    drafts: new Map(),
    pending: new Map(),
    connected: false,
  }
}

/** Applies one server message. */
export function applyMessage(state: PageState, message: ServerMessage): void {
  switch (message.type) {
    case 'welcome':
      state.phase = 'class'
      state.name = message.name
      state.token = message.token
      state.title = message.title
      state.total = message.total
      state.problem = undefined
      return
    case 'view':
      // A class that goes self-paced starts each student at their first open question.
      if (message.pacing !== state.pacing) state.reviewing = undefined
      state.pacing = message.pacing
      state.current = message.current
      state.questions = message.questions
      state.answers = new Map(message.answers.map((a) => [a.questionId, a]))
      for (const id of state.answers.keys()) state.pending.delete(id)
      return
    case 'ack':
      state.answers.set(message.answer.questionId, message.answer)
      state.pending.delete(message.answer.questionId)
      return
    case 'ended':
      state.phase = 'ended'
      return
    case 'refused':
      if (message.reason === 'closed' || message.reason === 'bad-answer') state.pending.clear()
      return
  }
}

/** What the screen shows. */
export type Screen =
  | { kind: 'join' | 'joining' | 'ended' | 'replaced' }
  | { kind: 'wait'; why: 'start' | 'next' | 'done' }
  | { kind: 'question'; question: StudentQuestion; answer?: StudentAnswer; pending: boolean }

/** The screen that follows from the state. */
export function screenOf(state: PageState): Screen {
  if (state.phase !== 'class') return { kind: state.phase }
  const show = (question: StudentQuestion): Screen => {
    const answer = state.answers.get(question.id)
    return {
      kind: 'question',
      question,
      ...(answer ? { answer } : {}),
      pending: state.pending.has(question.id),
    }
  }
  if (state.pacing === 'teacher') {
    const q = state.questions.find((x) => x.index === state.current)
    return q ? show(q) : { kind: 'wait', why: state.current === null ? 'start' : 'next' }
  }
  const reviewing = state.questions.find((q) => q.id === state.reviewing)
  if (reviewing) return show(reviewing)
  const open = state.questions.find((q) => !state.answers.has(q.id))
  return open ? show(open) : { kind: 'wait', why: 'done' }
}
