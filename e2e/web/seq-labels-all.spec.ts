/**
 * The sequence diagram's label placement for every catalog case on every profile (issue 16),
 * on the simulator's own runs (the renderer's tests have only recorded ones): at the widths the
 * view lays out for, on both axes, in both languages, no label overlaps another, a call's bar
 * not its own, the time ticks or the drawing's edges. Pure geometry, no browser:
 * seq-labels.spec.ts checks the same in the page.
 */
import { expect, test } from '@playwright/test'
import { simulate } from '../../main/sim/index'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS } from '../../shared/lab-script'
import { createLabI18n } from '../../renderer/i18n/index'
import { layoutSequence, sequenceProblems } from '../../renderer/lib/sequence-layout'
import { sequenceTexts } from '../../renderer/lib/sequence-texts'

const WIDTHS = [360, 400, 440, 520, 640, 760]

test('labels of every case on every profile keep off each other, the bars and the edges', () => {
  const problems: string[] = []
  let layouts = 0
  const runs = CATALOG.flatMap((c) => {
    const script = scenarioScript(c.script.id)!
    return PROFILE_IDS.map((profile) => ({
      script,
      profile,
      result: simulate({ ...script, profile }),
    }))
  })
  for (const lang of ['en', 'zh'] as const) {
    const t = createLabI18n(lang).global.t as (k: string, p?: Record<string, unknown>) => string
    for (const { script, profile, result } of runs) {
      const texts = sequenceTexts(t, script)
      const middlebox = script.topology === 'middlebox' || undefined
      for (const width of WIDTHS)
        for (const axis of ['broken', 'log'] as const) {
          const l = layoutSequence(result.events, result.steps, { width, axis, texts, middlebox })
          layouts++
          for (const p of sequenceProblems(l))
            problems.push(
              `${script.id} ${profile} ${lang} ${width} ${axis}: ${p.what} ${p.a.kind} "${p.a.lines.join('/')}"${p.b ? ` / ${p.b.kind} "${p.b.lines.join('/')}"` : ''}`,
            )
        }
    }
  }
  expect(layouts).toBeGreaterThan(CATALOG.length * 10)
  expect(problems, problems.slice(0, 30).join('\n')).toEqual([])
})
