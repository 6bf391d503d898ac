import { describe, expect, it } from 'vitest'
import { ARTICLE_SECTIONS } from './article'
import { NOTES, noteText } from './notes'

describe('notes', () => {
  it.each(Object.entries(NOTES))(
    '%s points at a real section and has both languages',
    (_key, note) => {
      expect(ARTICLE_SECTIONS).toHaveProperty(note.section)
      expect(note.text.en.length).toBeGreaterThan(10)
      expect(note.text.zh.length).toBeGreaterThan(4)
      // The two languages interpolate the same parameters.
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(params(note.text.zh)).toEqual(params(note.text.en))
    },
  )

  it('interpolates parameters and leaves unknown keys readable', () => {
    expect(noteText('rst-closed-port', 'en', { port: 7002 })).toContain('port 7002')
    expect(noteText('rst-closed-port', 'zh', { port: 7002 })).toContain('7002')
    expect(noteText('no-such-note', 'en')).toBe('no-such-note')
  })
})
