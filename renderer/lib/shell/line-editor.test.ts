import { describe, expect, it } from 'vitest'
import { completions } from './commands'
import { commonPrefix, LineEditor, render } from './line-editor'

function typed(editor: LineEditor, text: string): void {
  for (const ch of text) editor.key(ch)
}

describe('LineEditor', () => {
  it('edits in the middle of the line', () => {
    const e = new LineEditor()
    typed(e, 'sed 5')
    e.key('\x1b[H')
    e.key('\x1b[C')
    typed(e, 'e')
    expect(e.text).toBe('seed 5')
    e.key('\x7f')
    expect(e.text).toBe('sed 5')
    e.key('\x1b[F')
    expect(e.cursor).toBe(5)
    expect(render('> ', e)).toBe('\r\x1b[2K> sed 5')
    e.key('\x1b[D')
    expect(render('> ', e)).toBe('\r\x1b[2K> sed 5\x1b[1D')
  })

  it('submits, remembers and recalls lines', () => {
    const e = new LineEditor()
    typed(e, 'connect')
    expect(e.key('\r')).toEqual({ kind: 'submit', line: 'connect' })
    typed(e, 'send 5')
    e.key('\r')
    typed(e, 'dra')
    e.key('\x1b[A')
    expect(e.text).toBe('send 5')
    e.key('\x1b[A')
    expect(e.text).toBe('connect')
    e.key('\x1b[B')
    e.key('\x1b[B')
    expect(e.text).toBe('dra')
    expect(e.key('\x03')).toEqual({ kind: 'cancel' })
    expect(e.text).toBe('')
  })

  it('completes commands and arguments with Tab', () => {
    const e = new LineEditor(completions)
    typed(e, 'shu')
    e.key('\t')
    expect(e.text).toBe('shutdown ')
    typed(e, 'r')
    const r = e.key('\t')
    expect(r).toEqual({ kind: 'complete', options: ['rd', 'rdwr'] })
    expect(e.text).toBe('shutdown rd')
    expect(completions(['server'], 'cr')).toEqual(['crash'])
    expect(completions(['drop'], 'SYN')).toEqual(['SYN', 'SYN-ACK'])
    expect(commonPrefix(['abc', 'abd'])).toBe('ab')
  })

  it('takes only the first line of a paste and drops control characters', () => {
    const e = new LineEditor()
    e.key('send 5\nrm -rf')
    expect(e.text).toBe('send 5')
  })
})
