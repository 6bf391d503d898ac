import { describe, expect, it } from 'vitest'
import { RECORDED } from './fixtures/index'
import { advance, seek, setSpeed, startState, stepBack, stepForward, togglePlay } from './playback'
import { TraceIndex } from './trace-index'

const timeout = RECORDED['connect.timeout']!
const index = new TraceIndex(timeout.events)

describe('playback', () => {
  it('plays in real time: after 1.5 s of wall time only the first SYNs are shown', () => {
    let s = startState('real')
    s = advance(s, index, 1500, true)
    expect(s.cursorMs).toBe(1500)
    expect(s.shown).toBe(index.countAt(1500))
    expect(s.shown).toBeLessThan(index.length)
    expect(s.playing).toBe(true)
  })

  it('x10 is ten times faster and stops at the end of a finished run', () => {
    let s = startState('x10')
    s = advance(s, index, 150, true)
    expect(s.cursorMs).toBe(1500)
    s = advance(s, index, 10_000, true)
    expect(s.shown).toBe(index.length)
    expect(s.cursorMs).toBe(timeout.durationMs)
    expect(s.playing).toBe(false)
  })

  it('instant shows everything, and keeps following a run that is still streaming', () => {
    const live = new TraceIndex(timeout.events.slice(0, 3))
    let s = advance(startState('instant'), live, 0, false)
    expect(s.shown).toBe(3)
    expect(s.playing).toBe(true)
    live.extend(timeout.events)
    s = advance(s, live, 0, true)
    expect(s.shown).toBe(timeout.events.length)
    expect(s.playing).toBe(false)
  })

  it('steps, scrubs and replays', () => {
    let s = startState('real', false)
    s = stepForward(s, index)
    s = stepForward(s, index)
    expect(s.shown).toBe(2)
    s = stepBack(s, index)
    expect(s.shown).toBe(1)
    expect(s.cursorMs).toBe(index.timeOf(1))
    s = seek(s, index, 1e6)
    expect(s.shown).toBe(index.length)
    expect(s.playing).toBe(false)
    // Play at the end starts over.
    s = togglePlay(s, index, true)
    expect(s).toMatchObject({ shown: 0, cursorMs: 0, playing: true })
    s = togglePlay(s, index, true)
    expect(s.playing).toBe(false)
  })

  it('switching to instant while playing jumps to the end', () => {
    const s = setSpeed({ ...startState('real'), shown: 1 }, index, 'instant')
    expect(s.shown).toBe(index.length)
  })

  it('does nothing while paused', () => {
    const s = { ...startState('real'), playing: false }
    expect(advance(s, index, 1000, true)).toBe(s)
  })
})
