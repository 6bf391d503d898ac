import { describe, expect, it } from 'vitest'
import { secureWebPreferences } from './web-preferences'

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the page and gives it no Node', () => {
    const prefs = secureWebPreferences({ preload: '/app/out/preload/index.cjs', devTools: false })
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      devTools: false,
    })
  })

  it('enables DevTools only when asked (development)', () => {
    expect(secureWebPreferences({ preload: '/p.cjs', devTools: true }).devTools).toBe(true)
  })
})
