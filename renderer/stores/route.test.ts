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
  ])('%s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route)
  })

  it('round-trips', () => {
    const route = { view: 'lab' as const, caseId: 'peer.crash-fin' }
    expect(parseHash(formatHash(route))).toEqual(route)
    expect(formatHash({ view: 'classroom' })).toBe('#/classroom')
  })
})
