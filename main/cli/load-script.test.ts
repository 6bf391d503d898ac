import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScript, looksLikeFile } from './load-script'

const dir = mkdtempSync(join(tmpdir(), 'socklab-cli-'))
function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('loadScript', () => {
  it('tells catalog ids from files', () => {
    expect(looksLikeFile('connect.refused')).toBe(false)
    expect(looksLikeFile('my-lab.json')).toBe(true)
    expect(looksLikeFile('./labs/x')).toBe(true)
  })

  it('loads catalog cases, JSON and YAML files', async () => {
    expect(await loadScript('connect.refused')).toMatchObject({
      ok: true,
      script: { id: 'connect.refused' },
    })
    const json = file(
      'a.json',
      JSON.stringify({ labScript: 1, steps: [{ actor: 'client', op: 'connect', port: 9 }] }),
    )
    expect((await loadScript(json)).ok).toBe(true)
    const yaml = file(
      'a.yaml',
      'labScript: 1\nsteps:\n  - { actor: client, op: connect, port: 9 }\n',
    )
    expect((await loadScript(yaml)).ok).toBe(true)
  })

  it('names the line of a syntax error, the step and field of a schema error, and a missing file', async () => {
    const badJson = await loadScript(file('b.json', '{\n  "labScript": 1,\n  "steps": [,]\n}'))
    expect(badJson).toMatchObject({
      ok: false,
      message: expect.stringMatching(/b\.json: JSON syntax error at line 3/),
    })
    const badYaml = await loadScript(
      file('b.yaml', 'labScript: 1\nsteps:\n  - actor: client\n   op: x: y\n'),
    )
    expect(badYaml).toMatchObject({
      ok: false,
      message: expect.stringMatching(/b\.yaml: YAML syntax error at line \d/),
    })
    const badField = await loadScript(
      file(
        'c.json',
        JSON.stringify({ labScript: 1, steps: [{ actor: 'client', op: 'connect', port: 'x' }] }),
      ),
    )
    expect(badField).toMatchObject({
      ok: false,
      message: expect.stringContaining('step 0, field "port"'),
    })
    expect(await loadScript(join(dir, 'none.json'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('no such file'),
    })
    expect(await loadScript('connect.nothing')).toMatchObject({
      ok: false,
      message: expect.stringContaining('no case "connect.nothing"'),
    })
  })
})
