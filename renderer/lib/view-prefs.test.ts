import { describe, expect, it } from 'vitest'
import { initialLayout, LAYOUT_KEYS, setShellOpen, setSideOpen, viewPrefs } from './view-prefs'

describe('view prefs: the room the diagrams get', () => {
  it('starts with the shell and the case list closed where the window is small', () => {
    expect(initialLayout({ width: 1024, height: 700 })).toEqual({
      shellOpen: false,
      sideOpen: false,
    })
    expect(initialLayout({ width: 1280, height: 720 })).toEqual({
      shellOpen: false,
      sideOpen: true,
    })
    expect(initialLayout({ width: 1400, height: 900 })).toEqual({
      shellOpen: true,
      sideOpen: true,
    })
  })

  it('keeps what the student chose, whatever the window', () => {
    expect(initialLayout({ width: 1024, height: 700 }, { shell: true, side: true })).toEqual({
      shellOpen: true,
      sideOpen: true,
    })
    expect(initialLayout({ width: 1920, height: 1080 }, { shell: false })).toEqual({
      shellOpen: false,
      sideOpen: true,
    })
  })

  it('remembers a choice once it is made', () => {
    setShellOpen(false)
    setSideOpen(false)
    expect(viewPrefs.shellOpen).toBe(false)
    expect(localStorage.getItem(LAYOUT_KEYS.shell)).toBe('false')
    expect(localStorage.getItem(LAYOUT_KEYS.side)).toBe('false')
    setShellOpen(true)
    setSideOpen(true)
    expect(localStorage.getItem(LAYOUT_KEYS.shell)).toBe('true')
  })
})
