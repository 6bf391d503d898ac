import { describe, expect, it } from 'vitest'
import { createFakeLab } from '../testing/fake-lab'
import { resolveLabApi } from './index'

describe('resolveLabApi', () => {
  it('uses the preload’s window.lab in Electron', () => {
    const lab = createFakeLab()
    const win = { lab, location: { host: 'x', protocol: 'app:' } } as unknown as Window
    expect(resolveLabApi(win)).toBe(lab)
  })

  it('falls back to the WebSocket client of the page’s own server in a browser', () => {
    const opened: string[] = []
    const original = globalThis.WebSocket
    // A stand-in that records the URL instead of connecting anywhere.
    globalThis.WebSocket = class {
      readyState = 0
      constructor(url: string) {
        opened.push(url)
      }
      close() {}
    } as unknown as typeof WebSocket
    try {
      const win = { location: { host: '127.0.0.1:47123', protocol: 'http:' } } as unknown as Window
      const api = resolveLabApi(win) as ReturnType<typeof resolveLabApi> & { dispose(): void }
      expect(opened).toEqual(['ws://127.0.0.1:47123/lab'])
      expect(api.connectionState).toBe('connecting')
      api.dispose()
    } finally {
      globalThis.WebSocket = original
    }
  })
})
