import { describe, expect, it } from 'vitest'
import { generateQuiz } from './generate'
import { packQuiz, parsePack } from './pack'
import { replayQuestions } from './replay'
import type { QuizAttempt } from './types'

const PACK = `pack: 1
id: wk
title: { en: Week, zh: 周 }
seed: 9
generate: { count: 4 }
`

function attemptOf(ids: string[], seed: number, packId?: string): QuizAttempt {
  return {
    id: 'a',
    startedAt: 's',
    finishedAt: 'f',
    seed,
    ...(packId ? { packId } : {}),
    lang: 'en',
    answers: ids.map((questionId) => ({
      questionId,
      type: 'custom',
      topic: 't',
      response: [],
      correct: false,
      expected: [],
    })),
    score: 0,
    total: ids.length,
  }
}

describe('replayQuestions', () => {
  it('rebuilds a generated quiz from its seed, in the answers order', () => {
    const quiz = generateQuiz({ seed: 77 })
    const ids = quiz.questions.map((q) => q.id).reverse()
    expect(replayQuestions(attemptOf(ids, 77)).map((q) => q.id)).toEqual(ids)
    expect(replayQuestions(attemptOf(ids, 77))).toEqual([...quiz.questions].reverse())
  })

  it('rebuilds a pack quiz from the pack text, and nothing without it', () => {
    const parsed = parsePack(PACK)
    if (!parsed.ok) throw new Error(parsed.message)
    const questions = packQuiz(parsed.pack).questions
    const ids = [questions[2]?.id ?? '', 'gone', questions[0]?.id ?? '']
    expect(replayQuestions(attemptOf(ids, 9, 'wk'), PACK)).toEqual([questions[2], questions[0]])
    expect(replayQuestions(attemptOf(ids, 9, 'wk'))).toEqual([])
    expect(replayQuestions(attemptOf(ids, 9, 'other'), PACK)).toEqual([])
  })
})
