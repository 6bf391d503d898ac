import { mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { buildResultFile } from '../../shared/quiz/result-file'
import { QUIZ_PROOF } from '../lib/fixtures/index'
import { useQuizStore } from '../stores/quiz'
import { useSettingsStore } from '../stores/settings'
import { createFakeLab, flush, testGlobals } from '../testing/fake-lab'
import ClassroomView from './ClassroomView.vue'

const PACK = `pack: 1
id: wk3
title: { en: Week 3, zh: 第三周 }
seed: 4
timeLimitMin: 15
generate: { count: 2, types: [errno-name] }
`

beforeEach(() => {
  history.replaceState(null, '', '#/classroom')
})
afterEach(() => {
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

async function classroom(fake = createFakeLab()) {
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

function resultText(student: string, right: boolean): string {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  const questions = packQuiz(parsed.pack, undefined, QUIZ_PROOF).questions
  const answers = questions.map((q) => ({
    questionId: q.id,
    type: q.type,
    topic: q.topic,
    response: right ? q.answer : [q.options.find((o) => o.id !== q.answer[0])?.id ?? ''],
    correct: right,
    expected: q.answer,
  }))
  return JSON.stringify(
    buildResultFile({
      attempt: {
        id: student,
        startedAt: '2026-03-01T08:00:00.000Z',
        finishedAt: '2026-03-01T08:10:00.000Z',
        seed: 4,
        packId: 'wk3',
        lang: 'en',
        answers,
        score: right ? answers.length : 0,
        total: answers.length,
      },
      questions,
      classCode: 'C1',
      student,
      packId: 'wk3',
    }),
  )
}

describe('ClassroomView', () => {
  it('refuses a broken pack with its line and field, imports a good one, and starts it for a student', async () => {
    const { w, fake } = await classroom()
    expect(w.get('[data-testid="classroom-student"]').text()).toContain('Import a pack first')
    await pick(w, 'pack-file', [{ name: 'wk3.yaml', text: PACK.replace('count: 2', 'count: -1') }])
    expect(w.get('[data-testid="pack-error"]').text()).toContain('wk3.yaml:6:')
    expect(w.get('[data-testid="pack-error"]').text()).toContain('generate.count')
    expect(fake.quiz.packs).toEqual([])

    await pick(w, 'pack-file', [{ name: 'wk3.yaml', text: PACK }])
    expect(w.get('[data-testid="pack-imported"]').text()).toContain('Week 3')
    expect(w.find('[data-testid="pack-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="classroom-student"]').text()).toMatch(
      /2 questions\s+· time limit 15 min/,
    )

    await w.get('form').trigger('submit')
    await flush()
    expect(w.get('[data-testid="student-problem"]').text()).toContain('class code')
    await w.get('[data-testid="student-class"]').setValue('C1')
    await w.get('[data-testid="student-name"]').setValue('  Ann  ')
    await w.get('form').trigger('submit')
    await flush()
    const quiz = useQuizStore()
    expect(quiz.phase).toBe('question')
    expect(quiz.mode).toEqual({
      kind: 'pack',
      packId: 'wk3',
      packTitle: { en: 'Week 3', zh: '第三周' },
      classCode: 'C1',
      student: 'Ann',
    })
    expect(quiz.deadline).not.toBeNull()
    expect(useSettingsStore().route.view).toBe('quiz')
    w.unmount()
  })

  it('imports result files into the gradebook and exports it as CSV', async () => {
    const { w } = await classroom()
    expect(w.get('[data-testid="gradebook-csv"]').attributes('disabled')).toBeDefined()
    await pick(w, 'results-file', [
      { name: 'ann.json', text: resultText('Ann', true) },
      { name: 'bob.json', text: resultText('Bob', false) },
      { name: 'cat.json', text: resultText('Cat', true) },
      { name: 'junk.json', text: '[1, 2' },
    ])
    expect(w.get('[data-testid="results-added"]').text()).toBe('3 new result files imported.')
    expect(w.get('[data-testid="results-problems"]').text()).toContain('junk.json')
    expect(w.findAll('[data-testid="gradebook-students"] tbody tr[data-student]')).toHaveLength(3)
    expect(w.get('[data-testid="gradebook-students"] tr[data-student="Bob"]').text()).toContain(
      '0/2',
    )
    const firstQuestion = w.findAll('[data-testid="gradebook-questions"] tbody tr')[0]
    expect(firstQuestion?.text()).toContain('2/3')
    expect(firstQuestion?.text()).toContain('1×')

    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob)
      return 'blob:test'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const clicked = vi
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined)
    await w.get('[data-testid="gradebook-csv"]').trigger('click')
    expect(clicked).toHaveBeenCalledTimes(1)
    const text = await created[0]?.text()
    expect(text?.startsWith('\uFEFFclass,student,pack')).toBe(true)
    expect(text?.split('\r\n').filter(Boolean)).toHaveLength(4)

    // Clearing asks first: keeping it changes nothing; clearing can be undone.
    await w.get('[data-testid="gradebook-clear"]').trigger('click')
    await flush()
    expect(w.get('[data-testid="clear-confirm"]').attributes('open')).toBeDefined()
    await w.get('[data-testid="clear-confirm"] [data-testid="confirm-cancel"]').trigger('click')
    await flush()
    expect(w.findAll('[data-testid="gradebook-students"] tbody tr[data-student]')).toHaveLength(3)
    await w.get('[data-testid="gradebook-clear"]').trigger('click')
    await w.get('[data-testid="clear-confirm"] [data-testid="confirm-ok"]').trigger('click')
    await flush()
    expect(w.find('[data-testid="gradebook-students"]').exists()).toBe(false)
    expect(w.get('[data-testid="gradebook-cleared"]').text()).toContain('3 files')
    await w.get('[data-testid="gradebook-undo"]').trigger('click')
    await flush()
    expect(w.findAll('[data-testid="gradebook-students"] tbody tr[data-student]')).toHaveLength(3)
    w.unmount()
  })
})
