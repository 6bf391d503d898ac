import { join, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { contentType, resolveRendererPath, responseHeaders } from './renderer-files'

const root = resolve('/srv/renderer')

function fileOf(path: string): string | undefined {
  const target = resolveRendererPath(root, path)
  return target.kind === 'file' ? target.file : undefined
}

describe('resolveRendererPath', () => {
  it('maps paths to files below the renderer folder, / to index.html', () => {
    expect(fileOf('/')).toBe(join(root, 'index.html'))
    expect(fileOf('/index.html')).toBe(join(root, 'index.html'))
    expect(fileOf('/assets/index-abc.js?v=1')).toBe(join(root, 'assets', 'index-abc.js'))
    expect(fileOf('/assets/index-abc.js#top')).toBe(join(root, 'assets', 'index-abc.js'))
    expect(fileOf('/assets//a%20b.css')).toBe(join(root, 'assets', 'a b.css'))
    expect(fileOf('/%E4%B8%AD.txt')).toBe(join(root, '中.txt'))
  })

  it('has no fallback: any other path names its own file (the server answers 404 if absent)', () => {
    expect(fileOf('/quiz')).toBe(join(root, 'quiz'))
    expect(fileOf('/lab/connect.refused')).toBe(join(root, 'lab', 'connect.refused'))
  })

  it('gives the content type with the file', () => {
    expect(resolveRendererPath(root, '/assets/x.js')).toEqual({
      kind: 'file',
      file: join(root, 'assets', 'x.js'),
      contentType: 'text/javascript; charset=utf-8',
    })
  })

  it.each([
    ['/../../etc/passwd', 'dot segment'],
    ['/assets/../../secret.txt', 'dot segment'],
    ['/./index.html', 'dot segment'],
    ['/%2e%2e/%2e%2e/etc/passwd', 'dot segment'],
    ['/assets/..%2f..%2f..%2fetc%2fpasswd', 'dot segment'],
    ['/..%2F..%2Fetc%2Fpasswd', 'dot segment'],
    ['/..%5c..%5cwindows%5cwin.ini', 'backslash'],
    ['/assets\\..\\..\\win.ini', 'backslash'],
    ['/a%00.js', 'NUL'],
    ['/%00', 'NUL'],
    ['/%E0%A4%A', 'bad percent-escape'],
    ['/%zz', 'bad percent-escape'],
    ['etc/passwd', 'must start with'],
    ['', 'must start with'],
  ])('refuses %s (%s)', (path, reason) => {
    const target = resolveRendererPath(root, path)
    expect(target).toMatchObject({ kind: 'refused', status: 400 })
    expect(target.kind === 'refused' && target.reason).toContain(reason)
  })

  it('never names a file outside the folder, whatever the path', () => {
    const tricky = ['//etc/passwd', '/C:/Windows/win.ini', '/%2fetc%2fpasswd', '/..', '/.']
    for (const path of tricky) {
      const file = fileOf(path)
      if (file !== undefined) expect(file.startsWith(root + sep), path).toBe(true)
    }
  })
})

describe('contentType', () => {
  it('serves modules as JavaScript (browsers refuse module scripts of other types)', () => {
    expect(contentType('/x/index-abc.js')).toBe('text/javascript; charset=utf-8')
    expect(contentType('/x/INDEX.HTML')).toBe('text/html; charset=utf-8')
    expect(contentType('/x/style.css')).toBe('text/css; charset=utf-8')
    expect(contentType('/x/font.woff2')).toBe('font/woff2')
    expect(contentType('/x/unknown.bin')).toBe('application/octet-stream')
    expect(contentType('/x/no-extension')).toBe('application/octet-stream')
  })
})

describe('responseHeaders', () => {
  it('carries the policy and forbids sniffing, referrers and openers', () => {
    expect(responseHeaders('default-src x')).toEqual({
      'Content-Security-Policy': 'default-src x',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    })
  })
})
