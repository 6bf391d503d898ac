import { describe, expect, it } from 'vitest'
import {
  JOIN_ALPHABET,
  JOIN_CODE_LENGTH,
  makeJoinCode,
  makeToken,
  normalizeJoinCode,
  sameSecret,
  TOKEN_PATTERN,
} from './code'

/** Bytes from a list, then from the start again. */
function bytes(list: number[]): (n: number) => Uint8Array {
  let i = 0
  return (n) => Uint8Array.from({ length: n }, () => list[i++ % list.length] ?? 0)
}

describe('join code', () => {
  it('has no letters that read alike', () => {
    for (const c of '01OIL') expect(JOIN_ALPHABET).not.toContain(c)
    expect(new Set(JOIN_ALPHABET).size).toBe(JOIN_ALPHABET.length)
    expect(JOIN_ALPHABET).toHaveLength(31)
  })

  it('maps bytes to letters and skips the bytes that would bias the first letters', () => {
    expect(makeJoinCode(bytes([0, 1, 2, 3, 4, 5]))).toBe('ABCDEF')
    // 248..255 are thrown away (8 × 31 = 248); 31 wraps to the first letter.
    expect(makeJoinCode(bytes([255, 248, 31, 30, 250, 62, 1, 2, 3]))).toBe('A9ABCD')
  })

  it('makes codes of the right length from real-looking randomness', () => {
    let seed = 7
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const code = makeJoinCode(random)
      expect(code).toHaveLength(JOIN_CODE_LENGTH)
      expect(normalizeJoinCode(code)).toBe(code)
      seen.add(code)
    }
    expect(seen.size).toBe(200)
  })

  it('reads what a student typed: case and spaces do not matter, other letters do', () => {
    expect(normalizeJoinCode(' abc234 ')).toBe('ABC234')
    expect(normalizeJoinCode('ABC23')).toBeUndefined()
    expect(normalizeJoinCode('ABC2345')).toBeUndefined()
    expect(normalizeJoinCode('ABC10O')).toBeUndefined()
    expect(normalizeJoinCode('../etc')).toBeUndefined()
  })
})

describe('tokens and comparison', () => {
  it('makes 128-bit hex tokens', () => {
    const token = makeToken(bytes([0, 15, 16, 255]))
    expect(token).toMatch(TOKEN_PATTERN)
    expect(token.startsWith('000f10ff')).toBe(true)
  })

  it('compares secrets exactly', () => {
    expect(sameSecret('ABC234', 'ABC234')).toBe(true)
    expect(sameSecret('ABC235', 'ABC234')).toBe(false)
    expect(sameSecret('ABC23', 'ABC234')).toBe(false)
    expect(sameSecret('', '')).toBe(true)
  })
})
