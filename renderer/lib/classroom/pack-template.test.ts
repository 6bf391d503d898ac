import { describe, expect, it } from 'vitest'
import { packQuiz, parsePack } from '../../../shared/quiz/pack'
import { QUIZ_PROOF } from '../fixtures/index'
import { PACK_TEMPLATE, readFields, writeField } from './pack-template'

describe('the pack editor’s template and form', () => {
  it('starts from a valid pack whose quiz has its own, generated and lab questions', () => {
    const parsed = parsePack(PACK_TEMPLATE)
    expect(parsed.ok, parsed.ok ? '' : parsed.message).toBe(true)
    if (!parsed.ok) return
    const quiz = packQuiz(parsed.pack, undefined, QUIZ_PROOF)
    expect(quiz.timeLimitMin).toBe(20)
    expect(quiz.questions.map((q) => q.type)).toEqual(
      expect.arrayContaining(['custom', 'predict-run']),
    )
    expect(quiz.questions.length).toBeGreaterThanOrEqual(3)
  })

  it('edits the top-level fields in the YAML, keeping the rest and its comments', () => {
    let text = writeField(PACK_TEMPLATE, 'titleEn', 'Week 2')
    text = writeField(text, 'timeLimitMin', null)
    text = writeField(text, 'seed', 7)
    expect(readFields(text)).toMatchObject({ titleEn: 'Week 2', seed: 7, timeLimitMin: null })
    expect(text).toContain('# the same seed gives every student')
    expect(text).toContain('who-resets')
    const parsed = parsePack(text)
    expect(parsed.ok).toBe(true)
  })

  it('leaves text that is not YAML alone', () => {
    expect(writeField('pack: [1', 'id', 'x')).toBe('pack: [1')
  })
})
