import { describe, expect, it } from 'vitest'
import {
  deepPath,
  FILE_LIMITS,
  jsonSyntaxError,
  listProblems,
  prepareText,
  readJson,
  readYaml,
  utf8Length,
} from './text-file'

describe('reading a user file within the limits', () => {
  it('counts UTF-8 bytes as an encoder would', () => {
    // A lone surrogate is written as U+FFFD (3 bytes), as TextEncoder does.
    const cases: [string, number][] = [
      ['', 0],
      ['abc', 3],
      ['é', 2],
      ['漢字', 6],
      ['😀', 4],
      ['\uD800x', 4],
      ['a\uDC00', 4],
    ]
    for (const [s, bytes] of cases) expect(utf8Length(s), s).toBe(bytes)
  })

  it('drops a byte-order mark and refuses NUL and replacement characters by line', () => {
    expect(prepareText('\uFEFFa: 1')).toEqual({ ok: true, value: 'a: 1' })
    expect(prepareText('a\n\u0000')).toMatchObject({ ok: false, problem: { line: 2, column: 1 } })
    expect(prepareText('a\nbb\uFFFD')).toMatchObject({
      ok: false,
      problem: { line: 2, column: 3, message: expect.stringContaining('not UTF-8') },
    })
    expect(prepareText('x'.repeat(FILE_LIMITS.bytes + 1))).toMatchObject({
      ok: false,
      problem: {
        message: expect.stringMatching(/^the file is 1,048,577 bytes; files are limited/),
      },
    })
    // Multi-byte text is measured in bytes, not characters.
    expect(prepareText('漢'.repeat(400_000)).ok).toBe(false)
  })

  it('finds no JSON error in valid JSON, and the first one in invalid JSON', () => {
    for (const ok of ['{}', '[]', '0', '-1.5e3', '"\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}'])
      expect(jsonSyntaxError(ok), ok).toBeUndefined()
    expect(jsonSyntaxError('{"a" 1}')).toEqual({
      at: 5,
      message: 'unexpected "1", expected ":" after the key',
    })
    expect(jsonSyntaxError('[01]')?.at).toBe(2)
    expect(jsonSyntaxError('{"a":"\\x"}')?.message).toBe('an unknown escape \\x')
  })

  it('refuses nesting past the limit, flow or block, JSON or YAML', () => {
    expect(deepPath([[[1]]])).toBeUndefined()
    const deep = JSON.parse('['.repeat(70) + ']'.repeat(70)) as unknown
    expect(deepPath(deep)).toHaveLength(FILE_LIMITS.depth)
    expect(readJson('['.repeat(65) + ']'.repeat(65))).toMatchObject({
      ok: false,
      problem: { line: 1, column: 65, message: expect.stringContaining('more than 64 levels') },
    })
    const block = `${'- '.repeat(70)}x\n`
    expect(readYaml(block)).toMatchObject({
      ok: false,
      problem: { line: 1, message: expect.stringContaining('more than 64 levels') },
    })
    // Brackets inside strings and comments do not count.
    expect(readYaml(`a: "${'['.repeat(100)}" # ${'{'.repeat(100)}\nb: '[[[['`).ok).toBe(true)
  })

  it('refuses a YAML alias bomb at the line of its first alias, and lets plain aliases be', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 0; i < 6; i++)
      bomb.push(`${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`)
    expect(readYaml(bomb.join('\n'))).toMatchObject({
      ok: false,
      problem: { line: 2, column: 8, message: expect.stringContaining('"billion laughs"') },
    })
    const plain = readYaml('base: &s { actor: client, op: connect, port: 9 }\nsteps: [*s, *s]\n')
    expect(plain.ok && plain.value.value).toEqual({
      base: { actor: 'client', op: 'connect', port: 9 },
      steps: [
        { actor: 'client', op: 'connect', port: 9 },
        { actor: 'client', op: 'connect', port: 9 },
      ],
    })
  })

  it('lists at most twenty problems, then counts the rest', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `p${i}`)
    expect(listProblems(lines).split('\n')).toEqual([
      ...lines.slice(0, 20),
      '... and 5 more problems',
    ])
    expect(listProblems(['a'])).toBe('a')
  })
})
