import { describe, expect, it } from 'vitest'
import { ERRNO_NAMES, ERRNO_SYSTEMS, errnoOn, isErrnoName } from '../../shared/errno'
import { ERRNO_GLOSS_ZH } from './errno-gloss'
import { genericErrno } from './explain'
import { englishRuns, zhStyleProblems } from './zh-check'

describe('the Chinese gloss of an OS’s error message', () => {
  it('covers every errno name the lab can report, and nothing else', () => {
    expect(Object.keys(ERRNO_GLOSS_ZH).sort()).toEqual([...ERRNO_NAMES].sort())
  })

  it.each(ERRNO_NAMES)('%s: Chinese, in the house style, without brackets', (name) => {
    const gloss = ERRNO_GLOSS_ZH[name]
    expect(gloss).toMatch(/^[\u3400-\u9fff]/)
    expect(englishRuns(gloss)).toEqual([])
    expect(zhStyleProblems(gloss)).toEqual([])
    // The trace puts the gloss in brackets itself: "= -1 EPIPE 32（管道已断开）".
    expect(gloss).not.toMatch(/[()（）]/)
  })

  it('says different things for different errors', () => {
    const glosses = Object.values(ERRNO_GLOSS_ZH)
    expect(new Set(glosses).size).toBe(glosses.length)
  })

  it('is found for every name an OS spells an error with (WSAETIMEDOUT is ETIMEDOUT)', () => {
    for (const system of ERRNO_SYSTEMS)
      for (const name of ERRNO_NAMES) {
        const entry = errnoOn(system, name)
        if (!entry) continue
        // Winsock spells two errors WSAEWOULDBLOCK: the generic name found is one of them.
        const generic = genericErrno(entry.name)
        expect(isErrnoName(generic), `${system} ${entry.name}`).toBe(true)
        if (!isErrnoName(generic)) continue
        expect(errnoOn(system, generic)?.name).toBe(entry.name)
        expect(ERRNO_GLOSS_ZH[generic]).toBeTruthy()
      }
  })
})
