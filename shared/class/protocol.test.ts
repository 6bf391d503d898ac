import { describe, expect, it } from 'vitest'
import { MAX_NAME, readStudentMessage } from './protocol'

describe('readStudentMessage', () => {
  it('reads a join, tidying the name', () => {
    const read = readStudentMessage(
      JSON.stringify({ v: 1, type: 'join', name: '  Li   Lei ', lang: 'zh' }),
    )
    expect(read).toEqual({ ok: true, message: { v: 1, type: 'join', name: 'Li Lei', lang: 'zh' } })
  })

  it.each([
    ['not JSON', '{', 'bad-message', 'not JSON'],
    ['an unknown type', '{"v":1,"type":"teacher"}', 'bad-message', 'type'],
    ['another version', '{"v":2,"type":"join"}', 'version', 'version 2'],
    ['no version', '{"type":"join","name":"a","lang":"en"}', 'bad-message', 'v'],
    ['an extra field', '{"v":1,"type":"lang","lang":"en","admin":true}', 'bad-message', 'admin'],
    ['an empty name', '{"v":1,"type":"join","name":"  ","lang":"en"}', 'bad-message', 'name'],
    [
      'a long name',
      JSON.stringify({ v: 1, type: 'join', name: 'x'.repeat(MAX_NAME + 1), lang: 'en' }),
      'bad-message',
      'longer',
    ],
    [
      'a bidi override',
      '{"v":1,"type":"join","name":"ab\\u202ecd","lang":"en"}',
      'bad-message',
      'control',
    ],
    [
      'a bad token',
      '{"v":1,"type":"join","name":"a","lang":"en","token":"x"}',
      'bad-message',
      'token',
    ],
    [
      'an empty answer',
      '{"v":1,"type":"answer","questionId":"q","response":[]}',
      'bad-message',
      'response',
    ],
    ['an unknown language', '{"v":1,"type":"lang","lang":"fr"}', 'bad-message', 'lang'],
  ])('refuses %s', (_label, text, reason, detail) => {
    const read = readStudentMessage(text)
    expect(read.ok).toBe(false)
    if (!read.ok) {
      expect(read.reason).toBe(reason)
      expect(read.detail).toContain(detail)
    }
  })
})
