/**
 * The teachers' guide (docs/question-packs.md) shows a complete pack and the errors of a broken
 * one: the pack must validate, its lab must do what its explanation says on the simulator, and
 * the error lines must be exactly what the app prints.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseLabScript } from '../../shared/lab-script'
import { parseGift } from '../../shared/quiz/lms/gift-import'
import { formatPackProblems, packQuiz, parsePack } from '../../shared/quiz/pack'
import { simBackend } from '../sim/index'
import { runScript } from './session'

const DOC = readFileSync(
  fileURLToPath(new URL('../../docs/question-packs.md', import.meta.url)),
  'utf8',
)

function blocks(lang: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => m[1] ?? '',
  )
}

const example = blocks('yaml')[0] ?? ''

describe('docs/question-packs.md', () => {
  it('has a complete example pack that validates, as YAML and as JSON', () => {
    const parsed = parsePack(example)
    if (!parsed.ok) throw new Error(parsed.message)
    const pack = parsed.pack
    expect(pack.questions.map((q) => q.kind)).toEqual(['choice', 'order'])
    expect(pack.labs).toHaveLength(1)
    expect(pack.timeLimitMin).toBe(25)
    const quiz = packQuiz(pack)
    expect(quiz.questions).toHaveLength(2 + 1 + (pack.generate?.count ?? 0))
    expect(parsePack(JSON.stringify(parse(example), null, 2))).toEqual(parsed)
  })

  it('its lab returns on the simulator what its explanation says (EPIPE)', async () => {
    const parsed = parsePack(example)
    if (!parsed.ok) throw new Error(parsed.message)
    const lab = parsed.pack.labs[0]
    const script = parseLabScript(lab?.script)
    if (!lab || !script.ok) throw new Error('no lab script')
    expect(lab.explanation?.en).toContain('EPIPE')
    const result = await runScript(script.script, simBackend)
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.steps[lab.step]).toMatchObject({ op: 'send', ret: -1, errno: 'EPIPE' })
  })

  it('shows, in both languages, exactly the errors the app prints for the broken example', () => {
    const broken = example
      .replace('answer: kernel', 'answer: kernal')
      .replace('step: 5 #', 'step: 2 #')
    const parsed = parsePack(broken)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    const printed = `${formatPackProblems(parsed.problems, 'week3.yaml')}\n`
    const shown = blocks('text').filter((b) => b.startsWith('week3.yaml'))
    expect(shown).toHaveLength(2)
    for (const block of shown) expect(block).toBe(printed)
  })

  it('shows, in both languages, exactly the error the app prints for a GIFT question it refuses', () => {
    const gift = [
      '$CATEGORY: $course$/top/Week 4',
      '',
      '::q1:: Who answers a SYN to a closed port? {=the kernel ~the application ####RFC 9293}',
      '',
      '::q2:: connect() to a closed port fails at once on Linux. {TRUE####The RST comes back.}',
      '',
      ...Array.from({ length: 6 }, (_, i) => `// note ${i + 1}`),
      '',
      '::born:: When was Ulysses S. Grant born? {#1822:5}',
    ].join('\n')
    const parsed = parseGift(gift, 'week4.gift')
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    const printed = `${formatPackProblems(parsed.problems, 'week4.gift')}\n`
    const shown = blocks('text').filter((b) => b.startsWith('week4.gift'))
    expect(shown).toHaveLength(2)
    for (const block of shown) expect(block).toBe(printed)
  })
})
