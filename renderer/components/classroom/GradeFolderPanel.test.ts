// The Classroom's program labs: grading a folder (the lab read and refused line by line in the
// page, the folder typed or chosen, progress followed live, a cancel), where programs cannot
// run the host's sentence, and the grades in the gradebook beside the quiz's.
import { mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from '../../../shared/program-report.fixture'
import {
  CAPABILITIES,
  createFakeLab,
  errorResult,
  flush,
  testGlobals,
  type FakeLab,
} from '../../testing/fake-lab'
import ClassroomView from '../../views/ClassroomView.vue'

const LAB = `programLab: 1
id: two-faults
title: { en: Two faults, zh: 两个故障 }
role: client
cases:
  - case: connect.refused
    expect: { exitCode: nonzero }
  - case: peer.crash-rst
    expect: { notOutput: [Traceback] }
`

afterEach(() => {
  document.body.innerHTML = ''
})

async function open(fake: FakeLab = createFakeLab()) {
  const { global } = testGlobals(fake)
  const w = mount(ClassroomView, { global, attachTo: document.body })
  await flush()
  return { w, fake }
}

async function pick(w: VueWrapper, testid: string, files: { name: string; text: string }[]) {
  const input = w.get(`[data-testid="${testid}"]`)
  Object.defineProperty(input.element, 'files', {
    value: files.map((f) => new File([f.text], f.name)),
    configurable: true,
  })
  await input.trigger('change')
  await flush(10)
}

describe('grading a folder of program submissions', () => {
  it('reads the lab, starts with the folder and class, and follows each student live', async () => {
    const { w, fake } = await open()
    await w.get('[data-testid="grade-panel"] form').trigger('submit')
    await flush()
    expect(w.get('[data-testid="grade-error"]').text()).toBe('Pick the program lab first.')

    await pick(w, 'grade-lab-file', [{ name: 'two.yaml', text: LAB }])
    expect(w.get('[data-testid="grade-lab"]').text()).toBe(
      'two-faults: Two faults, 2 cases, the program as the client',
    )
    await w.get('[data-testid="grade-panel"] form').trigger('submit')
    await flush()
    expect(w.get('[data-testid="grade-error"]').text()).toBe('Give the folder of submissions.')

    await w.get('[data-testid="grade-folder"]').setValue(' /home/t/week5 ')
    await w.get('[data-testid="grade-class"]').setValue('NET101')
    await w.get('[data-testid="grade-panel"] form').trigger('submit')
    await flush()
    expect(fake.grades).toEqual([
      {
        jobId: expect.any(String),
        lab: { name: 'two.yaml', text: LAB },
        folder: '/home/t/week5',
        classCode: 'NET101',
      },
    ])
    const jobId = fake.grades[0]!.jobId
    const state = (s: string) => w.get(`[data-testid="grade-rows"] tr[data-student="${s}"]`)
    expect(state('ann').attributes('data-state')).toBe('waiting')
    expect(w.get('[data-testid="grade-start"]').attributes('disabled')).toBeDefined()

    fake.pushGrade(jobId, { kind: 'student', index: 0, student: 'ann', command: ['python3'] })
    fake.pushGrade(jobId, {
      kind: 'case',
      index: 0,
      case: 'connect.refused',
      caseIndex: 0,
      passed: true,
    })
    await flush()
    expect(w.get('[data-testid="grade-progress"]').text()).toBe('Grading 1 of 2: ann, case 2 of 2')
    fake.quiz.programs.push({ report: sampleReport('ann', ROBUST_CASES), origin: 'folder' })
    fake.pushGrade(jobId, { kind: 'graded', index: 0, student: 'ann', passed: 3, total: 3 })
    fake.pushGrade(jobId, { kind: 'student', index: 1, student: 'bob', command: ['python3'] })
    await flush()
    expect(state('ann').text()).toContain('3 of 3 cases passed')
    expect(state('bob').attributes('data-state')).toBe('grading')
    // The gradebook follows as each grade is kept.
    expect(w.get('[data-testid="gradebook-programs"] tr[data-student="ann"]').text()).toContain(
      '3/3',
    )

    await w.get('[data-testid="grade-cancel"]').trigger('click')
    expect(fake.gradesCancelled).toEqual([jobId])
    fake.pushGrade(jobId, { kind: 'done', graded: 1, passed: 1, cancelled: true })
    await flush()
    expect(state('bob').attributes('data-state')).toBe('stopped')
    expect(w.get('[data-testid="grade-done"]').text()).toBe(
      'Cancelled: 1 submissions were graded before it stopped; they are in the gradebook.',
    )
    expect(w.find('[data-testid="grade-cancel"]').exists()).toBe(false)
    w.unmount()
  })

  it('names the lines of a bad lab, and a file of another kind for what it is', async () => {
    const { w, fake } = await open()
    await pick(w, 'grade-lab-file', [
      { name: 'bad.yaml', text: LAB.replace('case: peer.crash-rst', 'case: peer.nope') },
    ])
    expect(w.get('[data-testid="grade-lab-problems"]').text()).toContain(
      'bad.yaml:8: cases.1.case: there is no case "peer.nope" in the catalog',
    )
    await pick(w, 'grade-lab-file', [
      { name: 'ann.grade.json', text: JSON.stringify(sampleReport('Ann', NAIVE_CASES)) },
    ])
    expect(w.get('[data-testid="grade-lab-problems"]').text()).toContain(
      'ann.grade.json is a program-lab grade report, not a program lab. Import it under “Teacher: gradebook”.',
    )
    expect(w.find('[data-testid="grade-lab"]').exists()).toBe(false)
    expect(fake.grades).toEqual([])
    w.unmount()
  })

  it('shows main’s refusal, and where programs cannot run, the host’s reason', async () => {
    const refused = createFakeLab({
      gradeFolder: errorResult('bad-input', 'There is no folder /nope.'),
    })
    const { w } = await open(refused)
    await pick(w, 'grade-lab-file', [{ name: 'two.yaml', text: LAB }])
    await w.get('[data-testid="grade-folder"]').setValue('/nope')
    await w.get('[data-testid="grade-panel"] form').trigger('submit')
    await flush()
    expect(w.get('[data-testid="grade-error"]').text()).toBe(
      'Not started: There is no folder /nope.',
    )
    w.unmount()

    const detail =
      'Your own program cannot run in the lab on this host: strace is not installed (Debian and Ubuntu: apt-get install strace).'
    const { w: w2 } = await open(
      createFakeLab({
        capabilities: {
          ok: true,
          value: { ...CAPABILITIES, programs: { available: false, detail } },
        },
      }),
    )
    expect(w2.get('[data-testid="grade-unavailable"]').text()).toBe(
      `Programs cannot be graded here: ${detail}`,
    )
    expect(w2.get('[data-testid="grade-start"]').attributes('disabled')).toBeDefined()
    w2.unmount()
  })

  it('chooses the folder with the desktop app’s dialog; browser mode has only the field', async () => {
    const { w } = await open()
    expect(w.find('[data-testid="grade-folder-pick"]').exists()).toBe(false)
    w.unmount()
    const desktop = createFakeLab({
      capabilities: { ok: true, value: { ...CAPABILITIES, shell: 'electron' } },
      pickFolder: { ok: true, value: { folder: '/home/t/week6' } },
    })
    const { w: w2 } = await open(desktop)
    await w2.get('[data-testid="grade-folder-pick"]').trigger('click')
    await flush()
    expect((w2.get('[data-testid="grade-folder"]').element as HTMLInputElement).value).toBe(
      '/home/t/week6',
    )
    w2.unmount()
  })
})

describe('program labs in the gradebook', () => {
  it('shows each student’s quiz and program-lab scores, the failing reasons per case, and exports them', async () => {
    const fake = createFakeLab()
    const { w } = await open(fake)
    await pick(w, 'results-file', [
      { name: 'ann.grade.json', text: JSON.stringify(sampleReport('Ann', ROBUST_CASES)) },
      { name: 'bob.grade.json', text: JSON.stringify(sampleReport('Bob', NAIVE_CASES)) },
      {
        name: 'who.grade.json',
        text: JSON.stringify(sampleReport(undefined, NAIVE_CASES)),
      },
    ])
    expect(w.get('[data-testid="results-added"]').text()).toBe('2 new result files imported.')
    expect(w.get('[data-testid="results-problems"]').text()).toContain(
      'who.grade.json: this report of lab "client-faults" does not say whose program it graded',
    )
    expect(w.find('[data-testid="gradebook-students"]').exists()).toBe(false)
    const overview = w.get('[data-testid="gradebook-overview"] tr[data-student="Bob"]')
    expect(overview.get('[data-testid="overview-programs"]').text()).toBe('client-faults 0/3 cases')
    expect(
      w.get('[data-testid="gradebook-programs"] tr[data-student="Ann"]').attributes('data-passed'),
    ).toBe('true')
    const crash = w.get('[data-testid="gradebook-cases"] tr[data-case="peer.crash-rst"]')
    expect(crash.get('[data-testid="case-passed"]').text()).toBe('1/2')
    expect(crash.get('[data-testid="case-failures"]').text()).toContain(
      'its output contains "Traceback", which it must not 1×',
    )
    await w
      .get(
        '[data-testid="gradebook-programs"] tr[data-student="Bob"] [data-testid="program-student-open"]',
      )
      .trigger('click')
    const detail = w.get('[data-testid="program-student-detail"]')
    expect(detail.get('[data-case="connect.refused"]').text()).toContain(
      'made 1 connect() attempt; the lab expects exactly 3',
    )
    expect(detail.text()).toContain('python3 client.py {host} {port}')
    expect(w.get('[data-testid="gradebook-csv"]').attributes('disabled')).toBeUndefined()
    w.unmount()
  })

  it('in Chinese too', async () => {
    const fake = createFakeLab({
      quiz: { programs: [{ report: sampleReport('Bob', NAIVE_CASES), origin: 'folder' }] },
    })
    const { global } = testGlobals(fake, 'zh')
    const w = mount(ClassroomView, { global, attachTo: document.body })
    await flush()
    expect(w.get('[data-testid="grade-panel"] h2').text()).toBe('老师：批改程序作业')
    expect(
      w.get('[data-testid="gradebook-cases"] tr[data-case="peer.crash-rst"]').text(),
    ).toContain('输出中出现了不应出现的 "Traceback"')
    expect(w.get('[data-testid="gradebook-programs"]').text()).toContain('在本机批改')
    w.unmount()
  })
})
