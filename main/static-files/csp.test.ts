import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, cspDirectives, type CspDelivery } from './csp'

const HEADERS: CspDelivery[] = [
  { kind: 'desktop' },
  { kind: 'desktop-dev', devOrigin: 'http://localhost:5173' },
  { kind: 'browser', port: 47100 },
]

function directives(delivery: CspDelivery): Map<string, readonly string[]> {
  return new Map(cspDirectives(delivery))
}

/** The meta CSP of renderer/index.html, as the file has it. */
function metaPolicyOfIndexHtml(): string {
  const html = readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)))
    .toString('utf8')
    .replace(/\s+/g, ' ')
  const tag = /<meta http-equiv="Content-Security-Policy" content="([^"]*)" ?\/?>/i.exec(html)
  if (!tag?.[1]) throw new Error('renderer/index.html has no Content-Security-Policy meta tag')
  return tag[1]
}

/** Whether the meta source `wide` allows everything the header source `narrow` allows. */
function covers(wide: string, narrow: string): boolean {
  if (wide === narrow) return true
  const port = /^(ws:\/\/[^:/]+):\*$/.exec(wide)
  return port !== null && new RegExp(`^${port[1]?.replace(/\./g, '\\.')}:\\d+$`).test(narrow)
}

describe('contentSecurityPolicy', () => {
  it('is what renderer/index.html carries in its meta tag', () => {
    expect(metaPolicyOfIndexHtml()).toBe(contentSecurityPolicy({ kind: 'meta' }))
  })

  it.each(HEADERS)('never lets a header allow what the meta policy blocks: %o', (delivery) => {
    // Both policies apply to a page served with a header, so a source only the header names
    // would still be blocked by the meta tag.
    const meta = directives({ kind: 'meta' })
    for (const [name, sources] of directives(delivery)) {
      if (name === 'frame-ancestors') continue
      for (const source of sources) {
        expect(
          meta.get(name)?.some((wide) => covers(wide, source)),
          `${name} ${source}`,
        ).toBe(true)
      }
    }
  })

  it.each(HEADERS)(
    'differs from the meta policy only in connect-src and frame-ancestors: %o',
    (d) => {
      const header = directives(d)
      const meta = directives({ kind: 'meta' })
      for (const [name, sources] of meta) {
        if (name !== 'connect-src') expect(header.get(name), name).toEqual(sources)
      }
      expect([...header.keys()].filter((name) => !meta.has(name))).toEqual(['frame-ancestors'])
    },
  )

  it('allows scripts only from the app itself: nothing inline, nothing evaluated, no wildcard host', () => {
    for (const delivery of [...HEADERS, { kind: 'meta' } as const]) {
      const d = directives(delivery)
      expect(d.get('default-src')).toEqual(["'none'"])
      expect(d.get('script-src')).toEqual(["'self'"])
      for (const sources of d.values()) {
        expect(sources).not.toContain("'unsafe-eval'")
        expect(sources).not.toContain('*')
        expect(sources.filter((s) => s.startsWith('http'))).toEqual([])
      }
    }
  })

  it('shuts plugins, frames, workers, base rewriting and form posts; headers forbid framing', () => {
    for (const delivery of HEADERS) {
      const d = directives(delivery)
      for (const name of [
        'object-src',
        'frame-src',
        'worker-src',
        'base-uri',
        'form-action',
        'frame-ancestors',
      ]) {
        expect(d.get(name), name).toEqual(["'none'"])
      }
    }
    expect(directives({ kind: 'meta' }).has('frame-ancestors')).toBe(false)
  })

  it('opens connect-src exactly as far as each delivery talks', () => {
    expect(directives({ kind: 'desktop' }).get('connect-src')).toEqual(["'self'"])
    expect(
      directives({ kind: 'desktop-dev', devOrigin: 'http://localhost:5173' }).get('connect-src'),
    ).toEqual(["'self'", 'ws://localhost:5173'])
    expect(directives({ kind: 'browser', port: 47123 }).get('connect-src')).toEqual([
      "'self'",
      'ws://127.0.0.1:47123',
      'ws://localhost:47123',
    ])
  })

  it('writes directives as "name sources; name sources"', () => {
    expect(contentSecurityPolicy({ kind: 'desktop' })).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src data:; " +
        "connect-src 'self'; object-src 'none'; frame-src 'none'; worker-src 'none'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
  })
})
