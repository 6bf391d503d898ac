/**
 * What a predict-then-run question's run returned, read from the run's result document: the
 * class of the predicted step (the same ids as the options) and one line for the feedback.
 */
import type { LabResult } from '../lab-result'
import { classOfStep, describeStep } from './result-text'
import type { RunCheck, RunOutcome } from './types'

/** The outcome of the predicted step, or a message when the result has no such step. */
export function runOutcomeOf(run: RunCheck, result: LabResult): RunOutcome | string {
  const step = result.steps.find((s) => s.index === run.step)
  if (!step) return `The run has no step ${run.step}.`
  if (step.op !== run.call) return `Step ${run.step} of the run is ${step.op}(), not ${run.call}().`
  return {
    actual: classOfStep(step),
    backend: result.backend,
    summary: describeStep(run.call, step),
  }
}
