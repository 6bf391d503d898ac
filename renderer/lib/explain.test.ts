import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import type { LabResult, TraceEvent } from '../../shared/lab-result'
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
})
