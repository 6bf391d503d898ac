import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from './csp'

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/)
      return [name, values]
    }),
  )
}

describe('contentSecurityPolicy', () => {
  const app = directives(contentSecurityPolicy({ kind: 'app' }))

  it('allows scripts only from the app itself: nothing inline, nothing evaluated', () => {
    expect(app.get('script-src')).toEqual(["'self'"])
    expect(app.get('default-src')).toEqual(["'none'"])
    for (const values of app.values()) {
      expect(values).not.toContain("'unsafe-eval'")
      expect(values).not.toContain('*')
    }
  })

  it('shuts plugins, framing, base rewriting and form posts', () => {
    for (const name of ['object-src', 'frame-src', 'frame-ancestors', 'base-uri', 'form-action']) {
      expect(app.get(name), name).toEqual(["'none'"])
    }
  })

  it('lets the packaged window connect to nothing but its own files', () => {
    expect(app.get('connect-src')).toEqual(["'self'"])
  })

  it('adds only the dev server WebSocket in development', () => {
    const dev = directives(
      contentSecurityPolicy({ kind: 'dev', devOrigin: 'http://localhost:5173' }),
    )
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173'])
    expect(dev.get('script-src')).toEqual(["'self'"])
  })
})
