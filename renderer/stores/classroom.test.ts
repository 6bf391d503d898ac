import { describe, expect, it } from 'vitest'
import { createFakeLab, storeContext } from '../testing/fake-lab'
import { BATCH_BYTES, batches, MAX_FILE_BYTES, useClassroomStore } from './classroom'

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

  it('says which pack is missing rather than starting nothing', () => {
    storeContext(createFakeLab())
    const classroom = useClassroomStore()
    expect(classroom.startPack('nope', { classCode: 'C', student: 'S' })).toContain(
      'no imported pack',
    )
    expect(classroom.startPack('nope', { classCode: ' ', student: 'S' })).toBe('classCode')
    expect(classroom.startPack('nope', { classCode: 'C', student: '' })).toBe('student')
  })
})
