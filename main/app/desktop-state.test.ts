import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  defaultLanguage,
  desktopStatePath,
  loadDesktopState,
  saveDesktopState,
  type DesktopState,
} from './desktop-state'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'socklab-desktop-state-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const state: DesktopState = {
  window: { bounds: { x: 10, y: 20, width: 1300, height: 850 }, maximized: true },
  language: 'zh',
}

describe('desktop state file', () => {
  it('round-trips through the file, creating the folder', () => {
    const file = desktopStatePath(join(dir, 'user data'))
    expect(saveDesktopState(file, state)).toBeUndefined()
    expect(loadDesktopState(file)).toEqual(state)
  })

  it('starts from nothing when the file is missing or not JSON', () => {
    expect(loadDesktopState(join(dir, 'missing.json'))).toEqual({})
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{"window": ')
    expect(loadDesktopState(file)).toEqual({})
  })

  it('keeps the valid half of a half-valid file', () => {
    const file = join(dir, 'half.json')
    writeFileSync(file, JSON.stringify({ window: { bounds: 'left' }, language: 'en' }))
    expect(loadDesktopState(file)).toEqual({ language: 'en' })
    writeFileSync(file, JSON.stringify({ window: state.window, language: 'fr' }))
    expect(loadDesktopState(file)).toEqual({ window: state.window })
  })

  it('reports instead of throwing when the file cannot be written', () => {
    const blocker = join(dir, 'not-a-folder')
    writeFileSync(blocker, 'x')
    const problem = saveDesktopState(join(blocker, 'desktop-state.json'), state)
    expect(problem).toMatch(/^Could not save /)
  })

  it('leaves no temporary file behind', () => {
    const file = join(dir, 'desktop-state.json')
    saveDesktopState(file, state)
    saveDesktopState(file, { language: 'en' })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ language: 'en' })
    expect(readdirSync(dir)).toEqual(['desktop-state.json'])
  })
})

describe('defaultLanguage', () => {
  it.each([
    [['zh-CN', 'en-US'], 'zh'],
    [['zh-Hant-TW'], 'zh'],
    [['zh'], 'zh'],
    [['en-GB', 'zh-CN'], 'en'],
    [['de-DE'], 'en'],
    [[], 'en'],
  ] as const)('%j -> %s', (locales, expected) => {
    expect(defaultLanguage(locales)).toBe(expected)
  })
})
