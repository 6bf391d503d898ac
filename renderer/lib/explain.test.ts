import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import type { LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import { RECORDED, RECORDED_ON } from './fixtures/index'
import { genericErrno, inferNotes, INFERRED_KEYS, noteAt, runNotes } from './explain'

/** The simulator's notes as (key, params) in order; a note repeated for its step counts once. */
function simNotes(result: LabResult): string[] {
  const out: string[] = []
  for (const e of result.events) {
    if (e.type !== 'note' || !(INFERRED_KEYS as readonly string[]).includes(e.key)) continue
    const last = out.at(-1)
    const text = `${e.key} ${JSON.stringify(e.params ?? {})}`
    // The copy a step carries repeats the note (with its values, or with the errno added).
    if (last === text || last === `${e.key} {}`) out[out.length - 1] = text
    else out.push(text)
  }
  return out
}

const RUNS: [string, LabResult][] = [
  ...Object.entries(RECORDED),
  ['peer.host-down (windows)', RECORDED_ON.windows['peer.host-down']],
  ['connect.timeout (macos)', RECORDED_ON.macos['connect.timeout']],
]

describe('explaining a run from its trace', () => {
  it.each(RUNS)('%s: the trace rules give back the notes the simulator emitted', (name, result) => {
    const id = name.split(' ')[0]!
    const script = scenarioScript(id) ?? null
    const bare = result.events.filter((e) => e.type !== 'note')
    const inferred = inferNotes(bare, result.steps, script, result.profile).map(
      (n) => `${n.key} ${JSON.stringify(n.params)}`,
    )
    // The simulator writes some values the trace cannot show exactly (abort's byte count):
    // compare the keys, and the values where the simulator's note has the same fields.
    const want = simNotes(result)
    expect(inferred.map((n) => n.split(' ')[0])).toEqual(want.map((n) => n.split(' ')[0]))
    inferred.forEach((got, i) => {
      const a = JSON.parse(got.slice(got.indexOf(' ') + 1)) as Record<string, unknown>
      const b = JSON.parse(want[i]!.slice(want[i]!.indexOf(' ') + 1)) as Record<string, unknown>
      for (const k of Object.keys(b)) expect(a[k], `${got} vs ${want[i]}`).toEqual(b[k])
    })
  })

  it('uses the simulator’s own notes when the run has them, and reads a kernel run’s trace', () => {
    const sim = RECORDED['connect.timeout']!
    expect(runNotes(sim.events, sim.steps, null, sim.profile).map((n) => n.key)).toContain(
      'syn-give-up',
    )
    // A kernel run has no note events of its own (only the lab's kernel.* ones).
    const kernel: TraceEvent[] = [
      ...sim.events.filter((e) => e.type !== 'note'),
      { type: 'note', tMs: 0, key: 'kernel.crash-fin' },
    ]
    const notes = runNotes(kernel, sim.steps, scenarioScript('connect.timeout'), 'linux')
    expect(notes.some((n) => n.key.startsWith('kernel.'))).toBe(false)
    const last = noteAt(notes, kernel.length)
    expect(last?.key).toBe('syn-give-up')
    expect(last?.params).toMatchObject({ errno: 'ETIMEDOUT' })
  })

  it('writes an errno as its generic name (the profile decides the spelling later)', () => {
    expect(genericErrno('WSAETIMEDOUT')).toBe('ETIMEDOUT')
    expect(genericErrno('ECONNRESET')).toBe('ECONNRESET')
  })

  it('reads signals off a kernel run of call.eintr: EINTR, then the restarted recv', () => {
    const script = scenarioScript('call.eintr')!
    const r = (
      index: number,
      startMs: number,
      endMs: number,
      ret: number,
      errno?: 'EINTR',
    ): StepResult => ({
      index,
      actor: script.steps[index]!.actor,
      op: script.steps[index]!.op,
      startMs,
      endMs,
      outcome: 'returned',
      ret,
      ...(errno ? { errno } : {}),
    })
    // As the kernel lab measured it (the signal steps answer before the call they interrupt).
    const steps = [
      r(0, 0, 2, 0),
      r(2, 12, 12.1, 4),
      r(1, 10, 12.5, 0),
      r(4, 501.4, 501.5, 0),
      r(3, 100, 501.8, -1, 'EINTR'),
      r(6, 1002, 1002.1, 0),
      r(7, 1501.6, 1501.8, 10),
      r(5, 501.8, 1502.2, 10),
    ]
    const events: TraceEvent[] = steps.map((x) => ({
      tMs: x.endMs,
      type: 'syscall',
      step: x.index,
    }))
    const keys = inferNotes(events, steps, script, 'linux').map((n) => `${n.key}@${n.step}`)
    expect(keys).toContain('signal-eintr@3')
    expect(keys).toContain('signal-restart@6')
    expect(keys.filter((k) => k.startsWith('signal-idle'))).toEqual([])
    // On Windows nothing says a signal interrupted anything.
    expect(
      inferNotes(events, steps, script, 'windows').some((n) => n.key.startsWith('signal-')),
    ).toBe(false)
  })
})
