/**
 * The evidence the quiz generator proves its questions against (shared/quiz/proof.ts): every
 * catalog case run on the simulator on every profile, reduced to plain data. The CLI passes it
 * to generateQuiz; the app's renderer must receive the same data to make the same questions.
 */
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS, type ProfileId } from '../../shared/lab-script'
import { runFacts, type QuizProof, type RunFacts } from '../../shared/quiz/proof'
import { simulate } from '../sim/index'

let cached: QuizProof | undefined

/**
 * The simulator's runs of the whole catalog on every profile (88 runs of virtual time, a few
 * milliseconds each), computed once per process: the simulator is deterministic.
 */
export function simulatorProof(): QuizProof {
  if (cached) return cached
  const runs: Record<string, Partial<Record<ProfileId, RunFacts>>> = {}
  for (const c of CATALOG) {
    const script = scenarioScript(c.script.id)
    if (!script) continue
    const byProfile: Partial<Record<ProfileId, RunFacts>> = {}
    for (const profile of PROFILE_IDS)
      byProfile[profile] = runFacts(simulate({ ...script, profile }))
    runs[c.script.id] = byProfile
  }
  cached = { runs }
  return cached
}
