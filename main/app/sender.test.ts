import { describe, expect, it } from 'vitest'
import { APP_ORIGIN, createSenderCheck, devOrigin, isTrustedUrl } from './sender'

describe('isTrustedUrl', () => {
  const trusted = [APP_ORIGIN, { protocol: 'http:', host: 'localhost:5173' }]

  it.each([
    ['app://lab/index.html', true],
    ['app://lab/quiz?x=1#y', true],
    ['http://localhost:5173/', true],
    ['app://lab.evil/index.html', false],
    ['app://evil/index.html', false],
    ['https://lab/index.html', false],
    ['http://localhost:5174/', false],
    ['http://localhost/', false],
    ['file:///work/out/renderer/index.html', false],
    ['about:blank', false],
    ['data:text/html,hi', false],
    ['', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isTrustedUrl(url, trusted)).toBe(expected)
  })
})

describe('devOrigin', () => {
  it('takes scheme and host (with port) of an http dev server URL', () => {
    expect(devOrigin('http://localhost:5173/index.html')).toEqual({
      protocol: 'http:',
      host: 'localhost:5173',
    })
  })

  it('refuses anything that is not http(s)', () => {
    expect(devOrigin('file:///index.html')).toBeUndefined()
    expect(devOrigin('javascript:alert(1)')).toBeUndefined()
    expect(devOrigin('')).toBeUndefined()
  })
})

describe('createSenderCheck', () => {
  const check = createSenderCheck([APP_ORIGIN])
  const top = { url: 'app://lab/index.html', parent: null }

  it('accepts the top frame of the app page', () => {
    expect(check({ senderFrame: top })).toBe(true)
  })

  it('refuses a gone frame, a detached frame, a subframe and a foreign page', () => {
    expect(check({ senderFrame: null })).toBe(false)
    expect(check({ senderFrame: { ...top, detached: true } })).toBe(false)
    expect(check({ senderFrame: { url: 'app://lab/index.html', parent: top } })).toBe(false)
    expect(check({ senderFrame: { url: 'https://example.com/', parent: null } })).toBe(false)
  })
})
