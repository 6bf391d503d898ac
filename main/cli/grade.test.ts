import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGradeArgs, runGradeCli } from './grade'

describe('socklab grade', () => {
  it('reads the lab, the options and the command after "--"', () => {
    expect(
      parseGradeArgs([
        'lab.yaml',
        '--out',
        'r.json',
        '--lang',
        'zh',
        '--',
        'python3',
        'c.py',
        '{port}',
      ]),
    ).toEqual({
      lab: 'lab.yaml',
      out: 'r.json',
      lang: 'zh',
      json: false,
      command: ['python3', 'c.py', '{port}'],
    })
    expect(parseGradeArgs(['lab.yaml'])).toMatch(/after "--"/)
    expect(parseGradeArgs(['lab.yaml', '--lang', 'fr', '--', 'p'])).toMatch(/--lang/)
    expect(parseGradeArgs(['--', 'p'])).toMatch(/one program lab/)
    expect(parseGradeArgs(['lab.yaml', '--'])).toMatch(/Name the program/)
  })

  it('refuses a lab with problems, each on its line, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-grade-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(
      file,
      'programLab: 1\nid: Bad Id\ntitle: { en: X, zh: X }\nrole: client\ncases: []\n',
    )
    const err: string[] = []
    const code = await runGradeCli([file, '--', 'true'], {
      out: () => undefined,
      err: (t) => err.push(t),
    })
    expect(code).toBe(2)
    expect(err.join('\n')).toContain(`${file}:2: id: lower-case letters`)
    expect(err.join('\n')).toContain(`${file}:5: cases: `)
    const missing = await runGradeCli([join(dir, 'none.yaml'), '--', 'true'], {
      out: () => undefined,
      err: (t) => err.push(t),
    })
    expect(missing).toBe(2)
    expect(err.at(-1)).toMatch(/no such file/)
  })
})
