/**
 * A live class's predict-then-run questions are graded by the simulator: the class server runs
 * each question's case once, when the class starts, and a student's prediction is right when
 * it is what that run returned (students' pages run nothing: the class server serves no lab).
 * A question whose case the simulator cannot run is left out of the class, with the reason.
 */
import { parseLabScript } from '../../shared/lab-script'
import { runOutcomeOf } from '../../shared/quiz/run-outcome'
import { questionScript } from '../../shared/quiz/script-text'
import type { QuizQuestion, RunOutcome } from '../../shared/quiz/types'
import { createBackends } from '../backend/registry'
import { runScript } from '../lab/session'

/** The simulator's answer to every predict-then-run question, and the ones it cannot give. */
export async function predictRuns(questions: readonly QuizQuestion[]): Promise<{
  runs: Record<string, RunOutcome>
  skipped: { id: string; why: string }[]
}> {
  const sim = createBackends().sim
  const runs: Record<string, RunOutcome> = {}
  const skipped: { id: string; why: string }[] = []
  for (const q of questions) {
    if (q.type !== 'predict-run') continue
    const input = questionScript(q)
    const parsed = input ? parseLabScript(input) : undefined
    if (!q.run || !parsed || !parsed.ok) {
      skipped.push({
        id: q.id,
        why: parsed && !parsed.ok ? parsed.message : 'it has no case to run',
      })
      continue
    }
    const result = await runScript(parsed.script, sim)
    const outcome = result.ok ? runOutcomeOf(q.run, result.value) : result.error.message
    if (typeof outcome === 'string') skipped.push({ id: q.id, why: outcome })
    else runs[q.id] = outcome
  }
  return { runs, skipped }
}
