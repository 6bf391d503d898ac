import { describe, expect, it } from 'vitest'
import { DEFAULT_PORT, parseWebArgs, rendererDir } from './args'
import { browserCommand } from './open-browser'

describe('browser-mode command line', () => {
  it('parses --port and --no-open, and names bad input', () => {
    expect(parseWebArgs([])).toEqual({ port: DEFAULT_PORT, open: true })
    expect(parseWebArgs(['--port', '0', '--no-open'])).toEqual({ port: 0, open: false })
    expect(parseWebArgs(['--port', 'abc'])).toMatch(/--port needs a number/)
    expect(parseWebArgs(['--prot', '1'])).toMatch(/Unknown option "--prot"/)
  })

  it('finds the built renderer from source and from the bundle', () => {
    expect(rendererDir('file:///repo/main/web/index.ts')).toBe('/repo/out/renderer')
    expect(rendererDir('file:///repo/out/main/web.js')).toBe('/repo/out/renderer')
  })

  it('opens a browser only where there is a desktop', () => {
    expect(browserCommand('linux', {})).toEqual({ reason: expect.stringContaining('DISPLAY') })
    expect(browserCommand('linux', { DISPLAY: ':0' })).toEqual({ command: 'xdg-open', args: [] })
    expect(browserCommand('darwin', { CI: 'true' })).toEqual({ reason: 'running under CI' })
  })
})
