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

  it('names whose program it is, or grades a folder of submissions instead of one command', () => {
    expect(
      parseGradeArgs(['lab.yaml', '--student', ' Ann Lee ', '--class', 'NET101', '--', 'p']),
    ).toEqual({
      lab: 'lab.yaml',
      student: 'Ann Lee',
      classCode: 'NET101',
      lang: 'en',
      json: false,
      command: ['p'],
    })
    expect(parseGradeArgs(['lab.yaml', '--folder', 'subs', '--out', 'reports'])).toEqual({
      lab: 'lab.yaml',
      folder: 'subs',
      out: 'reports',
      lang: 'en',
      json: false,
      command: [],
    })
    expect(parseGradeArgs(['lab.yaml', '--folder', 'subs', '--', 'p'])).toMatch(/not both/)
    expect(parseGradeArgs(['lab.yaml', '--folder', 'subs', '--student', 'A'])).toMatch(
      /each subfolder is named after its student/,
    )
    expect(parseGradeArgs(['lab.yaml', '--folder', 'subs', '--json'])).toMatch(/--json/)
    expect(parseGradeArgs(['lab.yaml', '--folder'])).toBe('--folder needs a folder.')
    expect(parseGradeArgs(['lab.yaml', '--student', '--', 'p'])).toBe('--student needs a name.')
    expect(parseGradeArgs(['lab.yaml', '--class', ' ', '--', 'p'])).toMatch(/1 to 64/)
    expect(parseGradeArgs(['lab.yaml'])).toMatch(/--folder DIR/)
  })

  it('refuses a folder that is not there before grading anything, with exit code 2', async () => {
    const err: string[] = []
    const code = await runGradeCli(
      [
        join(import.meta.dirname, '..', '..', 'examples', 'labs', 'client-faults.yaml'),
        '--folder',
        '/nonexistent/subs',
      ],
      { out: () => undefined, err: (t) => err.push(t) },
    )
    expect(code).toBe(2)
    expect(err).toEqual(['There is no folder /nonexistent/subs.'])
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
