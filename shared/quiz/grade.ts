/**
 * Grading and mastery. A choice is right when it is the answer's option, an order when every
 * item is in place; a predict-then-run question is graded against what the run returned, never
 * against the article's claim (the kernel in front of the student may differ from the article).
 */
import type { Localized } from '../lab-script'
import { TOPICS } from '../summary-tables'
import type { QuizAnswer, QuizQuestion, RunOutcome } from './types'

/** The outcome of grading one response. */
export type Grade =
  | { status: 'graded'; correct: boolean; expected: string[] }
  /** predict-run before its case has run. */
  | { status: 'needs-run' }

/** Grades a response to a question (`run` only for predict-then-run). */
export function gradeResponse(question: QuizQuestion, response: string[], run?: RunOutcome): Grade {
  if (question.type === 'predict-run') {
    if (!run) return { status: 'needs-run' }
    return { status: 'graded', correct: response[0] === run.actual, expected: [run.actual] }
  }
  const expected = question.answer
  const correct =
    question.kind === 'order'
      ? response.length === expected.length && response.every((id, i) => id === expected[i])
      : response.length === 1 && response[0] === expected[0]
  return { status: 'graded', correct, expected }
}

/** Builds the stored answer of a graded response. */
export function toAnswer(
  question: QuizQuestion,
  response: string[],
  grade: Extract<Grade, { status: 'graded' }>,
  run?: RunOutcome,
): QuizAnswer {
  return {
    questionId: question.id,
    type: question.type,
    topic: question.topic,
    response,
    correct: grade.correct,
    expected: grade.expected,
    ...(run ? { run } : {}),
  }
}

/** Mastery of one topic. */
export interface TopicMastery {
  topic: string
  answered: number
  correct: number
  /** correct / answered, 0 when nothing was answered. */
  ratio: number
  /** `mastered`: at least 3 answers and 80 % right; `learning` otherwise; `new` before any. */
  level: 'new' | 'learning' | 'mastered'
}

/** Minimum answers before a topic can count as mastered. */
export const MASTERY_MIN_ANSWERS = 3
/** Share of right answers a mastered topic needs. */
export const MASTERY_RATIO = 0.8

/** Mastery level from counts. */
export function masteryOf(topic: string, answered: number, correct: number): TopicMastery {
  const ratio = answered === 0 ? 0 : correct / answered
  const level =
    answered === 0
      ? 'new'
      : answered >= MASTERY_MIN_ANSWERS && ratio >= MASTERY_RATIO
        ? 'mastered'
        : 'learning'
  return { topic, answered, correct, ratio, level }
}

/** Mastery per topic over answers (every known topic listed, unanswered ones as `new`). */
export function computeMastery(
  answers: readonly Pick<QuizAnswer, 'topic' | 'correct'>[],
): TopicMastery[] {
  const counts = new Map<string, { answered: number; correct: number }>(
    Object.keys(TOPICS).map((t) => [t, { answered: 0, correct: 0 }]),
  )
  for (const a of answers) {
    const c = counts.get(a.topic) ?? { answered: 0, correct: 0 }
    c.answered += 1
    if (a.correct) c.correct += 1
    counts.set(a.topic, c)
  }
  return [...counts].map(([topic, c]) => masteryOf(topic, c.answered, c.correct))
}

/** A topic's name in both languages (a teacher's own topic shows as written). */
export function topicName(topic: string): Localized {
  return (TOPICS as Record<string, Localized>)[topic] ?? { en: topic, zh: topic }
}

/** Ids of the questions answered wrong (for "retry missed"). */
export function missedQuestionIds(answers: readonly QuizAnswer[]): string[] {
  return [...new Set(answers.filter((a) => !a.correct).map((a) => a.questionId))]
}
