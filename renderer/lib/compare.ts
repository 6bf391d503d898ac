/**
 * Side-by-side comparison: one script run on several OS profiles of the simulator and on the
 * host's kernel, one run after another, and the calls lined up so that what differs stands
 * out. What "differs" means is the agreement rule of shared/agreement.ts, nothing else.
 */
import { stepClass } from '../../shared/agreement'
import type { BackendId, LabScript, ProfileId } from '../../shared/lab-script'
import type { LabResult, StepResult } from '../../shared/lab-result'
import { isSocketCall } from '../components/format'
import { runTimeoutMs, runToEnd, type RunApi } from './run-to-end'

/** One column: a backend, and for the simulator a profile. */
export interface CompareColumn {
  id: string
  backend: BackendId
  profile?: ProfileId
}

/** What one column's run gave. */
export type ColumnResult = { ok: true; result: LabResult } | { ok: false; message: string }

/**
 * Runs the script once per column, in order; `onDone` hears each as it finishes. Aborting
 * cancels the column running and skips the rest.
 */
export async function runColumns(
  api: RunApi,
  what: { scenarioId: string } | { script: LabScript },
  limitMs: number | undefined,
  columns: CompareColumn[],
  onDone: (id: string, result: ColumnResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  for (const column of columns) {
    if (signal?.aborted) return
    const end = await runToEnd(
      api,
      {
        ...what,
        backend: column.backend,
        ...(column.backend === 'sim' && column.profile ? { profile: column.profile } : {}),
      },
      { timeoutMs: runTimeoutMs(limitMs), ...(signal ? { signal } : {}) },
    )
    onDone(
      column.id,
      end.ending === 'done'
        ? { ok: true, result: end.result }
        : { ok: false, message: end.error.message },
    )
  }
}

/**
 * How a call ended, as the comparison reads it: `= 0`, `= -1 ECONNREFUSED 111`, `blocked`,
 * `= 1 [POLLOUT]` (poll()'s revents, getsockopt()'s error: the agreement rule compares them).
 */
export function cellText(step: StepResult | undefined): string {
  if (!step) return '—'
  if (step.outcome !== 'returned') return step.outcome
  if (step.ret === undefined) return 'done'
  if (step.ret === -1) return `= -1 ${step.errno ?? ''} ${step.errnoNumber ?? ''}`.trimEnd()
  return `= ${step.ret}${step.value !== undefined ? ` [${step.value}]` : ''}`
}

/** The look of a cell: `blocked`, `skipped`, `neg` (an error return), `ok`, or `none`. */
export function cellLook(step: StepResult | undefined): string {
  if (!step) return 'none'
  if (step.outcome !== 'returned') return step.outcome
  return step.ret !== undefined && step.ret < 0 ? 'neg' : 'ok'
}

/** One row of the comparison: a socket call of the script, with each column's step. */
export interface CompareRow {
  index: number
  actor: string
  op: string
  cells: Record<string, StepResult | undefined>
  /** The agreement rule's class of the call in each column that ran. */
  classes: Record<string, string>
  /** Some columns disagree on the class (outcome, sign of the return value, errno). */
  differs: boolean
}

/** Rows of the comparison: the script's socket calls, with each column's step. */
export function compareRows(
  script: LabScript,
  results: Record<string, LabResult | undefined>,
): CompareRow[] {
  const rows: CompareRow[] = []
  for (let index = 0; index < script.steps.length; index++) {
    const s = script.steps[index]!
    if (!isSocketCall({ op: s.op })) continue
    const cells: Record<string, StepResult | undefined> = {}
    const classes: Record<string, string> = {}
    for (const [id, r] of Object.entries(results)) {
      if (!r) continue
      cells[id] = r.steps.find((x) => x.index === index)
      classes[id] = stepClass(cells[id])
    }
    const differs = new Set(Object.values(classes)).size > 1
    rows.push({ index, actor: s.actor, op: s.op, cells, classes, differs })
  }
  return rows
}
