/**
 * A predict-then-run question shows the student what the case does before they predict: its
 * steps as short lines (`client connect(7016)`, `server crash --mode rst  at 100 ms`), with the
 * predicted call marked. The CLI prints the same lines, so the text is one everywhere.
 */
import { scenarioScript } from '../catalog/index'
import type { LabScriptInput, Step } from '../lab-script'
import { formatCall } from '../trace-text'
import type { QuizQuestion } from './types'

/** One step of a script as the question shows it. */
export interface ScriptLine {
  index: number
  actor: Step['actor']
  /** `connect(7016)`, `crash --mode rst`... as in the trace. */
  call: string
  /** The run clock at which the step may start (ms), when the script sets one. */
  at?: number
  /** The call the student predicts. */
  predicted: boolean
}

/** The lines of a script, the `predicted` step marked. */
export function scriptLines(
  script: Pick<LabScriptInput, 'steps'>,
  predicted: number,
): ScriptLine[] {
  return script.steps.map((step, index) => {
    const s = step as Step
    return {
      index,
      actor: s.actor,
      call: formatCall(s, s),
      ...(s.at !== undefined ? { at: s.at } : {}),
      predicted: index === predicted,
    }
  })
}

/** The script a predict-then-run question runs: its own, or its catalog case's. */
export function questionScript(question: Pick<QuizQuestion, 'run'>): LabScriptInput | undefined {
  const run = question.run
  if (!run) return undefined
  return run.script ?? (run.scenarioId ? scenarioScript(run.scenarioId) : undefined)
}

/** Plain text of one line: `  3 client recv(65536)  at 200 ms   <- predict`. */
export function scriptLineText(line: ScriptLine): string {
  const at = line.at !== undefined ? `  at ${line.at} ms` : ''
  const mark = line.predicted ? '   <- predict' : ''
  return `${String(line.index).padStart(3)} ${line.actor.padEnd(6)} ${line.call}${at}${mark}`
}
