import { describe, expect, it } from 'vitest'
import { layoutAxis, linearScale, logGapPx } from './time-axis'

describe('time axis', () => {
  it('gives simultaneous rows one row height each', () => {
    const a = layoutAxis([0, 0, 0], 10, { rowPx: 18 })
    expect([...a.ys]).toEqual([10, 28, 46])
    expect(a.breaks).toEqual([])
  })

  it('scales waits linearly so the median wait gets the typical height', () => {
    expect(linearScale([0, 100, 200, 300.05], 40)).toBeCloseTo(0.4)
    const a = layoutAxis([0, 1000, 2000, 4000], 0, { rowPx: 10, typicalGapPx: 40, maxGapPx: 500 })
    // Exponential backoff stays visible: the doubled wait is drawn twice as tall.
    expect(a.ys[3]! - a.ys[2]! - 10).toBeCloseTo(2 * (a.ys[2]! - a.ys[1]! - 10))
  })

  it('breaks waits above the cap and says how long they really were', () => {
    const a = layoutAxis([0, 10, 20, 60_000], 0, { rowPx: 10, typicalGapPx: 40, maxGapPx: 100 })
    expect(a.ys[3]! - a.ys[2]!).toBe(110)
    expect(a.breaks).toHaveLength(1)
    expect(a.breaks[0]!.gapMs).toBe(59_980)
  })

  it('on a log axis each doubling adds the same height', () => {
    const a = logGapPx(1000, 24) - logGapPx(500, 24)
    const b = logGapPx(2000, 24) - logGapPx(1000, 24)
    expect(a).toBeCloseTo(b, 1)
    expect(logGapPx(0, 24)).toBe(0)
  })

  it('labels times without crowding', () => {
    const a = layoutAxis([0, 0.05, 0.1, 100, 200], 0)
    const gaps = a.ticks.slice(1).map((t, i) => t.y - a.ticks[i]!.y)
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(34)
    expect(a.ticks[0]!.tMs).toBe(0)
  })
})

describe('reserved room', () => {
  it('adds the room a row needs before it, and moves the rows below with it', () => {
    const plain = layoutAxis([0, 0, 0, 0], 10)
    const reserve = new Float64Array([0, 0, 12, 0])
    const a = layoutAxis([0, 0, 0, 0], 10, { reserve })
    expect(a.ys[1]).toBe(plain.ys[1])
    expect(a.ys[2]! - plain.ys[2]!).toBe(12)
    expect(a.ys[3]! - plain.ys[3]!).toBe(12)
    expect(a.height - plain.height).toBe(12)
  })
})
