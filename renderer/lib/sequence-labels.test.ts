import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import { scenarioScript } from '../../shared/catalog/index'
import { createLabI18n } from '../i18n/index'
import { RECORDED, RECORDED_ON } from './fixtures/index'
import { labelBox, labelProblems, textWidth, type PlacedLabel } from './sequence-labels'
import { layoutSequence, sequenceProblems, type SequenceLayout } from './sequence-layout'
import { sequenceTexts } from './sequence-texts'

const RUNS: [string, LabResult][] = [
  ...Object.entries(RECORDED),
  ...Object.values(RECORDED_ON).flatMap((byCase) => Object.entries(byCase)),
]
// Layout widths the view uses: the pane's width (40-unit steps, at least 360), presentation
// mode's narrower ones included.
const WIDTHS = [360, 400, 440, 480, 560, 640, 760, 1000]

function describeProblem(l: SequenceLayout): string[] {
  return sequenceProblems(l).map(
    (p) =>
      `${p.what}: ${p.a.kind} "${p.a.lines.join('/')}"${p.b ? ` and ${p.b.kind} "${p.b.lines.join('/')}"` : ''}`,
  )
}

describe('sequence labels', () => {
  it('never overlap each other, a bar not their own, the ticks or the edges (recorded runs)', () => {
    let checked = 0
    for (const lang of ['en', 'zh'] as const) {
      const t = createLabI18n(lang).global.t as (k: string, p?: Record<string, unknown>) => string
      for (const [id, r] of RUNS) {
        const texts = sequenceTexts(t, scenarioScript(id))
        for (const width of WIDTHS)
          for (const axis of ['broken', 'log'] as const) {
            const l = layoutSequence(r.events, r.steps, { width, axis, texts })
            expect(describeProblem(l), `${id} ${lang} ${width} ${axis}`).toEqual([])
            checked += l.items.length
          }
      }
    }
    expect(checked).toBeGreaterThan(1000)
  })

  it('pushes the row after a wrapped call label down instead of writing over it', () => {
    const r = RECORDED['handshake.synack-lost']!
    const t = createLabI18n('en').global.t as (k: string) => string
    const texts = sequenceTexts(t, scenarioScript('handshake.synack-lost'))
    const l = layoutSequence(r.events, r.steps, { width: 360, texts })
    const listen = l.calls.find((c) => c.step.op === 'listen')!
    const accept = l.calls.find((c) => c.step.op === 'accept')!
    expect(listen.label!.lines.length).toBeGreaterThan(1)
    expect(accept.pending.box.y0).toBeGreaterThan(listen.label!.box.y1)
    // Wide enough, the same call fits on one line and nothing is pushed.
    const wide = layoutSequence(r.events, r.steps, { width: 1000, texts })
    expect(wide.calls.find((c) => c.step.op === 'listen')!.label!.lines).toHaveLength(1)
  })

  it('writes a long wait beside the bars, not across them', () => {
    const r = RECORDED['handshake.synack-lost']!
    const l = layoutSequence(r.events, r.steps, { width: 360 })
    expect(l.breaks.length).toBeGreaterThan(0)
    for (const b of l.breaks) {
      for (const bar of l.bars)
        expect(
          b.label.box.x1 < bar.box.x0 ||
            b.label.box.x0 > bar.box.x1 ||
            b.label.box.y1 < bar.box.y0 ||
            b.label.box.y0 > bar.box.y1,
        ).toBe(true)
    }
  })

  it('the check finds overlaps, labels on bars and labels past the edge', () => {
    const at = (x: number, y: number, text: string, owner?: number): PlacedLabel => ({
      kind: 'call',
      lines: [text],
      x,
      y,
      anchor: 'start',
      size: 10.5,
      box: labelBox([text], 10.5, x, y, 'start'),
      row: 0,
      ...(owner === undefined ? {} : { owner }),
    })
    const bar = { step: 1, box: { x0: 100, x1: 108, y0: 0, y1: 100 } }
    const field = { left: 50, right: 300 }
    expect(labelProblems([at(60, 20, 'listen(7006)', 1)], [bar], field)).toEqual([])
    expect(labelProblems([at(60, 20, 'listen(7006)')], [bar], field).map((p) => p.what)).toEqual([
      'bar 1',
    ])
    expect(
      labelProblems([at(120, 20, 'accept()'), at(130, 26, 'x')], [], field).map((p) => p.what),
    ).toEqual(['overlap'])
    expect(labelProblems([at(280, 20, 'recv()')], [], field).map((p) => p.what)).toEqual(['cut'])
  })

  it('measures CJK as a full em and ASCII as the monospace advance', () => {
    expect(textWidth('等待', 10)).toBeCloseTo(20)
    expect(textWidth('abcd', 10)).toBeCloseTo(24.4)
  })
})
