// Every teaching-note key the kernel lab attaches has a text in both languages (an unknown
// key would show up raw in the errno cards).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isNoteKey } from '../../shared/notes'
import { SOCKET_NOTES } from './c-socket'

const here = import.meta.dirname

describe('kernel lab note keys', () => {
  it('has a text for every key of the socket module', () => {
    for (const key of Object.values(SOCKET_NOTES)) expect(isNoteKey(key), key).toBe(true)
  })

  it('has a text for every kernel.* key written in its sources, crash modes included', () => {
    const keys = new Set<string>()
    for (const file of readdirSync(here).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )) {
      const text = readFileSync(join(here, file), 'utf8')
      for (const m of text.matchAll(/'(kernel\.[a-z-]+)'/g)) keys.add(m[1]!)
      if (text.includes('`kernel.crash-${mode}`')) {
        for (const mode of ['fin', 'rst', 'silent']) keys.add(`kernel.crash-${mode}`)
      }
    }
    expect(keys.size).toBeGreaterThan(10)
    for (const key of keys) expect(isNoteKey(key), key).toBe(true)
  })
})
