import { describe, expect, it } from 'vitest'
import { parseLabScript, scriptPort, v2Feature, v2ScriptFields, V2_OPS } from './lab-script'

const base = { labScript: 1, steps: [{ actor: 'client', op: 'connect', port: 7002 }] }

describe('parseLabScript', () => {
  it('accepts a minimal script and applies defaults', () => {
    const r = parseLabScript(base)
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.script.profile).toBe('linux')
      expect(r.script.topology).toBe('direct')
      expect(r.script.limitMs).toBe(15000)
    }
  })

  it.each([
    [{ ...base, steps: [{ actor: 'client', op: 'connect', port: 70000 }] }, 0, 'port'],
    [{ ...base, steps: [base.steps[0], { actor: 'client', op: 'conect', port: 1 }] }, 1, 'op'],
    [{ ...base, steps: [{ actor: 'client', op: 'listen', port: 1 }] }, 0, 'actor'],
    [{ ...base, steps: [{ actor: 'client', op: 'send' }] }, 0, 'bytes'],
    [{ ...base, steps: [{ actor: 'client', op: 'send', bytes: 5, byts: 3 }] }, 0, 'byts'],
    [{ ...base, steps: [{ actor: 'net', op: 'drop', match: 'SYNACK' }] }, 0, 'match'],
    [{ ...base, steps: [{ actor: 'net', op: 'hold' }] }, 0, 'op'],
  ])('names the step and the field of a bad step (%#)', (script, step, field) => {
    const r = parseLabScript(script)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems[0]).toMatchObject({ step, field })
      expect(r.message).toContain(`step ${step}`)
      expect(r.message).toContain(`"${field}"`)
    }
  })

  it('rejects a wrong version and unknown top-level fields', () => {
    const r = parseLabScript({ ...base, labScript: 3, colour: 'red' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      const fields = r.problems.map((p) => p.field)
      expect(fields).toContain('labScript')
      expect(fields).toContain('colour')
    }
  })

  it('rejects a step that starts after the run ends', () => {
    const r = parseLabScript({ ...base, limitMs: 100, steps: [{ ...base.steps[0], at: 200 }] })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ step: 0, field: 'at' })
  })

  it('never throws on garbage', () => {
    for (const junk of [null, 42, 'x', [], { steps: 'no' }]) {
      expect(parseLabScript(junk).ok).toBe(false)
    }
  })

  it.each([
    [{ actor: 'client', op: 'connect', port: 7002, nonblocking: true }, 'nonblocking'],
    [{ actor: 'client', op: 'poll', events: 'out' }, 'op'],
    [{ actor: 'server', op: 'getsockopt', opt: 'SO_ERROR' }, 'op'],
  ])('refuses version 2 feature %o in a version 1 script, naming it', (step, field) => {
    const r = parseLabScript({ labScript: 1, steps: [step] })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems[0]).toMatchObject({ step: 0, field })
      expect(r.message).toMatch(/is lab script version 2: write "labScript": 2/)
    }
    const v2 = parseLabScript({ labScript: 2, steps: [step] })
    expect(v2.ok).toBe(true)
    if (v2.ok) expect(v2Feature(v2.script.steps[0]!)).not.toBeNull()
  })

  it('names the version 2 ops and the non-blocking connect; a plain connect is version 1', () => {
    expect([...V2_OPS].sort()).toEqual(expect.arrayContaining(['getsockopt', 'poll']))
    const r = parseLabScript({
      labScript: 2,
      steps: [
        { actor: 'client', op: 'connect', port: 7002, nonblocking: true },
        { actor: 'client', op: 'connect', port: 7002 },
        { actor: 'client', op: 'poll', events: 'in', timeoutMs: 0 },
      ],
    })
    expect(r.ok).toBe(true)
    if (r.ok)
      expect(r.script.steps.map((s) => v2Feature(s))).toEqual(['connect.nonblocking', null, 'poll'])
  })

  it.each([
    [{ actor: 'client', op: 'poll', events: 'both' }, 'events'],
    [{ actor: 'client', op: 'poll', events: 'out', timeoutMs: -1 }, 'timeoutMs'],
    [{ actor: 'client', op: 'poll', events: 'out', timeoutMs: 1.5 }, 'timeoutMs'],
    [{ actor: 'client', op: 'getsockopt', opt: 'SO_RCVBUF' }, 'opt'],
    [{ actor: 'client', op: 'connect', port: 7002, nonblocking: false }, 'nonblocking'],
    [{ actor: 'net', op: 'poll', events: 'out' }, 'actor'],
  ])('refuses a bad version 2 step (%#)', (step, field) => {
    const r = parseLabScript({ labScript: 2, steps: [step] })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ step: 0, field })
  })
})

describe('lab script version 2', () => {
  const v2Steps = [
    { actor: 'server', op: 'bind', port: 7001, reuseaddr: true },
    { actor: 'server', op: 'listen', backlog: 1 },
  ]

  it('accepts bind, listen without a port after it, and a backlog in version 2', () => {
    const r = parseLabScript({ labScript: 2, steps: v2Steps })
    expect(r.ok).toBe(true)
  })

  it('refuses a version 2 feature in a version 1 script, naming it', () => {
    const r = parseLabScript({ labScript: 1, steps: v2Steps })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems[0]).toMatchObject({ step: 0, field: 'op' })
      expect(r.message).toContain('"bind" is lab script version 2')
      expect(r.problems[1]).toMatchObject({ step: 1, field: 'backlog' })
    }
  })

  it('wants a port on listen unless a bind came before, and none after a bind', () => {
    const noPort = parseLabScript({ labScript: 2, steps: [{ actor: 'server', op: 'listen' }] })
    expect(noPort.ok).toBe(false)
    if (!noPort.ok) expect(noPort.message).toContain('needs a "port", or a "bind" step')
    const both = parseLabScript({
      labScript: 2,
      steps: [v2Steps[0], { actor: 'server', op: 'listen', port: 7001 }],
    })
    expect(both.ok).toBe(false)
    if (!both.ok) expect(both.problems[0]).toMatchObject({ step: 1, field: 'port' })
    // A listen since the bind used the bound socket: the next listen names its port again.
    const again = parseLabScript({
      labScript: 2,
      steps: [...v2Steps, { actor: 'server', op: 'listen', port: 7002 }],
    })
    expect(again.ok).toBe(true)
  })

  it('finds the port the run is about: a connect or listen, else a server bind', () => {
    const client = { actor: 'client', op: 'bind', port: 40000, reuseaddr: false } as const
    expect(scriptPort({ steps: [client, { actor: 'client', op: 'connect', port: 7005 }] })).toBe(
      7005,
    )
    expect(scriptPort({ steps: [v2Steps[0] as never] })).toBe(7001)
    expect(scriptPort({ steps: [client] })).toBe(7000)
  })
})

describe('firewall (version 2)', () => {
  const steps = [{ actor: 'client', op: 'connect', port: 7001 }]

  it('is refused in a version 1 script, naming it', () => {
    const r = parseLabScript({ labScript: 1, firewall: { idleS: 2, forget: 'drop' }, steps })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problems).toEqual([expect.objectContaining({ path: 'firewall', field: 'firewall' })])
      expect(r.message).toMatch(/"firewall" is lab script version 2: write "labScript": 2/)
    }
  })

  it('is read in version 2 with a direct topology only', () => {
    const ok = parseLabScript({ labScript: 2, firewall: { idleS: 2, forget: 'reset' }, steps })
    expect(ok.ok && ok.script.firewall).toEqual({ idleS: 2, forget: 'reset' })
    expect(ok.ok && v2ScriptFields(ok.script)).toEqual(['firewall'])
    const relay = parseLabScript({
      labScript: 2,
      topology: 'middlebox',
      firewall: { idleS: 2, forget: 'drop' },
      steps,
    })
    expect(!relay.ok && relay.message).toMatch(/needs "topology": "direct"/)
  })

  it.each([
    [{ idleS: 0, forget: 'drop' }, 'idleS'],
    [{ idleS: 86_401, forget: 'drop' }, 'idleS'],
    [{ idleS: 1.5, forget: 'drop' }, 'idleS'],
    [{ idleS: 2, forget: 'icmp' }, 'forget'],
  ])('refuses %o, naming the field', (firewall, field) => {
    const r = parseLabScript({ labScript: 2, firewall, steps })
    expect(!r.ok && r.problems[0]).toMatchObject({ path: `firewall.${field}`, field })
  })
})
