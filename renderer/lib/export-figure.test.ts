import { describe, expect, it } from 'vitest'
import { wrapLine } from './export-figure'
import { splitHeadline } from './segment-label'

describe('export text never cut', () => {
  it('wraps a long line at spaces', () => {
    const lines = wrapLine(
      'Legend: solid arrow = segment, dashed = retransmission, ✕ = dropped',
      30,
    )
    expect(lines.every((l) => l.length <= 30)).toBe(true)
    expect(lines.join(' ')).toBe(
      'Legend: solid arrow = segment, dashed = retransmission, ✕ = dropped',
    )
  })

  it('wraps a long call label beside its lifeline instead of letting the edge cut it', () => {
    const lines = splitHeadline('abort()  /* SO_LINGER {1,0} + close */ = 0', 16)
    expect(lines.every((l) => l.length <= 16)).toBe(true)
    expect(lines.at(-1)).toBe('= 0')
    expect(lines.join(' ')).toBe('abort() /* SO_LINGER {1,0} + close */ = 0')
  })
})
