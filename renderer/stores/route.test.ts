import { describe, expect, it } from 'vitest'
import { formatHash, parseHash } from './route'

describe('hash routes', () => {
  it.each([
    ['', { view: 'lab' }],
    ['#/', { view: 'lab' }],
    ['#/lab', { view: 'lab' }],
    ['#/lab/connect.refused', { view: 'lab', caseId: 'connect.refused' }],
    ['#/quiz', { view: 'quiz' }],
    ['#/summary/ignored', { view: 'summary' }],
    ['#/nowhere', { view: 'lab' }],
    ['#/sheet/peer.close', { view: 'sheet', caseId: 'peer.close' }],
    ['#/sheet/peer.close?profile=macos', { view: 'sheet', caseId: 'peer.close', profile: 'macos' }],
    // A sheet is of a case: without one, the Lab.
    ['#/sheet', { view: 'lab' }],
  ])('%s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route)
  })

  it('reads a deep link’s backend, profile and run flag, ignoring unknown values', () => {
    expect(parseHash('#/lab/peer.crash-fin?backend=kernel&profile=windows&run')).toEqual({
      view: 'lab',
      caseId: 'peer.crash-fin',
      backend: 'kernel',
      profile: 'windows',
      run: true,
    })
    expect(parseHash('#/lab/x?backend=nope&profile=beos')).toEqual({ view: 'lab', caseId: 'x' })
    const link = { view: 'lab' as const, caseId: 'a.b', backend: 'sim' as const, run: true }
    expect(formatHash(link)).toBe('#/lab/a.b?backend=sim&run')
    expect(parseHash(formatHash(link))).toEqual(link)
  })

  it('round-trips', () => {
    const route = { view: 'lab' as const, caseId: 'peer.crash-fin' }
    expect(parseHash(formatHash(route))).toEqual(route)
    expect(formatHash({ view: 'classroom' })).toBe('#/classroom')
  })
})
