import { describe, expect, it } from 'vitest'
import { formatTraceLines } from '../../shared/trace-text'
import { RECORDED } from './fixtures/index'

describe('formatTraceLines from a time', () => {
  const r = RECORDED['peer.crash-fin']!

  it('from time 0 it is the whole trace, like the CLI prints it', () => {
    expect(formatTraceLines(r, undefined, 0)).toEqual(formatTraceLines(r))
  })

  it('later, only what happened from then on, plus the end line', () => {
    const lines = formatTraceLines(r, undefined, 150)
    expect(lines.some((l) => /connect/.test(l))).toBe(false)
    expect(lines.some((l) => /send\(\)\s+= -1 EPIPE/.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/end: client CLOSED/)
  })

  it('keeps a call that is still blocked: it is where the student is now', () => {
    const s = RECORDED['handshake.synack-lost']!
    const lines = formatTraceLines(s, undefined, 5000)
    expect(lines.some((l) => /accept\(\)\s+\.\.\. still blocked/.test(l))).toBe(true)
  })
})
