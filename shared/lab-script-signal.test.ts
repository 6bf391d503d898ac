// Lab script version 2's `signal` and `usertimeout` steps: their shape, and that a version 1
// script using them is refused with a message naming the op.
import { describe, expect, it } from 'vitest'
import { parseLabScript, V2_OPS, v2Feature } from './lab-script'

const steps = [
  { actor: 'client', op: 'signal' },
  { actor: 'server', op: 'usertimeout', ms: 1500 },
]

describe('signal and usertimeout', () => {
  it('are version 2 ops', () => {
    expect(V2_OPS.has('signal')).toBe(true)
    expect(V2_OPS.has('usertimeout')).toBe(true)
  })

  it('a version 1 script that uses them is refused, naming each', () => {
    const r = parseLabScript({ labScript: 1, steps })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems.map((p) => [p.step, p.field])).toEqual([
        [0, 'op'],
        [1, 'op'],
      ])
      expect(r.message).toContain('"signal" is lab script version 2')
      expect(r.message).toContain('"usertimeout" is lab script version 2')
    }
  })

  it('version 2 accepts them; restart defaults to false', () => {
    const r = parseLabScript({ labScript: 2, steps })
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.script.steps[0]).toEqual({ actor: 'client', op: 'signal', restart: false })
      expect(v2Feature(r.script.steps[1]!)).toBe('usertimeout')
    }
  })

  it.each([
    [{ actor: 'net', op: 'signal' }, 'actor'],
    [{ actor: 'client', op: 'signal', restart: 'yes' }, 'restart'],
    [{ actor: 'client', op: 'usertimeout' }, 'ms'],
    [{ actor: 'client', op: 'usertimeout', ms: 0 }, 'ms'],
    [{ actor: 'client', op: 'usertimeout', ms: 2 ** 31 }, 'ms'],
    [{ actor: 'client', op: 'usertimeout', ms: 1.5 }, 'ms'],
  ])('names the field of a bad step (%#)', (step, field) => {
    const r = parseLabScript({ labScript: 2, steps: [step] })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ step: 0, field })
  })
})
