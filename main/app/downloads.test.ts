import { describe, expect, it } from 'vitest'
import { isPageDownload } from './downloads'
import { APP_ORIGIN } from './sender'

const dev = { protocol: 'http:', host: 'localhost:5173' }

describe('isPageDownload', () => {
  it('allows blobs the app page made, and nothing else', () => {
    expect(
      isPageDownload('blob:app://lab/5b1c0e6e-0000-4000-8000-000000000000', [APP_ORIGIN]),
    ).toBe(true)
    expect(isPageDownload('blob:http://localhost:5173/abc', [APP_ORIGIN, dev])).toBe(true)
    expect(isPageDownload('blob:http://localhost:5173/abc', [APP_ORIGIN])).toBe(false)
    expect(isPageDownload('blob:https://evil.example/abc', [APP_ORIGIN])).toBe(false)
    expect(isPageDownload('https://evil.example/file.exe', [APP_ORIGIN])).toBe(false)
    expect(isPageDownload('app://lab/index.html', [APP_ORIGIN])).toBe(false)
    expect(isPageDownload('blob:', [APP_ORIGIN])).toBe(false)
  })
})
