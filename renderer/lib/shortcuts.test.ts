import { describe, expect, it } from 'vitest'
import { isTyping, shortcutFor, type KeyLike } from './shortcuts'

function key(
  k: string,
  target: EventTarget | null = document.body,
  mods: Partial<KeyLike> = {},
): KeyLike {
  return { key: k, ctrlKey: false, metaKey: false, altKey: false, target, ...mods }
}

describe('shortcuts', () => {
  it('maps keys on the page to actions', () => {
    expect(shortcutFor(key(' '))).toBe('play')
    expect(shortcutFor(key('ArrowRight'))).toBe('forward')
    expect(shortcutFor(key(','))).toBe('back')
    expect(shortcutFor(key('3'))).toBe('speed-instant')
    expect(shortcutFor(key('?'))).toBe('help')
    expect(shortcutFor(key('Enter', document.body, { ctrlKey: true }))).toBe('run')
    expect(shortcutFor(key('x'))).toBeNull()
  })

  it('leaves typing alone: text fields, the editor and the terminal', () => {
    const input = document.createElement('input')
    const area = document.createElement('textarea')
    const term = document.createElement('div')
    term.className = 'xterm'
    const inner = document.createElement('textarea')
    term.append(inner)
    document.body.append(input, area, term)
    for (const el of [input, area, inner]) {
      expect(isTyping(el)).toBe(true)
      expect(shortcutFor(key('r', el))).toBeNull()
    }
    // Escape still cancels a run from anywhere.
    expect(shortcutFor(key('Escape', inner))).toBe('cancel')
  })

  it('keeps arrows and Space for the control that has focus', () => {
    const range = document.createElement('input')
    range.type = 'range'
    document.body.append(range)
    expect(isTyping(range)).toBe(false)
    expect(shortcutFor(key('ArrowRight', range))).toBeNull()
    expect(shortcutFor(key(' ', document.createElement('button')))).toBeNull()
    expect(shortcutFor(key('.', range))).toBe('forward')
  })
})
