/**
 * Predict-then-run against the simulator: every predict question the generator makes runs its
 * case on the simulator, and the question must be answerable (the run's result is one of its
 * options, the step is the call it asks about) and graded by what the run returned. The
 * segment-order questions are checked the same way: the article's order must be what the
 * simulator puts on the wire.
 */
import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import { questionPool } from '../../shared/quiz/generate'
import { defaultSource, predictedStep } from '../../shared/quiz/generators'
import { gradeResponse } from '../../shared/quiz/grade'
import { classOfStep, describeStep, stepClassOfRow } from '../../shared/quiz/result-text'
import { questionScript, scriptLines } from '../../shared/quiz/script-text'
import type { QuizQuestion, RunOutcome } from '../../shared/quiz/types'
import type { SegmentEvent } from '../../shared/lab-result'
import { SUMMARY_ROWS, type WireSegment } from '../../shared/summary-tables'
import { simBackend } from '../sim/index'
import { runScript } from './session'
import { simulatorProof } from './quiz-proof'

const predictions = questionPool(11, defaultSource(), simulatorProof()).filter(
  (q) => q.type === 'predict-run',
)

async function runOnSim(q: QuizQuestion): Promise<RunOutcome> {
  const script = scenarioScript(q.run?.scenarioId ?? '')
  if (!script || !q.run) throw new Error(`${q.id}: no catalog case`)
  const result = await runScript(script, simBackend)
  if (!result.ok) throw new Error(`${q.id}: ${result.error.message}`)
  const step = result.value.steps.find((s) => s.index === q.run?.step)
  if (!step) throw new Error(`${q.id}: the run has no step ${q.run.step}`)
  expect(step.op, q.id).toBe(q.run.call)
  return { actual: classOfStep(step), backend: 'sim', summary: describeStep(q.run.call, step) }
}

describe('predict-then-run on the simulator', () => {
  it('covers the catalog cases the summary tables name', () => {
    expect(predictions.length).toBeGreaterThanOrEqual(15)
  })

  it.each(predictions.map((q) => [q.id, q] as const))('%s', async (_id, q) => {
    const run = await runOnSim(q)
    // A right prediction is possible: what the run returned is one of the options.
    expect(
      q.options.map((o) => o.id),
      `${q.id} returned ${run.actual}`,
    ).toContain(run.actual)
    // The run decides: its result is right, any other option wrong, whatever the claim.
    expect(gradeResponse(q, [run.actual], run)).toMatchObject({ status: 'graded', correct: true })
    for (const other of q.options.filter((o) => o.id !== run.actual))
      expect(gradeResponse(q, [other.id], run)).toMatchObject({ correct: false })
    // The student sees the case's steps, with the predicted call marked.
    const script = questionScript(q)
    const marked = scriptLines(script ?? { steps: [] }, q.run?.step ?? -1).filter(
      (l) => l.predicted,
    )
    expect(marked.map((l) => l.call.split('(')[0])).toEqual([q.run?.call])
  })

  it('agrees with the article on its central claims (Linux profile)', async () => {
    const byId = new Map(predictions.map((q) => [q.id, q]))
    const actual = async (id: string): Promise<string> => {
      const q = byId.get(id)
      if (!q) throw new Error(`no question ${id}`)
      return (await runOnSim(q)).actual
    }
    expect(await actual('predict-run:connect.ok:connect')).toBe('zero')
    expect(await actual('predict-run:connect.refused:connect')).toBe('error:ECONNREFUSED')
    expect(await actual('predict-run:connect.timeout:connect')).toBe('error:ETIMEDOUT')
    expect(await actual('predict-run:peer.crash-fin:recv')).toBe('zero')
    expect(await actual('predict-run:peer.crash-fin:send')).toBe('error:EPIPE')
    expect(await actual('predict-run:peer.crash-rst:recv')).toBe('error:ECONNRESET')
    expect(await actual('predict-run:recv.timeout:recv')).toBe('error:EAGAIN')
    expect(await actual('predict-run:recv.partition:recv')).toBe('blocks')
  })
})

/** How the article would draw a simulated segment. */
function drawn(e: SegmentEvent): WireSegment {
  const what = e.flags.includes('RST')
    ? 'RST'
    : e.flags.includes('SYN')
      ? e.flags.includes('ACK')
        ? 'SYN-ACK'
        : 'SYN'
      : e.flags.includes('FIN')
        ? 'FIN'
        : e.len > 0
          ? 'data'
          : 'ACK'
  return { dir: e.dir, what, ...(e.fate === 'dropped' ? { note: 'lost' as const } : {}) }
}

describe('segment order on the simulator', () => {
  const orders = questionPool(11, defaultSource(), simulatorProof()).filter(
    (q) => q.type === 'order',
  )

  it.each(orders.map((q) => [q.id, q] as const))('%s', async (_id, q) => {
    const row = SUMMARY_ROWS.find((r) => r.id === q.rowId)
    const script = scenarioScript(row?.cases[0] ?? '')
    if (!row?.wire || !script) throw new Error(`${q.id}: no row wire or case`)
    const result = await runScript(script, simBackend)
    if (!result.ok) throw new Error(result.error.message)
    const wire = result.value.events
      .filter((e): e is SegmentEvent => e.type === 'segment')
      .map((e) => JSON.stringify(drawn(e)))
    // The article's segments appear in this order on the simulated wire (others may come between).
    let from = 0
    for (const seg of row.wire) {
      const want = JSON.stringify({
        dir: seg.dir,
        what: seg.what,
        ...(seg.note === 'lost' ? { note: 'lost' } : {}),
      })
      const at = wire.indexOf(want, from)
      expect(
        at,
        `${q.id}: ${want} after position ${from} in ${wire.join(' ')}`,
      ).toBeGreaterThanOrEqual(0)
      from = at + 1
    }
  })
})

describe('TCP states on the simulator', () => {
  const states = questionPool(11, defaultSource(), simulatorProof()).filter(
    (q) => q.type === 'state',
  )

  it.each(states.map((q) => [q.id, q] as const))('%s', async (_id, q) => {
    const row = SUMMARY_ROWS.find((r) => r.id === q.rowId)
    const side = q.id.split(':')[2] as 'client' | 'server'
    if (!row) throw new Error(`${q.id}: no row`)
    let checked = 0
    for (const caseId of row.cases) {
      const script = scenarioScript(caseId)
      const index = script && predictedStep(script, row.call)
      if (!script || index === undefined) continue
      const result = await runScript(script, simBackend)
      if (!result.ok) throw new Error(result.error.message)
      const step = result.value.steps.find((s) => s.index === index)
      // Only where this case's call returns what the row says (a row can name several cases).
      if (!step || classOfStep(step) !== stepClassOfRow(row)) continue
      let state = 'CLOSED'
      for (const e of result.value.events)
        if (e.type === 'state' && e.actor === side && e.tMs <= step.endMs) state = e.to
      expect(state, `${q.id} in ${caseId}`).toBe(q.answer[0])
      checked++
    }
    // A row with a condition may be shown by none of its catalog cases as they are scripted
    // (send.reset: the case's recv reports the RST first); every other row must be.
    if (!row.condition)
      expect(checked, `${q.id}: no case shows the row on the simulator`).toBeGreaterThan(0)
  })
})
