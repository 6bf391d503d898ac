import { describe, expect, it } from 'vitest'
import { parsePack } from '../../../shared/quiz/pack'
import { lmsFile } from './lms-export'

const PACK = `pack: 1
id: week3
title: { en: Week 3, zh: 第三周 }
generate: { count: 2, types: [errno-number] }
questions:
  - id: q1
    prompt: { en: Who sends RST?, zh: 谁回复 RST？ }
    options:
      - { id: a, text: { en: the server's TCP, zh: 服务端的 TCP } }
      - { id: b, text: { en: the client, zh: 客户端 } }
    answer: a
    explanation: { en: RFC 9293, zh: RFC 9293 }
`

describe('lmsFile', () => {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  const proof = { runs: {} }

  it('names the file by pack, language and format, with every question of the pack', () => {
    const xml = lmsFile(parsed.pack, proof, 'moodle', 'zh')
    expect(xml).toMatchObject({ name: 'week3.zh.moodle.xml', type: 'application/xml' })
    expect(xml.questions).toBe(3)
    expect(xml.text).toContain('<text>$course$/top/第三周</text>')
    expect(xml.text).toContain('谁回复 RST？')
    const gift = lmsFile(parsed.pack, proof, 'gift', 'en')
    expect(gift).toMatchObject({ name: 'week3.en.gift.txt', type: 'text/plain', skipped: [] })
    expect(gift.text).toContain("::q1::[plain]Who sends RST?{\n\t=the server's TCP\n\t~the client")
  })
})
