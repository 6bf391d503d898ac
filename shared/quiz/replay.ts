/**
 * The questions of an earlier attempt, rebuilt from what the attempt stored (its seed, its
 * pack, its question ids): the generator is deterministic, so the same seed and the same
 * simulator runs give the same questions, and a stored attempt can be reviewed or its missed
 * items retried after a restart.
 */
import { questionPool } from './generate'
import { packQuiz, parsePack } from './pack'
import type { QuizProof } from './proof'
import type { QuizAttempt, QuizQuestion } from './types'

/**
 * The attempt's questions (in its answers' order) that can be rebuilt; a pack attempt needs the
 * pack's file text. Questions that no longer exist (a pack changed, a table row went) are left out.
 */
export function replayQuestions(
  attempt: Pick<QuizAttempt, 'seed' | 'packId' | 'answers'>,
  packSource?: string,
  /** The same simulator runs the quiz was generated with (shared/quiz/proof.ts). */
  proof?: QuizProof,
): QuizQuestion[] {
  let pool: QuizQuestion[]
  if (attempt.packId) {
    const parsed = packSource === undefined ? undefined : parsePack(packSource)
    if (!parsed?.ok || parsed.pack.id !== attempt.packId) return []
    pool = packQuiz(parsed.pack, undefined, proof).questions
  } else pool = questionPool(attempt.seed, undefined, proof)
  const byId = new Map(pool.map((q) => [q.id, q]))
  return attempt.answers.flatMap((a) => {
    const q = byId.get(a.questionId)
    return q ? [q] : []
  })
}
