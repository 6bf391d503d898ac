// Every teaching-note key the kernel lab attaches has a text in both languages (an unknown
// key would show up raw in the errno cards), and every kernel.* note still describes
// something the lab does (a note for an emulation that is gone would mislead).
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isNoteKey, NOTES } from '../../shared/notes'

const here = import.meta.dirname

/** The kernel.* keys written in the kernel lab's sources (crash modes expanded). */
function keysInSources(): Set<string> {
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
  return keys
}

describe('kernel lab note keys', () => {
  it('has a text in both languages for every kernel.* key written in its sources', () => {
    const keys = keysInSources()
    expect(keys.size).toBeGreaterThanOrEqual(6)
    for (const key of keys) {
      expect(isNoteKey(key), key).toBe(true)
      if (!isNoteKey(key)) continue
      expect(NOTES[key].text.en.length, key).toBeGreaterThan(10)
      expect(NOTES[key].text.zh.length, key).toBeGreaterThan(5)
    }
  })

  it('keeps no kernel.* note the sources no longer attach', () => {
    const used = keysInSources()
    const defined = Object.keys(NOTES).filter((k) => k.startsWith('kernel.'))
    expect(defined.filter((k) => !used.has(k))).toEqual([])
  })
})
