import { describe, expect, it } from 'vitest'
import { checkScriptText, formatOf, writeScript } from './script-text'

const YAML = `labScript: 1
limitMs: 5000
steps:
  - { actor: server, op: listen, port: 7001 }
  - { actor: client, op: connect, port: 70000 }
  - { actor: client, op: sned, bytes: 5 }
`

describe('checkScriptText', () => {
  it('accepts a valid YAML script and applies the defaults', () => {
    const r = checkScriptText(
      'labScript: 1\nsteps:\n  - { actor: client, op: connect, port: 7002 }\n',
    )
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.script.profile).toBe('linux')
  })

  it('puts schema problems on their lines, with step and field', () => {
    const r = checkScriptText(YAML)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => [p.line, p.step, p.field])).toEqual([
      [5, 1, 'port'],
      [6, 2, 'op'],
    ])
    expect(r.problems[1]!.message).toMatch(/unknown op "sned"/)
  })

  it('places JSON syntax errors and JSON schema problems alike', () => {
    const bad = checkScriptText(
      '{\n  "labScript": 1,\n  "steps": [\n    { "actor": "client", "op": "connect", "port": 7002 }\n  \n',
    )
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.problems[0]!.line).toBeGreaterThanOrEqual(4)
    const json =
      '{\n  "labScript": 1,\n  "steps": [\n    { "actor": "net", "op": "listen", "port": 1 }\n  ]\n}\n'
    const r = checkScriptText(json)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 4, step: 0, field: 'actor' })
  })

  it('refuses text that is not an object, and a missing steps list at line 1', () => {
    expect(checkScriptText('- a\n- b\n')).toMatchObject({ ok: false })
    const r = checkScriptText('labScript: 1\n')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 1, field: 'steps' })
  })

  it('writes and recognises both formats', () => {
    const value = { labScript: 1, steps: [{ actor: 'client', op: 'connect', port: 1 }] }
    expect(formatOf(writeScript(value, 'json'))).toBe('json')
    expect(formatOf(writeScript(value, 'yaml'))).toBe('yaml')
    const back = checkScriptText(writeScript(value, 'yaml'))
    expect(back.ok).toBe(true)
  })

  it('refuses a "billion laughs" of aliases at the first alias instead of throwing', () => {
    const rows = ['labScript: 1', 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      rows.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`)
    }
    rows.push('steps: *l')
    const r = checkScriptText(rows.join('\n'))
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.problems[0]).toMatchObject({ line: 3, message: expect.stringMatching(/alias/) })
  })
})
