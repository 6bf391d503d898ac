import { describe, expect, it } from 'vitest'
import { aboutText } from './about'

const facts = {
  appName: 'Socket Anomaly Lab',
  version: '1.2.3',
  electron: '45.4.1',
  chrome: '140.0.0.0',
  node: '22.20.0',
  platform: 'linux',
  arch: 'x64',
}

describe('aboutText', () => {
  it.each(['en', 'zh'] as const)('names the version and every runtime (%s)', (language) => {
    const text = aboutText(facts, language)
    expect(text.message).toBe('Socket Anomaly Lab 1.2.3')
    for (const part of ['Electron 45.4.1', 'Chromium 140.0.0.0', 'Node.js 22.20.0', 'linux x64']) {
      expect(text.detail).toContain(part)
    }
  })

  it('speaks the menu language', () => {
    expect(aboutText(facts, 'zh').title).toBe('关于 Socket Anomaly Lab')
    expect(aboutText(facts, 'en').title).toBe('About Socket Anomaly Lab')
  })
})
