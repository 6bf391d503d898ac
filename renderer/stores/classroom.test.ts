import { describe, expect, it } from 'vitest'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from '../../shared/program-report.fixture'
import { packQuiz, parsePack } from '../../shared/quiz/pack'
import { QUIZ_PROOF } from '../lib/fixtures/index'
import { createFakeLab, errorResult, storeContext } from '../testing/fake-lab'
import { BATCH_BYTES, batches, MAX_FILE_BYTES, useClassroomStore } from './classroom'
import { useQuizStore } from './quiz'

describe('batches', () => {
  it('keeps each batch under the frame budget, a large file alone, the order kept', () => {
    const f = (name: string, size: number) => ({ name, text: 'x'.repeat(size) })
    const files = [
      f('a', 300_000),
      f('b', 300_000),
      f('c', 300_000),
      f('d', BATCH_BYTES + 1),
      f('e', 1),
    ]
    expect(batches(files).map((b) => b.map((x) => x.name))).toEqual([
      ['a', 'b'],
      ['c'],
      ['d'],
      ['e'],
    ])
    expect(batches([])).toEqual([])
    // Counted in UTF-8 bytes, as the socket carries them: 300,000 Chinese characters are 900 KB.
    const zh = { name: 'zh', text: '汉'.repeat(300_000) }
    expect(batches([zh, f('x', 1)]).map((b) => b.map((x) => x.name))).toEqual([['zh'], ['x']])
  })
})

describe('useClassroomStore', () => {
  it('sends many result files in several calls and adds up what they did', async () => {
    const fake = createFakeLab()
    storeContext(fake)
    const classroom = useClassroomStore()
    const calls: number[] = []
    const original = fake.classImportResults
    fake.classImportResults = (files) => {
      calls.push(files.length)
      return original(files)
    }
    const junk = Array.from({ length: 5 }, (_, i) => ({
      name: `f${i}.json`,
      text: 'y'.repeat(300_000),
    }))
    await classroom.importResults(junk)
    expect(calls).toEqual([2, 2, 1])
    expect(classroom.lastAdded).toBe(0)
    expect(classroom.resultProblems.map((p) => p.file)).toEqual(junk.map((j) => j.name))
    expect(classroom.busy).toBe(false)
  })

  it('puts program-lab reports back, with the result files, when a clear is undone', async () => {
    const fake = createFakeLab({
      quiz: {
        programs: [
          { report: sampleReport('Ann', ROBUST_CASES), origin: 'folder' },
          { report: sampleReport('Bob', NAIVE_CASES), origin: 'file' },
        ],
      },
    })
    storeContext(fake)
    const classroom = useClassroomStore()
    await classroom.loadGradebook()
    await classroom.clearResults()
    expect(classroom.book?.programs).toEqual([])
    expect(classroom.cleared).toHaveLength(2)
    await classroom.undoClear()
    expect(classroom.book?.gradebook.programs.students.map((s) => [s.student, s.passed])).toEqual([
      ['Ann', 3],
      ['Bob', 0],
    ])
    expect(classroom.resultProblems).toEqual([])
  })

  it('refuses a file too large for one frame before sending it', async () => {
    const fake = createFakeLab()
    storeContext(fake)
    const classroom = useClassroomStore()
    const big = { name: 'huge.json', text: 'z'.repeat(MAX_FILE_BYTES + 1) }
    expect(await classroom.importPack({ name: 'huge.yaml', text: big.text })).toBe(false)
    expect(classroom.importError).toContain('huge.yaml is 901 KB')
    await classroom.importResults([big])
    expect(classroom.resultProblems).toEqual([
      { file: 'huge.json', message: expect.stringContaining('up to 900 KB') },
    ])
  })

  it('says which pack is missing rather than starting nothing', async () => {
    storeContext(createFakeLab())
    const classroom = useClassroomStore()
    expect(await classroom.startPack('nope', { classCode: 'C', student: 'S' })).toContain(
      'no imported pack',
    )
    expect(await classroom.startPack('nope', { classCode: ' ', student: 'S' })).toBe('classCode')
    expect(await classroom.startPack('nope', { classCode: 'C', student: '' })).toBe('student')
  })

  it('starts a pack with questions proved against the simulator’s runs, or not at all', async () => {
    const text = `pack: 1
id: wk4
title: { en: Week 4, zh: 第四周 }
seed: 12
generate: { count: 4, types: [cause-to-result, state] }
`
    const record = {
      id: 'wk4',
      title: { en: 'Week 4', zh: '第四周' },
      source: text,
      importedAt: '',
    }
    const fake = createFakeLab({
      quiz: { packs: [record] },
      quizProof: errorResult('internal', 'the lab server went away'),
    })
    storeContext(fake)
    const classroom = useClassroomStore()
    await classroom.loadPacks()
    const entry = { classCode: 'C1', student: 'Ann' }
    expect(await classroom.startPack('wk4', entry)).toBe('proof')
    expect(useQuizStore().phase).toBe('setup')
    fake.quizProof = async () => ({ ok: true, value: QUIZ_PROOF })
    expect(await classroom.startPack('wk4', entry)).toBeNull()
    const parsed = parsePack(text)
    if (!parsed.ok) throw new Error(parsed.message)
    const expected = packQuiz(parsed.pack, undefined, QUIZ_PROOF).questions
    expect(expected).toHaveLength(4)
    expect(useQuizStore().questions).toEqual(expected)
  })
})
