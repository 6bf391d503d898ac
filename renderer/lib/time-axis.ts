/**
 * The vertical time axis of the sequence diagram. Every row (an event, or a call being
 * issued) gets its own line, so simultaneous events never overlap; the space between two
 * moments grows with the time between them. Long waits would leave metres of empty paper, so
 * the axis is either *broken* (linear, with gaps above a cap drawn as a break with the real
 * duration) or *logarithmic* (each doubling of a wait adds the same height: exponential
 * backoff shows as a staircase).
 */

/** How waits map to height. */
export type AxisMode = 'broken' | 'log'

/** Axis options. */
export interface AxisOptions {
  mode: AxisMode
  /** Height of one row (events at the same moment). */
  rowPx: number
  /** Broken axis: the tallest gap drawn to scale; longer ones are cut. */
  maxGapPx: number
  /** Broken axis: height the typical (median) wait gets. */
  typicalGapPx: number
  /** Log axis: height per decade of milliseconds. */
  decadePx: number
  /**
   * Extra height before each row, whatever the wait: room the labels of the row above need
   * (a wrapped call label), decided by the label placement (sequence-labels.ts).
   */
  reserve?: ArrayLike<number>
}

/** Defaults that read well at the diagram's size. */
export const AXIS_DEFAULTS: AxisOptions = {
  mode: 'broken',
  rowPx: 18,
  maxGapPx: 150,
  typicalGapPx: 42,
  decadePx: 24,
}

/** A cut in a broken axis: where, and how long the wait really was. */
export interface AxisBreak {
  y: number
  gapMs: number
  /** Index of the row after the wait. */
  row: number
}

/** A labelled time on the axis. */
export interface AxisTick {
  y: number
  tMs: number
}

/** Positions of rows with the given (non-decreasing) times. */
export interface Axis {
  ys: Float64Array
  breaks: AxisBreak[]
  ticks: AxisTick[]
  height: number
}

/** Waits shorter than this are link delays, not pauses: they do not set the scale. */
const TINY_MS = 0.5

/** Linear scale (px per ms) so that the median real wait gets `typicalGapPx`. */
export function linearScale(times: ArrayLike<number>, typicalGapPx: number): number {
  const gaps: number[] = []
  for (let i = 1; i < times.length; i++) {
    const g = times[i]! - times[i - 1]!
    if (g >= TINY_MS) gaps.push(g)
  }
  if (gaps.length === 0) return typicalGapPx / 100
  gaps.sort((a, b) => a - b)
  return typicalGapPx / gaps[Math.floor(gaps.length / 2)]!
}

/** Height of a wait of `gapMs` on a log axis. */
export function logGapPx(gapMs: number, decadePx: number): number {
  return gapMs <= 0 ? 0 : decadePx * Math.log10(1 + gapMs / 0.1)
}

/** Lays out rows at `times` (which must not decrease) from `top`. */
export function layoutAxis(
  times: ArrayLike<number>,
  top: number,
  options: Partial<AxisOptions> = {},
): Axis {
  const o = { ...AXIS_DEFAULTS, ...options }
  const scale = o.mode === 'broken' ? linearScale(times, o.typicalGapPx) : 0
  const ys = new Float64Array(times.length)
  const breaks: AxisBreak[] = []
  const ticks: AxisTick[] = []
  let y = top
  let lastTickY = -Infinity
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!
    if (i > 0) {
      y += o.reserve?.[i] ?? 0
      const gap = t - times[i - 1]!
      let extra = 0
      if (gap > 0) {
        if (o.mode === 'log') extra = logGapPx(gap, o.decadePx)
        else {
          extra = gap * scale
          if (extra > o.maxGapPx) {
            extra = o.maxGapPx
            breaks.push({ y: y + o.rowPx / 2 + extra / 2, gapMs: gap, row: i })
          }
        }
      }
      y += o.rowPx + extra
    }
    ys[i] = y
    const changed = i === 0 || t !== times[i - 1]
    if (changed && y - lastTickY >= 34) {
      ticks.push({ y, tMs: t })
      lastTickY = y
    }
  }
  return { ys, breaks, ticks, height: y - top + o.rowPx }
}
