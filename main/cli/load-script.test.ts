import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScript, looksLikeFile, readScriptBytes } from './load-script'

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

  it('reads UTF-8 with a byte-order mark and UTF-16 with one; refuses other encodings by line', async () => {
    const text = JSON.stringify({
      labScript: 1,
      steps: [{ actor: 'client', op: 'connect', port: 9 }],
    })
    const bom = file('bom.json', `\uFEFF${text}`)
    expect((await loadScript(bom)).ok).toBe(true)
    const utf16 = join(dir, 'utf16.json')
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    expect((await loadScript(utf16)).ok).toBe(true)
    const noMark = join(dir, 'nomark.json')
    writeFileSync(noMark, Buffer.from(text, 'utf16le'))
    expect(await loadScript(noMark)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/nomark\.json: line 1, column 2: the file holds a NUL/),
    })
    const latin1 = join(dir, 'latin1.yaml')
    writeFileSync(latin1, Buffer.from('labScript: 1\ntitle: { en: caf\xe9, zh: x }\n', 'latin1'))
    expect(await loadScript(latin1)).toMatchObject({
      ok: false,
      message:
        'latin1.yaml: line 2, column 17: byte 0xe9 is not UTF-8: save the file as UTF-8'.replace(
          'latin1.yaml',
          latin1,
        ),
    })
  })

  it('refuses a file over 1 MiB, a folder and a device without reading them', async () => {
    const big = file('big.json', `"${'x'.repeat(1024 * 1024)}"`)
    expect(await loadScript(big)).toMatchObject({
      ok: false,
      message: `${big}: the file is 1,048,578 bytes; files are limited to 1 MiB (1,048,576 bytes).`,
    })
    expect(await loadScript(`${dir}/`)).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a regular file'),
    })
    expect(await loadScript('/dev/zero')).toMatchObject({
      ok: false,
      message: 'Cannot read /dev/zero: it is not a regular file.',
    })
  })

  it('names the line and column of a JSON error on every Node version', async () => {
    const cases: [string, string][] = [
      ['{\n  "labScript": 1,\n  "steps": }', 'line 3, column 12: unexpected "}", expected a value'],
      [
        '{\n  "labScript": 1\n  "steps": []\n}',
        'line 3, column 3: unexpected "\\"", expected "," or "}"',
      ],
      ['{"labScript": 1, "steps": [1, 2', 'line 1, column 32: unexpected end of file'],
      ['{"a": "x\ny"}', 'line 1, column 9: a control character in a string'],
      ['{"labScript": 1} {}', 'line 1, column 18: unexpected "{", expected nothing after'],
      ['\n\n', 'line 3, column 1: unexpected end of file, expected a value'],
    ]
    for (const [text, where] of cases) {
      const loaded = await loadScript(file('j.json', text))
      expect(loaded.ok).toBe(false)
      if (!loaded.ok) expect(loaded.message).toContain(`JSON syntax error at ${where}`)
    }
  })
})

describe('a file that carries a script beside its results', () => {
  it('runs as its script (fuzz findings, regression cases)', () => {
    const doc = {
      why: 'a finding',
      script: { labScript: 1, steps: [{ actor: 'server', op: 'listen', port: 7001 }] },
      kernel: { steps: [] },
    }
    const loaded = readScriptBytes(new TextEncoder().encode(JSON.stringify(doc)), 'finding.json')
    expect(loaded.ok && loaded.script.steps[0]?.op).toBe('listen')
  })
})
