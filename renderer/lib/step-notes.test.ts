import { describe, expect, it, vi } from 'vitest'
import { articleSection } from '../../shared/article'
import type { StepResult } from '../../shared/lab-result'
import { MissingNoteParameterError } from './note-text'
import type { PlacedNote } from './explain'
import { stepNotes } from './step-notes'

const STEP: StepResult = {
  index: 1,
  actor: 'client',
  op: 'connect',
  startMs: 0,
  endMs: 3010,
  outcome: 'returned',
  ret: -1,
  errno: 'ETIMEDOUT',
  errnoNumber: 110,
  message: 'Connection timed out',
}

const placed = (key: PlacedNote['key'], params: PlacedNote['params'] = {}): PlacedNote => ({
  at: 0,
  key,
  params,
  step: 1,
})

describe('the notes of a step’s card', () => {
  it('renders the step’s notes and those placed on it once each, with their sections', () => {
    const { teaching, lab } = stepNotes({ ...STEP, notes: ['syn-give-up'] }, 'en', {
      profile: 'linux',
      noteParams: { 'syn-give-up': { s: 3, n: 1 } },
      placed: [placed('syn-give-up', { s: 9, n: 9 }), placed('syn-retransmit', { n: 1, nextS: 2 })],
    })
    expect(teaching.map((n) => n.key)).toEqual(['syn-give-up', 'syn-retransmit'])
    expect(lab).toEqual([])
    // The step's own note event's values come first; the errno is the step's.
    expect(teaching[0]!.text).toContain('After 3 s and 1 SYN retransmission(s)')
    expect(teaching[0]!.text).toContain('connect() fails with ETIMEDOUT')
    // A placed note's values are its own.
    expect(teaching[1]!.text).toContain('retransmission 1; the next timeout is 2 s')
    expect(teaching[0]!.ref).toBe(articleSection('establish.3.2').ref)
  })

  it('words a note for the run’s profile and language', () => {
    const notes = (lang: 'en' | 'zh') =>
      stepNotes({ ...STEP, errno: 'WSAETIMEDOUT', notes: ['syn-give-up'] }, lang, {
        profile: 'windows',
        noteParams: { 'syn-give-up': { s: 21, n: 4 } },
      }).teaching[0]!.text
    expect(notes('en')).toContain('WSAETIMEDOUT')
    expect(notes('zh')).toContain('connect() 以 WSAETIMEDOUT 失败')
  })

  it('keeps the kernel lab’s notes about itself apart, without a section', () => {
    const { teaching, lab } = stepNotes(
      { ...STEP, op: 'send', errno: 'EPIPE', notes: ['kernel.sigpipe-handled', 'sigpipe'] },
      'zh',
      { profile: 'linux' },
    )
    expect(teaching.map((n) => n.key)).toEqual(['sigpipe'])
    expect(lab.map((n) => n.key)).toEqual(['kernel.sigpipe-handled'])
    expect(lab[0]!.text).toContain('SIGPIPE')
    expect(lab[0]!.ref).toBeNull()
  })

  it('leaves out keys the notes catalogue does not know', () => {
    const { teaching, lab } = stepNotes({ ...STEP, notes: ['no-such-note'] }, 'en', {})
    expect([...teaching, ...lab]).toEqual([])
  })

  it('refuses, when strict, a note whose values nobody gave', () => {
    const step = { ...STEP, notes: ['syn-give-up'] }
    expect(() => stepNotes(step, 'en', { profile: 'linux', strict: true })).toThrow(
      MissingNoteParameterError,
    )
    // In the app the gap reads "…", never "{s}", and the error is logged.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const shown = stepNotes(step, 'en', { profile: 'linux', strict: false }).teaching[0]!.text
    expect(shown).not.toMatch(/\{\w+\}/)
    expect(shown).toContain('…')
    expect(logged).toHaveBeenCalledWith(expect.any(MissingNoteParameterError))
    logged.mockRestore()
  })
})
