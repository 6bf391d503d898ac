import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_INDEX_URL, mimeType, resolveAppRequest } from './scheme'

const root = resolve('/srv/renderer')

describe('resolveAppRequest', () => {
  it('maps app://lab paths to files below the renderer folder', () => {
    expect(resolveAppRequest(root, APP_INDEX_URL)).toEqual({ file: join(root, 'index.html') })
    expect(resolveAppRequest(root, 'app://lab/assets/index-abc.js?v=1')).toEqual({
      file: join(root, 'assets', 'index-abc.js'),
    })
    expect(resolveAppRequest(root, 'app://lab/')).toEqual({ file: join(root, 'index.html') })
  })

  it('has no deep-link fallback: views are hash routes, a path names only its own file', () => {
    expect(resolveAppRequest(root, 'app://lab/quiz')).toEqual({ file: join(root, 'quiz') })
    expect(resolveAppRequest(root, 'app://lab/index.html#/lab/connect.refused')).toEqual({
      file: join(root, 'index.html'),
    })
  })

  it.each([
    ['app://lab/../secret.txt', 'dot segments normalised away by URL, still inside'],
    ['app://lab/%2e%2e/%2e%2e/etc/passwd', 'encoded dot segments'],
    ['app://lab/assets/..%2f..%2f..%2fetc%2fpasswd', 'encoded slashes'],
    ['app://lab/..%5c..%5cwindows%5cwin.ini', 'encoded backslashes'],
  ])('never leaves the renderer folder: %s (%s)', (url) => {
    const target = resolveAppRequest(root, url)
    if ('file' in target) expect(target.file.startsWith(root + '/')).toBe(true)
    else expect(target.status).toBe(400)
  })

  it('refuses encoded NULs, bad escapes, other hosts and other schemes', () => {
    expect(resolveAppRequest(root, 'app://lab/a%00.js')).toEqual({ status: 400 })
    expect(resolveAppRequest(root, 'app://lab/%E0%A4%A')).toEqual({ status: 400 })
    expect(resolveAppRequest(root, 'app://evil/index.html')).toEqual({ status: 404 })
    expect(resolveAppRequest(root, 'file:///etc/passwd')).toEqual({ status: 404 })
    expect(resolveAppRequest(root, 'not a url')).toEqual({ status: 400 })
  })
})

describe('mimeType', () => {
  it('serves modules as JavaScript (browsers refuse module scripts of other types)', () => {
    expect(mimeType('/x/index-abc.js')).toBe('text/javascript; charset=utf-8')
    expect(mimeType('/x/INDEX.HTML')).toBe('text/html; charset=utf-8')
    expect(mimeType('/x/style.css')).toBe('text/css; charset=utf-8')
    expect(mimeType('/x/font.woff2')).toBe('font/woff2')
    expect(mimeType('/x/unknown.bin')).toBe('application/octet-stream')
  })
})
