/**
 * The packet sequence diagram's geometry, like the article's figures: a lifeline per host
 * (and one for the middlebox when there is one), each segment an arrow from sender to
 * receiver labelled with flags, seq, ack and length, dropped segments cut short where they
 * died, ICMP errors coming back, state changes beside the lifelines and each call as a bar
 * from issue to return. Pure: the component draws the items; tests check the geometry.
 *
 * Items carry the index of the event that makes them visible, so playback shows a prefix of
 * the trace without recomputing anything, and the items are sorted by height so a
 * 10,000-event trace can be windowed to what is on screen.
 */
import type { Endpoint } from '../../shared/lab-script'
import type { SegmentEvent, StepResult, TraceEvent } from '../../shared/lab-result'
import { layoutAxis, type AxisBreak, type AxisMode, type AxisTick } from './time-axis'

/** Default width of the drawing (SVG units); the view passes the pane's real width. */
export const SEQ_WIDTH = 760
/** Space above the first row (lane titles). */
export const SEQ_TOP = 46
/** How far an arrow descends while it crosses (the wire takes time). */
const SLANT = 12

/** Horizontal positions of the lifelines. */
export interface Lanes {
  client: number
  server: number
  middlebox?: number
}

/** A segment's arrow. */
export interface SegmentItem {
  kind: 'segment'
  /** Index of the event; visible once the cursor has passed it. */
  at: number
  event: SegmentEvent
  x1: number
  y1: number
  x2: number
  y2: number
  /** True when the arrow stops short: dropped, rejected or held on the way. */
  cut: boolean
}

/** An ICMP error travelling back to a sender. */
export interface IcmpItem {
  kind: 'icmp'
  at: number
  icmp: string
  x1: number
  y1: number
  x2: number
  y2: number
}

/** A state change written beside its lifeline. */
export interface StateItem {
  kind: 'state'
  at: number
  actor: Endpoint
  text: string
  x: number
  y: number
  anchor: 'start' | 'end'
}

/** A row's item (everything but call bars). */
export type RowItem = SegmentItem | IcmpItem | StateItem

/** A call drawn as a bar from issue to return on its endpoint's lifeline. */
export interface CallItem {
  kind: 'call'
  step: StepResult
  /** Visible from this many shown events on (the call has been issued). */
  from: number
  /** Index of its syscall event; -1 when it never returned (blocked at the end). */
  returnAt: number
  x: number
  y1: number
  y2: number
  /** Where its label goes, outside the lanes. */
  labelX: number
  anchor: 'start' | 'end'
}

/** The whole diagram. */
export interface SequenceLayout {
  width: number
  height: number
  lanes: Lanes
  /** y of each event's row (cursor position after it). */
  eventY: Float64Array
  /** Row items sorted by their top edge. */
  items: RowItem[]
  calls: CallItem[]
  ticks: AxisTick[]
  breaks: AxisBreak[]
}

/** Layout options. */
export interface SequenceOptions {
  axis?: AxisMode
  /** Draw the middlebox lane (the script's topology). */
  middlebox?: boolean
  /** Width to lay out for, so text is drawn at its real size. */
  width?: number
}

/** Width of the time gutter on the left (tick labels live there, never under call labels). */
export const SEQ_GUTTER = 52

/** Lifeline positions for two or three hosts; call labels need room outside the lanes. */
export function lanesFor(middlebox: boolean, width = SEQ_WIDTH): Lanes {
  const inner = width - SEQ_GUTTER
  const margin = Math.round(Math.min(230, Math.max(110, inner * 0.27)))
  if (!middlebox) return { client: SEQ_GUTTER + margin, server: width - margin }
  const m = Math.round(margin * 0.8)
  return {
    client: SEQ_GUTTER + m,
    middlebox: Math.round(SEQ_GUTTER + inner / 2),
    server: width - m,
  }
}

/** How many characters of a call label fit beside a lifeline. */
export function labelChars(lanes: Lanes, width: number): number {
  const room = Math.min(lanes.client - 14 - SEQ_GUTTER, width - lanes.server - 14)
  return Math.max(10, Math.floor(room / 6.4))
}

/** Where a segment starts and ends horizontally, given its hop. */
export function segmentEnds(e: SegmentEvent, lanes: Lanes): { from: number; to: number } {
  const mb = lanes.middlebox
  let a = lanes.client
  let b = lanes.server
  if (mb !== undefined && e.hop === 'client-middlebox') b = mb
  if (mb !== undefined && e.hop === 'middlebox-server') a = mb
  return e.dir === 'c2s' ? { from: a, to: b } : { from: b, to: a }
}

/** Rows of the axis: every event, plus a row where each call is issued. */
interface Row {
  t: number
  /** Event index, or -1 for a call-issue row. */
  event: number
  /** For call-issue rows: the step. */
  step?: StepResult
  /** How many events come before this row. */
  before: number
}

function buildRows(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  returnIndex: Map<number, number>,
): Row[] {
  // A call is issued before the first event at or after its start, but never before its
  // actor's previous call has returned (a thread makes one call at a time).
  events.forEach((e, i) => {
    if (e.type === 'syscall' && !returnIndex.has(e.step)) returnIndex.set(e.step, i)
  })
  const starts: { pos: number; step: StepResult }[] = []
  const lastReturn: Record<string, number> = {}
  const ordered = steps
    .filter((s) => s.outcome !== 'skipped' && s.actor !== 'net')
    .sort((a, b) => a.startMs - b.startMs || a.index - b.index)
  for (const step of ordered) {
    let pos = lowerBoundTime(events, step.startMs)
    pos = Math.max(pos, (lastReturn[step.actor] ?? -1) + 1)
    starts.push({ pos, step })
    const r = returnIndex.get(step.index)
    if (r !== undefined) lastReturn[step.actor] = r
  }
  starts.sort((a, b) => a.pos - b.pos)
  const rows: Row[] = []
  let k = 0
  for (let i = 0; i <= events.length; i++) {
    while (k < starts.length && starts[k]!.pos === i) {
      const s = starts[k++]!
      const t = Math.max(rows.at(-1)?.t ?? 0, Math.min(s.step.startMs, events[i]?.tMs ?? Infinity))
      rows.push({ t, event: -1, step: s.step, before: i })
    }
    if (i < events.length) {
      const t = Math.max(rows.at(-1)?.t ?? 0, events[i]!.tMs)
      rows.push({ t, event: i, before: i })
    }
  }
  return rows
}

function lowerBoundTime(events: readonly TraceEvent[], t: number): number {
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (events[mid]!.tMs < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Lays out a whole trace. */
export function layoutSequence(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  options: SequenceOptions = {},
): SequenceLayout {
  const middlebox = options.middlebox ?? events.some((e) => e.type === 'segment' && e.hop)
  const width = Math.max(360, Math.round(options.width ?? SEQ_WIDTH))
  const lanes = lanesFor(middlebox, width)
  const returnIndex = new Map<number, number>()
  const rows = buildRows(events, steps, returnIndex)
  const axis = layoutAxis(
    rows.map((r) => r.t),
    SEQ_TOP,
    { mode: options.axis ?? 'broken' },
  )
  const eventY = new Float64Array(events.length)
  const items: RowItem[] = []
  const calls: CallItem[] = []
  const issued = new Map<number, { y: number; before: number }>()
  const side = (actor: Endpoint) =>
    actor === 'client'
      ? { x: lanes.client, out: lanes.client - 14, anchor: 'end' as const }
      : { x: lanes.server, out: lanes.server + 14, anchor: 'start' as const }

  rows.forEach((row, r) => {
    const y = axis.ys[r]!
    if (row.event < 0) {
      issued.set(row.step!.index, { y, before: row.before })
      return
    }
    eventY[row.event] = y
    const e = events[row.event]!
    const at = row.event
    if (e.type === 'segment') {
      const { from, to } = segmentEnds(e, lanes)
      const cut = e.fate !== 'delivered'
      // A segment that dies on the way stops a little past half way; a held one at the relay.
      const x2 = cut ? from + (to - from) * 0.55 : to
      const y2 = y + (cut ? SLANT * 0.55 : SLANT)
      items.push({ kind: 'segment', at, event: e, x1: from, y1: y, x2, y2, cut })
    } else if (e.type === 'icmp') {
      // The error comes from the far side, where the segment was refused.
      const toClient = e.dir === 's2c'
      const x2 = toClient ? lanes.client : lanes.server
      const far = toClient ? lanes.server : lanes.client
      items.push({
        kind: 'icmp',
        at,
        icmp: e.icmp,
        x1: x2 + (far - x2) * 0.55,
        y1: y,
        x2,
        y2: y + SLANT,
      })
    } else if (e.type === 'state') {
      const s = side(e.actor)
      items.push({ kind: 'state', at, actor: e.actor, text: e.to, x: s.out, y, anchor: s.anchor })
    }
  })

  const bottom = SEQ_TOP + axis.height - 8
  for (const step of steps) {
    if (step.actor === 'net' || step.outcome === 'skipped') continue
    const start = issued.get(step.index)
    if (!start) continue
    const returnAt = step.outcome === 'returned' ? (returnIndex.get(step.index) ?? -1) : -1
    const s = side(step.actor)
    calls.push({
      kind: 'call',
      step,
      from: start.before,
      returnAt,
      x: s.x,
      y1: start.y,
      y2: returnAt >= 0 ? eventY[returnAt]! : bottom,
      labelX: s.out,
      anchor: s.anchor,
    })
  }
  items.sort((a, b) => top(a) - top(b))
  return {
    width,
    // Room below the last row for a two-line call label (never cut at the bottom edge).
    height: SEQ_TOP + axis.height + 34,
    lanes,
    eventY,
    items,
    calls,
    ticks: axis.ticks,
    breaks: axis.breaks,
  }
}

function top(item: RowItem): number {
  return item.kind === 'state' ? item.y : Math.min(item.y1, item.y2)
}

/** Items that touch the band [y0, y1] (binary search: windowing a long trace is cheap). */
export function itemsIn(layout: SequenceLayout, y0: number, y1: number): RowItem[] {
  const list = layout.items
  let lo = 0
  let hi = list.length
  const from = y0 - 2 * SLANT
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (top(list[mid]!) < from) lo = mid + 1
    else hi = mid
  }
  const out: RowItem[] = []
  for (let i = lo; i < list.length && top(list[i]!) <= y1; i++) out.push(list[i]!)
  return out
}

/** The cursor's height after the first `shown` events. */
export function cursorY(layout: SequenceLayout, shown: number): number {
  if (shown <= 0 || layout.eventY.length === 0) return SEQ_TOP - 10
  return layout.eventY[Math.min(shown, layout.eventY.length) - 1]!
}

/** How many events are shown when the cursor is put at height `y` (click to scrub). */
export function shownAtY(layout: SequenceLayout, y: number): number {
  const ys = layout.eventY
  let lo = 0
  let hi = ys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ys[mid]! <= y + 4) lo = mid + 1
    else hi = mid
  }
  return lo
}
