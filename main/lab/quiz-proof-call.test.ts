/**
 * The contract's quizProof call: the renderer generates quizzes with the proof it receives
 * through this call (over IPC or as JSON over browser mode's socket), so the proof it gets must
 * give the very quizzes the CLI gives with simulatorProof().
 */
import { describe, expect, it } from 'vitest'
import { validateArgs } from '../../shared/contract'
import { generateQuiz } from '../../shared/quiz/generate'
import type { QuizProof } from '../../shared/quiz/proof'
import { CATALOG } from '../../shared/catalog/index'
import { PROFILE_IDS } from '../../shared/lab-script'
import { simulatorProof } from './quiz-proof'
import { createLabService } from './service'

describe('the quizProof call', () => {
  it('answers with the simulator runs of every catalog case on every profile', async () => {
    const service = createLabService({ shell: 'web', version: 't' })
    const answer = await service.calls.quizProof()
    await service.dispose()
    expect(answer).toEqual({ ok: true, value: simulatorProof() })
    if (!answer.ok) return
    expect(Object.keys(answer.value.runs).sort()).toEqual(CATALOG.map((c) => c.script.id).sort())
    for (const byProfile of Object.values(answer.value.runs))
      expect(Object.keys(byProfile).sort()).toEqual([...PROFILE_IDS].sort())
  })

  it('gives the CLI’s quizzes once it has crossed the wire as JSON', () => {
    const proof = simulatorProof()
    const carried = JSON.parse(JSON.stringify(proof)) as QuizProof
    for (const seed of [1, 42, 4242]) {
      const cli = generateQuiz({ seed, proof })
      expect(generateQuiz({ seed, proof: carried })).toEqual(cli)
      // Without the proof only errno questions are made: a different quiz for the same seed.
      expect(generateQuiz({ seed }).questions.map((q) => q.id)).not.toEqual(
        cli.questions.map((q) => q.id),
      )
    }
  })

  it('takes no arguments', () => {
    expect(validateArgs('quizProof', []).ok).toBe(true)
    expect(validateArgs('quizProof', ['all']).ok).toBe(false)
  })
})
