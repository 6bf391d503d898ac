// A folder of submissions (main/lab/grade-folder.ts): how each subfolder names its program,
// and every way a folder or a subfolder can be wrong, each said with the file and the fix.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readProgramLab } from '../../shared/program-lab'
import { programsUnavailable } from '../kernel/program/test-programs'
import { folderProblem, gradeSubmissions, MAX_SUBMISSIONS, readSubmissions } from './grade-folder'

const why = await programsUnavailable()
const hasCc = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
if (why) console.log(`C submissions on the kernel skipped: ${why}`)
else if (!hasCc) console.log('C submissions on the kernel skipped: no C compiler (cc) on this host')

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'socklab-folder-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function put(path: string, text = '', mode?: number): void {
  const file = join(root, path)
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, text)
  if (mode !== undefined) chmodSync(file, mode)
}

describe('a folder of submissions', () => {
  it('finds each subfolder’s command: socklab.json, then run, then the one program file', async () => {
    put('ann/socklab.json', '{ "command": "python3 \'my client.py\' {host} {port}" }')
    put('ann/other.py')
    put('bo/socklab.json', '{ "command": ["java", "-jar", "c.jar", "{host}", "{port}"] }')
    put('cy/run', '#!/bin/sh\n', 0o755)
    put('cy/client.py')
    put('di/client.py')
    put('di/README.md')
    put('ed/client.mjs')
    put('fay/client.js')
    put('gus/client.c')
    put('notes.txt')
    mkdirSync(join(root, '.git'))
    const read = await readSubmissions(root)
    expect(read).toEqual({
      ok: true,
      skipped: [],
      submissions: [
        {
          student: 'ann',
          dir: join(root, 'ann'),
          from: 'socklab.json',
          command: ['python3', 'my client.py', '{host}', '{port}'],
        },
        {
          student: 'bo',
          dir: join(root, 'bo'),
          from: 'socklab.json',
          command: ['java', '-jar', 'c.jar', '{host}', '{port}'],
        },
        {
          student: 'cy',
          dir: join(root, 'cy'),
          from: 'run',
          command: ['./run', '{host}', '{port}'],
        },
        {
          student: 'di',
          dir: join(root, 'di'),
          from: 'client.py',
          command: ['python3', 'client.py', '{host}', '{port}'],
        },
        {
          student: 'ed',
          dir: join(root, 'ed'),
          from: 'client.mjs',
          command: ['node', 'client.mjs', '{host}', '{port}'],
        },
        {
          student: 'fay',
          dir: join(root, 'fay'),
          from: 'client.js',
          command: ['node', 'client.js', '{host}', '{port}'],
        },
        {
          student: 'gus',
          dir: join(root, 'gus'),
          from: 'client.c',
          command: ['./client', '{host}', '{port}'],
          build: 'client.c',
        },
      ],
    })
  })

  it('says why a subfolder cannot be graded, naming its file and the fix', async () => {
    put('a/socklab.json', '{ "command": ')
    put('b/socklab.json', '{ "cmd": "x" }')
    put('c/socklab.json', '{ "command": "python3 \'c.py" }')
    put('d/run', '#!/bin/sh\n', 0o644)
    put('e/one.py')
    put('e/two.py')
    put('f/README.md')
    const read = await readSubmissions(root)
    if (!read.ok) throw new Error(read.message)
    expect(read.submissions).toEqual([])
    expect(read.skipped).toEqual([
      { student: 'a', message: expect.stringMatching(/^a\/socklab\.json is not valid JSON: /) },
      {
        student: 'b',
        message: expect.stringMatching(/^b\/socklab\.json: .*unknown field "cmd"/),
      },
      { student: 'c', message: 'c/socklab.json: the command has a quote that is not closed' },
      {
        student: 'd',
        message: 'd/run is not executable: chmod +x it, or name the command in socklab.json',
      },
      {
        student: 'e',
        message: 'several program files (one.py, two.py): name the one to run in a socklab.json',
      },
      {
        student: 'f',
        message:
          'no program found: put a socklab.json naming the command, an executable run, or one .py, .mjs, .js or .c file in the folder',
      },
    ])
  })

  it('refuses a path that is no folder, or a folder without subfolders', async () => {
    put('file.txt')
    expect(await readSubmissions(join(root, 'file.txt'))).toEqual({
      ok: false,
      message: `${join(root, 'file.txt')} is a file, not a folder: choose the folder that holds one subfolder per student.`,
    })
    expect(await readSubmissions(join(root, 'none'))).toEqual({
      ok: false,
      message: `There is no folder ${join(root, 'none')}.`,
    })
    expect(await readSubmissions(root)).toEqual({
      ok: false,
      message: `${root} has no subfolders: put each student's submission in a subfolder named after them.`,
    })
    expect(await folderProblem('week5', { absolute: true })).toBe(
      'Give the folder\'s full path (like /home/teacher/week5), not "week5".',
    )
    expect(await folderProblem(root, { absolute: true })).toBeUndefined()
    for (let i = 0; i <= MAX_SUBMISSIONS; i++) mkdirSync(join(root, `s${i}`))
    expect(await readSubmissions(root)).toEqual({
      ok: false,
      message: `${root} has ${MAX_SUBMISSIONS + 1} subfolders; at most ${MAX_SUBMISSIONS} are graded at once.`,
    })
  })
})

describe.skipIf(why !== null || !hasCc)('a C submission', () => {
  it(
    'is compiled, graded as ./name, and its build removed; one that does not compile fails with the compiler’s words',
    { timeout: 60_000 },
    async () => {
      const repo = join(import.meta.dirname, '..', '..')
      const labFile = join(repo, 'examples', 'labs', 'client-faults.yaml')
      const read = readProgramLab(readFileSync(labFile, 'utf8'), labFile)
      if (!read.ok) throw new Error(read.problems.join('\n'))
      // One case is enough here: the build is what is tested.
      const cases = read.cases.filter((c) => c.name === 'connect.refused')
      put('ann/client.c')
      copyFileSync(join(repo, 'examples', 'c', 'robust_client.c'), join(root, 'ann', 'client.c'))
      put('bob/client.c', 'int main( { return 0; }\n')
      const found = await readSubmissions(root)
      if (!found.ok) throw new Error(found.message)
      const before = readdirSync(tmpdir()).filter((n) => n.startsWith('socklab-build-')).length
      const summary = await gradeSubmissions(read.lab, cases, found.submissions, {
        classCode: 'C1',
      })
      const [ann, bob] = summary.graded.map((g) => g.report)
      expect(ann).toMatchObject({
        student: 'ann',
        classCode: 'C1',
        command: ['./client', '{host}', '{port}'],
        passed: true,
      })
      expect(bob).toMatchObject({ student: 'bob', passed: false, score: { passed: 0, total: 1 } })
      expect(bob!.cases[0]!.error).toMatch(/^client\.c did not compile \(cc -O2\): .*error/)
      // Nothing of the builds is left behind.
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('socklab-build-'))).toHaveLength(
        before,
      )
    },
  )
})
