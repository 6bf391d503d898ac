/**
 * Hostile files never crash the app: a fixed few hundred generated files per format (the bench
 * runs 10,000: `npm run bench -- files`), plus each classic attack written out. Every one is
 * read or refused with a sentence naming its line, field or size (hostile-files.fixture.ts).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FILE_LIMITS } from '../../shared/text-file'
import {
  aliasBomb,
  deepText,
  FORMATS,
  hostileFile,
  readFile,
  sampleText,
  verdict,
} from './hostile-files.fixture'

const RUNS = 250
const encode = (text: string): Uint8Array => new TextEncoder().encode(text)

describe.each(FORMATS)('a hostile %s file', (format) => {
  it('is read from its valid sample', () => {
    expect(readFile(format, encode(sampleText(format)))).toEqual({ ok: true })
  })

  it(`never crashes, and is refused with its line or field (${RUNS} generated files)`, () => {
    fc.assert(
      fc.property(hostileFile(format), (bytes) => {
        const why = verdict(format, bytes)
        if (why) throw new Error(why)
      }),
      { seed: 20_260_301, numRuns: RUNS },
    )
  })

  it('refuses the classic attacks, each with a sentence', () => {
    const text = sampleText(format)
    const attacks: [string, Uint8Array, RegExp][] = [
      ['an alias bomb', encode(aliasBomb(9, 9, text)), /alias|line \d+/],
      ['flow nesting', encode(deepText(0, 100_000)), /nested more than 64 levels|line 1/],
      ['block nesting', encode(deepText(2, 5_000)), /nested more than 64 levels|line 1/],
      ['a huge string', encode(`"${'x'.repeat(FILE_LIMITS.bytes)}"`), /1 MiB/],
      ['UTF-16 without a byte-order mark', new Uint8Array([0x7b, 0, 0x7d, 0]), /NUL|UTF-8/],
      [
        'invalid UTF-8',
        new Uint8Array([0x7b, 0x0a, 0xc3, 0x28, 0x7d]),
        /(line 2, column 1|:2:1 .*): .*UTF-8/,
      ],
    ]
    if (format !== 'result' && format !== 'grade') {
      const steps = Array.from({ length: 1000 }, () => ({ actor: 'client', op: 'connect' }))
      const many = JSON.stringify({ labScript: 1, steps })
      const wrapped =
        format === 'pack'
          ? `{"pack": 1, "id": "p", "title": {"en": "a", "zh": "b"}, "labs": [{"id": "l", "step": 0, "script": ${many}}]}`
          : many
      attacks.push(['a thousand bad steps', encode(wrapped), /\.\.\. and \d+ more problems$/])
    }
    for (const [what, bytes, says] of attacks) {
      const reading = readFile(format, bytes)
      expect(reading.ok, what).toBe(false)
      expect(reading.message, what).toMatch(says)
      expect(verdict(format, bytes), what).toBeUndefined()
    }
  })
})
