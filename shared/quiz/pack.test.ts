import { describe, expect, it } from 'vitest'
import { packQuiz, parsePack } from './pack'

const GOOD = `pack: 1
id: net101-week3
title: { en: Week 3, zh: 第三周 }
seed: 42
timeLimitMin: 20
generate: { count: 3, types: [errno-number] }
questions:
  - id: q1
    topic: rst
    prompt: { en: Who sends RST to a SYN on a closed port?, zh: 谁对关闭端口上的 SYN 回复 RST？ }
    options:
      - { id: a, text: { en: the server's TCP, zh: 服务端的 TCP } }
      - { id: b, text: { en: the client, zh: 客户端 } }
    answer: a
    explanation: { en: RFC 9293 3.10.7.1, zh: RFC 9293 3.10.7.1 }
labs:
  - id: refused
    step: 0
    script:
      labScript: 1
      steps:
        - { actor: client, op: connect, port: 7002 }
`

describe('parsePack', () => {
  it('reads a good YAML pack and builds its quiz', () => {
    const parsed = parsePack(GOOD)
    if (!parsed.ok) throw new Error(parsed.message)
    const quiz = packQuiz(parsed.pack)
    expect(quiz.packId).toBe('net101-week3')
    expect(quiz.timeLimitMin).toBe(20)
    expect(quiz.questions.map((q) => q.id).slice(0, 2)).toEqual([
      'custom:net101-week3:q1',
      'predict-run:net101-week3:refused',
    ])
    expect(quiz.questions.filter((q) => q.type === 'errno-number')).toHaveLength(3)
    expect(quiz.questions[1]?.run).toMatchObject({ step: 0, call: 'connect' })
    expect(packQuiz(parsed.pack)).toEqual(quiz)
  })

  it('reads the same pack as JSON', () => {
    const parsed = parsePack(
      JSON.stringify(
        { pack: 1, id: 'j', title: { en: 'J', zh: 'J' }, generate: { count: 2 } },
        null,
        2,
      ),
    )
    expect(parsed.ok).toBe(true)
  })

  it('names the line and field of a wrong answer', () => {
    const parsed = parsePack(GOOD.replace('answer: a', 'answer: c'))
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problems).toEqual([
      expect.objectContaining({ line: 14, path: 'questions.0.answer', field: 'answer' }),
    ])
    expect(parsed.message).toMatch(/^pack:14:\d+ questions\.0\.answer: "c" is not an option id/)
  })

  it('names the line of a missing field, an unknown field and a bad type', () => {
    const text = GOOD.replace(
      '    explanation: { en: RFC 9293 3.10.7.1, zh: RFC 9293 3.10.7.1 }\n',
      '',
    )
      .replace('timeLimitMin: 20', 'timeLimitMin: soon')
      .replace('seed: 42', 'seed: 42\ncolour: red')
    const parsed = parsePack(text)
    if (parsed.ok) throw new Error('accepted')
    const byPath = new Map(parsed.problems.map((p) => [p.path, p]))
    expect(byPath.get('timeLimitMin')?.line).toBe(6)
    // A missing field points at its question (line 9 once "colour" is inserted above).
    expect(byPath.get('questions.0.explanation')?.line).toBe(9)
    expect(parsed.problems.find((p) => p.field === 'colour')?.message).toMatch(
      /unknown field "colour"/,
    )
  })

  it('checks a lab script inside the pack with its step and field', () => {
    const parsed = parsePack(GOOD.replace('port: 7002', 'port: 700000'))
    if (parsed.ok) throw new Error('accepted')
    expect(parsed.problems[0]).toMatchObject({ line: 22, path: 'labs.0.script.steps.0.port' })
    const notACall = parsePack(GOOD.replace('op: connect, port: 7002', 'op: sleep, ms: 5'))
    if (notACall.ok) throw new Error('accepted')
    expect(notACall.problems[0]).toMatchObject({ path: 'labs.0.step', line: 18 })
    expect(notACall.problems[0]?.message).toMatch(/predict a connect, recv or send/)
  })

  it('reports YAML syntax errors with their line', () => {
    const parsed = parsePack('pack: 1\nid: x\ntitle: { en: a, zh: b\n')
    if (parsed.ok) throw new Error('accepted')
    expect(parsed.problems[0]?.path).toBe('(syntax)')
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(3)
  })

  it('rejects an empty pack and an order answer that misses an item', () => {
    const empty = parsePack('pack: 1\nid: e\ntitle: { en: E, zh: E }\n')
    expect(empty.ok).toBe(false)
    const order = parsePack(
      GOOD.replace('topic: rst', 'topic: rst\n    kind: order').replace(
        'answer: a',
        'answer: [a, a]',
      ),
    )
    if (order.ok) throw new Error('accepted')
    expect(order.problems.map((p) => p.path)).toContain('questions.0.answer')
  })
})
