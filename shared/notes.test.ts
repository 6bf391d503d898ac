import { describe, expect, it } from 'vitest'
import { ARTICLE_SECTIONS } from './article'
import { NOTES, noteText, noteWording, renderNote, type NoteKey } from './notes'
import { PROFILE_IDS } from './lab-script'

const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('notes', () => {
  it.each(Object.entries(NOTES))(
    '%s points at a real section and has both languages',
    (_key, note) => {
      expect(ARTICLE_SECTIONS).toHaveProperty(note.section)
      expect(note.text.en.length).toBeGreaterThan(10)
      expect(note.text.zh.length).toBeGreaterThan(4)
      // The two languages interpolate the same parameters.
      expect(params(note.text.zh)).toEqual(params(note.text.en))
    },
  )

  it.each(Object.keys(NOTES) as NoteKey[])(
    '%s: every profile wording has the same parameters in both languages, all known to the note',
    (key) => {
      const base = params(NOTES[key].text.en)
      for (const profile of PROFILE_IDS) {
        const { text } = noteWording(key, profile)
        expect(params(text.zh), `${key} on ${profile}`).toEqual(params(text.en))
        for (const p of params(text.en)) expect(base, `${key} on ${profile}`).toContain(p)
      }
    },
  )

  it('interpolates parameters and leaves unknown keys readable', () => {
    expect(noteText('rst-closed-port', 'en', { port: 7002 })).toContain('port 7002')
    expect(noteText('rst-closed-port', 'zh', { port: 7002 })).toContain('7002')
    expect(noteText('no-such-note', 'en')).toBe('no-such-note')
  })

  it('renders an errno as the run profile spells it, and the profile wording', () => {
    const params = { n: 3, s: 4.5, errno: 'ETIMEDOUT' }
    expect(renderNote('data-give-up', 'en', { params, profile: 'windows' })).toContain(
      'reports WSAETIMEDOUT',
    )
    expect(renderNote('data-give-up', 'en', { params, profile: 'linux' })).toContain(
      'reports ETIMEDOUT',
    )
    // macOS: the BSD send rule is said where a send would get EPIPE.
    expect(renderNote('data-give-up', 'en', { params, profile: 'macos' })).toMatch(/EPIPE first/)
    // A step card passes the step's errno when the note has no params.
    expect(
      renderNote('rst-received', 'en', { profile: 'windows', errno: 'WSAECONNRESET' }),
    ).toContain('every later call fails with WSAECONNRESET')
  })

  it('translates enumerated parameters: no English value inside a Chinese sentence', () => {
    expect(renderNote('net-cut', 'zh', { params: { dir: 'both' } })).toBe(
      '网络被切断（双向）：报文悄悄消失；两端都不会得到通知。',
    )
    expect(
      renderNote('icmp-hard', 'zh', {
        params: { icmp: 'host-unreachable', errno: 'EHOSTUNREACH' },
      }),
    ).toBe('连接过程中收到 ICMP 主机不可达：connect() 以 EHOSTUNREACH 失败。')
    expect(renderNote('net-cut', 'en', { params: { dir: 'c2s' } })).toContain('(client to server)')
  })

  it('fills a note errno from its default, and says "the error" where nothing can', () => {
    expect(noteText('rst-in-syn-sent', 'en')).toContain('fails with ECONNREFUSED')
    expect(noteText('syn-give-up', 'en', { n: 2, s: 7 })).toContain('fails with the error')
    expect(renderNote('syn-give-up', 'en', { params: { n: 2, s: 7 } })).toContain('{errno}')
  })
})
