/**
 * Side-by-side comparison: one script run on several OS profiles of the simulator and on the
 * host's kernel, one run after another through the ordinary contract, and the calls lined up
 * so that what differs stands out (the agreement rule's classes: outcome, sign, errno).
 */
import type { LabApi, RunRequest } from '../../shared/contract'
import type { BackendId, LabScript, ProfileId } from '../../shared/lab-script'
import type { LabResult, StepResult } from '../../shared/lab-result'
import { isSocketCall } from '../components/format'

/** One column: a backend, and for the simulator a profile. */
export interface CompareColumn {
  id: string
  backend: BackendId
  profile?: ProfileId
}

/** What one column's run gave. */
export type ColumnResult = { ok: true; result: LabResult } | { ok: false; message: string }

/** Runs the script once per column, in order; `onDone` hears each as it finishes. */
export async function runColumns(
  api: Pick<LabApi, 'startRun' | 'onRunUpdate'>,
  what: { scenarioId: string } | { script: LabScript },
  columns: CompareColumn[],
  onDone: (id: string, result: ColumnResult) => void,
  timeoutMs = 120_000,
): Promise<void> {
  for (const column of columns) {
    const request: RunRequest = {
      ...what,
      backend: column.backend,
      ...(column.backend === 'sim' && column.profile ? { profile: column.profile } : {}),
    }
    onDone(column.id, await runOne(api, request, timeoutMs))
  }
}

function runOne(
  api: Pick<LabApi, 'startRun' | 'onRunUpdate'>,
  request: RunRequest,
  timeoutMs: number,
): Promise<ColumnResult> {
  return new Promise((resolve) => {
    let runId: string | null = null
    const early: { runId: string; result: ColumnResult }[] = []
    let settled = false
    const finish = (r: ColumnResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      stop()
      resolve(r)
    }
    const timer = setTimeout(
      () => finish({ ok: false, message: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    )
    const stop = api.onRunUpdate(({ runId: id, update }) => {
      let r: ColumnResult | null = null
      if (update.kind === 'done') r = { ok: true, result: update.result }
      else if (update.kind === 'failed') r = { ok: false, message: update.error.message }
      if (!r) return
      // A fast run can end before startRun's reply names it.
      if (runId === null) early.push({ runId: id, result: r })
      else if (id === runId) finish(r)
    })
    void api.startRun(request).then((answer) => {
      if (!answer.ok) return finish({ ok: false, message: answer.error.message })
      runId = answer.value.runId
      const seen = early.find((e) => e.runId === runId)
      if (seen) finish(seen.result)
    })
  })
}

/** How a call ended, as the comparison reads it: `= 0`, `= -1 ECONNREFUSED 111`, `blocked`. */
export function cellText(step: StepResult | undefined): string {
  if (!step) return '—'
  if (step.outcome !== 'returned') return step.outcome
  if (step.ret === undefined) return 'done'
  if (step.ret === -1) return `= -1 ${step.errno ?? ''} ${step.errnoNumber ?? ''}`.trimEnd()
  return `= ${step.ret}`
}

/** The class two backends must agree on: outcome, sign of the return value, errno name. */
export function cellClass(step: StepResult | undefined): string {
  if (!step) return 'none'
  if (step.outcome !== 'returned') return step.outcome
  const sign =
    step.ret === undefined ? 'done' : step.ret < 0 ? 'neg' : step.ret === 0 ? 'zero' : 'pos'
  return `${sign}:${step.errno ?? ''}`
}

/** Rows of the comparison: the script's socket calls, with each column's step. */
export function compareRows(
  script: LabScript,
  results: Record<string, LabResult | undefined>,
): {
  index: number
  actor: string
  op: string
  cells: Record<string, StepResult | undefined>
  differs: boolean
}[] {
  const rows = []
  for (let index = 0; index < script.steps.length; index++) {
    const s = script.steps[index]!
    if (!isSocketCall({ op: s.op })) continue
    const cells: Record<string, StepResult | undefined> = {}
    for (const [id, r] of Object.entries(results))
      cells[id] = r?.steps.find((x) => x.index === index)
    const classes = new Set(
      Object.entries(results)
        .filter(([, r]) => r !== undefined)
        .map(([id]) => cellClass(cells[id])),
    )
    rows.push({ index, actor: s.actor, op: s.op, cells, differs: classes.size > 1 })
  }
  return rows
}
