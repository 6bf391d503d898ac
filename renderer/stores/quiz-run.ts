/**
 * Predict-then-run: really run a question's case through the contract (`startRun` on the
 * simulator or the kernel) and wait for its result document. Updates can arrive before
 * `startRun` answers (a simulator run takes microseconds), so they are kept by run id from the
 * moment the call goes out. The wait is bounded: the script's own limit plus a margin, then the
 * run is cancelled and the wait ends with an error as data.
 */
import type { LabApi, Result, RunRequest } from '../../shared/contract'
import type { LabResult, RunUpdate } from '../../shared/lab-result'
import type { LabConnection } from '../api/web-lab'

/** Margin over the script's `limitMs` before a run counts as stuck (kernel runs start processes). */
export const RUN_MARGIN_MS = 30_000

/** Runs one request to its end. Never rejects. */
export function runToEnd(
  api: LabApi & Partial<LabConnection>,
  request: RunRequest,
  limitMs: number,
): Promise<Result<LabResult>> {
  return new Promise((resolve) => {
    const seen = new Map<string, RunUpdate[]>()
    let runId: string | undefined
    let settled = false
    const finish = (result: Result<LabResult>): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stopUpdates()
      stopConnection?.()
      resolve(result)
    }
    const consider = (update: RunUpdate): void => {
      if (update.kind === 'done') finish({ ok: true, value: update.result })
      else if (update.kind === 'failed') finish({ ok: false, error: update.error })
    }
    const stopUpdates = api.onRunUpdate(({ runId: id, update }) => {
      if (runId === undefined) seen.set(id, [...(seen.get(id) ?? []), update])
      else if (id === runId) consider(update)
    })
    const stopConnection = api.onConnectionChange?.((state) => {
      if (state === 'closed')
        finish({
          ok: false,
          error: {
            code: 'internal',
            message: 'The connection to the lab server was lost during the run.',
          },
        })
    })
    const timer = setTimeout(() => {
      if (runId) void api.cancelRun(runId)
      finish({
        ok: false,
        error: {
          code: 'internal',
          message: `The run did not end within ${Math.round((limitMs + RUN_MARGIN_MS) / 1000)} s; it was cancelled.`,
        },
      })
    }, limitMs + RUN_MARGIN_MS)
    void api.startRun(request).then((answer) => {
      if (!answer.ok) return finish(answer)
      runId = answer.value.runId
      if (settled) return void api.cancelRun(runId)
      for (const update of seen.get(runId) ?? []) consider(update)
      seen.clear()
    })
  })
}
