// Grading a folder of submissions through the lab service, as the Classroom does: the naive
// and the robust Python client of examples/ graded on the real kernel by
// examples/labs/client-faults.yaml, the grades in the gradebook with their reasons; a cancel
// keeps who was graded; every refusal is a sentence. Where this host cannot run programs the
// kernel part is skipped with one line (as main/lab/examples.test.ts is).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { GradeUpdate, GradeUpdateMessage } from '../../shared/contract'
import { ok } from '../../shared/contract'
import { PYTHON, programsUnavailable } from '../kernel/program/test-programs'
import { createGradeJobs } from './grade-jobs'
import { createLabService, type LabService } from './service'

const why = await programsUnavailable()
if (why) console.log(`folder grading on the kernel skipped: ${why}`)

const root = join(import.meta.dirname, '..', '..')
const LAB = {
  name: 'client-faults.yaml',
  text: readFileSync(join(root, 'examples', 'labs', 'client-faults.yaml'), 'utf8'),
}

const dirs: string[] = []
const services: LabService[] = []
afterEach(async () => {
  for (const s of services.splice(0)) await s.dispose()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-grade-jobs-'))
  dirs.push(dir)
  return dir
}

/** A folder of two submissions: the robust client as a .py file, the naive one by socklab.json. */
function submissions(): string {
  const folder = join(tempDir(), 'week5')
  mkdirSync(join(folder, 'ann'), { recursive: true })
  mkdirSync(join(folder, 'bob'))
  copyFileSync(
    join(root, 'examples', 'python', 'robust_client.py'),
    join(folder, 'ann', 'client.py'),
  )
  copyFileSync(join(root, 'examples', 'python', 'naive_client.py'), join(folder, 'bob', 'naive.py'))
  writeFileSync(
    join(folder, 'bob', 'socklab.json'),
    JSON.stringify({ command: [PYTHON, 'naive.py', '{host}', '{port}'] }),
  )
  return folder
}

/** Collects a job's updates until its `done` (at most `ms`). */
function until(service: LabService, jobId: string, ms: number): Promise<GradeUpdate[]> {
  const seen: GradeUpdate[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "done" within ${ms} ms`)), ms)
    const stop = service.onGradeUpdate((m: GradeUpdateMessage) => {
      if (m.jobId !== jobId) return
      seen.push(m.update)
      if (m.update.kind === 'done') {
        clearTimeout(timer)
        stop()
        resolve(seen)
      }
    })
  })
}

function open(): LabService {
  const service = createLabService({ shell: 'web', version: 't', dataDir: tempDir() })
  services.push(service)
  return service
}

describe('grading a folder: refusals', () => {
  it('says why, before grading anything', async () => {
    const service = open()
    const ask = (folder: string, lab = LAB) =>
      service.calls.classGradeFolder({ jobId: 'job-00001', lab, folder })
    const file = join(tempDir(), 'notes.txt')
    writeFileSync(file, 'x')
    const answers = await Promise.all([
      ask('week5'),
      ask(file),
      ask(join(tempDir(), 'none')),
      ask(tempDir(), { name: 'lab.yaml', text: 'programLab: 1\nid: x\n' }),
    ])
    const messages = answers.map((a) => (a.ok ? 'ok' : a.error.message))
    if (why) {
      // Where programs cannot run, that comes first, in the doctor's words.
      expect(messages).toEqual(Array(4).fill(expect.stringContaining('cannot run in the lab')))
      return
    }
    expect(messages).toEqual([
      'Give the folder\'s full path (like /home/teacher/week5), not "week5".',
      `${file} is a file, not a folder: choose the folder that holds one subfolder per student.`,
      expect.stringMatching(/^There is no folder .*none\.$/),
      expect.stringMatching(/^lab\.yaml is not a valid program lab:\nlab\.yaml:1: title: /),
    ])
  })

  it('passes on the host’s reason when programs cannot run, and has no folder dialog in browser mode', async () => {
    const jobs = createGradeJobs({
      support: async () => ({ available: false, detail: 'Your own program cannot run here: X.' }),
      save: async () => ok(0),
    })
    expect(
      await jobs.calls.classGradeFolder({ jobId: 'job-00002', lab: LAB, folder: '/tmp' }),
    ).toEqual({
      ok: false,
      error: { code: 'unsupported', message: 'Your own program cannot run here: X.' },
    })
    expect(await jobs.calls.classPickFolder()).toMatchObject({
      ok: false,
      error: { code: 'unsupported', message: expect.stringContaining('type the folder') },
    })
    expect(await jobs.calls.classCancelGrade('job-00002')).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  })
})

describe.skipIf(why !== null)('grading a folder on the kernel', () => {
  it(
    'grades the naive and the robust client one after another into the gradebook',
    { timeout: 120_000 },
    async () => {
      const service = open()
      const folder = submissions()
      const updates = until(service, 'job-grade-1', 110_000)
      const start = await service.calls.classGradeFolder({
        jobId: 'job-grade-1',
        lab: LAB,
        folder,
        classCode: 'NET101',
      })
      expect(start).toEqual({
        ok: true,
        value: {
          jobId: 'job-grade-1',
          lab: 'client-faults',
          students: ['ann', 'bob'],
          skipped: [],
        },
      })
      // One folder at a time.
      const second = await service.calls.classGradeFolder({
        jobId: 'job-grade-2',
        lab: LAB,
        folder,
      })
      expect(!second.ok && second.error.message).toMatch(/being graded already/)
      const seen = await updates
      expect(seen.filter((u) => u.kind !== 'case')).toEqual([
        {
          kind: 'student',
          index: 0,
          student: 'ann',
          command: ['python3', 'client.py', '{host}', '{port}'],
        },
        { kind: 'graded', index: 0, student: 'ann', passed: 3, total: 3 },
        {
          kind: 'student',
          index: 1,
          student: 'bob',
          command: [PYTHON, 'naive.py', '{host}', '{port}'],
        },
        { kind: 'graded', index: 1, student: 'bob', passed: 0, total: 3 },
        { kind: 'done', graded: 2, passed: 1, cancelled: false },
      ])
      expect(seen.filter((u) => u.kind === 'case')).toHaveLength(6)

      const book = await service.calls.classGradebook()
      if (!book.ok) throw new Error(book.error.message)
      const g = book.value.gradebook
      expect(g.overview).toEqual([
        {
          classCode: 'NET101',
          student: 'ann',
          quizzes: [],
          programs: [{ lab: 'client-faults', passed: 3, total: 3 }],
        },
        {
          classCode: 'NET101',
          student: 'bob',
          quizzes: [],
          programs: [{ lab: 'client-faults', passed: 0, total: 3 }],
        },
      ])
      expect(g.programs.students.map((s) => [s.student, s.origin, s.cases])).toEqual([
        [
          'ann',
          'folder',
          { 'connect.refused': true, 'peer.crash-rst': true, 'peer.host-down': true },
        ],
        [
          'bob',
          'folder',
          { 'connect.refused': false, 'peer.crash-rst': false, 'peer.host-down': false },
        ],
      ])
      expect(
        g.programs.cases.map((c) => [
          c.case,
          `${c.passed}/${c.graded}`,
          c.failures.map((f) => f.reason.en),
        ]),
      ).toEqual([
        [
          'connect.refused',
          '1/2',
          [
            'its output contains "Traceback", which it must not',
            'made 1 connect() attempt; the lab expects exactly 3',
          ],
        ],
        ['peer.crash-rst', '1/2', ['its output contains "Traceback", which it must not']],
        [
          'peer.host-down',
          '1/2',
          [
            'did not end by itself within 6000 ms: it was still running at the time limit, blocked in recv(), and was stopped by the lab',
            'it was still running at the time limit, blocked in recv(), and was stopped by the lab; the lab expects a non-zero status (reporting the failure)',
            'its output does not contain "no answer"',
          ],
        ],
      ])
      // The reports are kept whole enough to read again (the undo of a clear re-imports them).
      const bob = book.value.programs.find((p) => p.report.student === 'bob')!.report
      expect(bob).toMatchObject({
        classCode: 'NET101',
        appVersion: expect.any(String),
        passed: false,
      })
      expect(bob.cases[0]!.program!.stderr).toContain('Traceback')
    },
  )

  it('stops at a cancel, keeping the students already graded', { timeout: 60_000 }, async () => {
    const service = open()
    const folder = submissions()
    const seen: GradeUpdate[] = []
    const done = until(service, 'job-cancel', 50_000)
    const stop = service.onGradeUpdate((m) => {
      seen.push(m.update)
      // Bob's first case: cancel him.
      if (m.update.kind === 'student' && m.update.student === 'bob')
        void service.calls.classCancelGrade('job-cancel')
    })
    const start = await service.calls.classGradeFolder({ jobId: 'job-cancel', lab: LAB, folder })
    expect(start.ok).toBe(true)
    const updates = await done
    stop()
    expect(updates.at(-1)).toEqual({ kind: 'done', graded: 1, passed: 1, cancelled: true })
    const book = await service.calls.classGradebook()
    expect(book.ok && book.value.gradebook.programs.students.map((s) => s.student)).toEqual(['ann'])
    expect(service.activeRuns()).toBe(0)
  })
})
