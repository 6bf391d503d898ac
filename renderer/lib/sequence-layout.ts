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
 *
 * Every word comes placed (sequence-label-jobs.ts says what may go where, sequence-labels.ts
 * picks places): no label over another, over a bar not its own, or past the edge; a row is
 * pushed down when the words above it need the room. `sequenceProblems` is the check.
 */
import { EXTRA_CLIENTS, type Endpoint, type ExtraClient } from '../../shared/lab-script'
import type { SegmentEvent, StepResult, TraceEvent } from '../../shared/lab-result'
import { formatMs } from '../components/format'
import { labelJobs, type Geometry, type JobTarget } from './sequence-label-jobs'
import {
  clientLane,
  SEQ_GUTTER,
  SEQ_WIDTH,
  segmentEnds,
  side,
  lanesFor,
  type Lanes,
} from './sequence-lanes'
import {
  labelBox,
  labelProblems,
  placeLabels,
  type Bar,
  type Field,
  type LabelJob,
  type LabelProblem,
  type PlacedLabel,
} from './sequence-labels'
import { layoutAxis, type AxisBreak, type AxisMode, type AxisTick } from './time-axis'

/** Space above the first row (lane titles). */
export const SEQ_TOP = 46
/** How far an arrow descends while it crosses (the wire takes time). */
const SLANT = 12

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
  /** Its flags and numbers, above the arrow. */
  label: PlacedLabel
  /** Why it stopped short, by the cross. */
  fate?: PlacedLabel
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
  label: PlacedLabel
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
  label: PlacedLabel
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
  /** Its label once returned (the call and its result), beside the return. */
  label?: PlacedLabel
  /** Its label while it has not returned, beside the issue. */
  pending: PlacedLabel
}

/** A break in the axis, with the words that say how long the wait was. */
export interface SeqBreak extends AxisBreak {
  label: PlacedLabel
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
  breaks: SeqBreak[]
  /** Every call's bar at full length (what labels must keep off). */
  bars: Bar[]
  /** Where labels may go. */
  field: Field
}

/** The words the diagram writes that depend on the language or the script. */
export interface SequenceTexts {
  /** A call's headline: `connect(7006) = -1 ETIMEDOUT` once returned, `connect(7006) …` before. */
  call(step: StepResult, returned: boolean): string
  /** Why a segment stopped short (`dropped (#1)`). */
  fate(event: SegmentEvent): string
  /** How long a cut wait was. */
  gap(ms: number): string
}

/** Plain English texts (tests and benches; the view passes its translated ones). */
export const PLAIN_TEXTS: SequenceTexts = {
  call: (step, returned) =>
    returned && step.ret !== undefined
      ? `${step.op}() = ${step.ret}${step.errno ? ` ${step.errno}` : ''}`
      : `${step.op}() …`,
  fate: (e) => (e.ruleStep !== undefined ? `${e.fate} (#${e.ruleStep})` : e.fate),
  gap: (ms) => `wait of ${ms} ms`,
}

/** Layout options. */
export interface SequenceOptions {
  axis?: AxisMode
  /** Draw the middlebox lane (the script's topology). */
  middlebox?: boolean
  /**
   * The further clients to draw a lifeline for (version 2), in order; by default those the
   * trace or the steps name.
   */
  extraClients?: readonly ExtraClient[]
  /** Width to lay out for, so text is drawn at its real size. */
  width?: number
  texts?: SequenceTexts
}

export {
  labelChars,
  lanesFor,
  segmentEnds,
  SEQ_GUTTER,
  SEQ_WIDTH,
  type Lanes,
} from './sequence-lanes'

/** Font size of the time ticks (the view draws them so). */
export const TICK_SIZE = 10

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

/** The further clients a run has (a step of theirs, or a segment or state of theirs). */
export function extraClientsOf(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
): ExtraClient[] {
  const seen = new Set<string>(steps.map((s) => s.actor))
  for (const e of events) {
    if ((e.type === 'segment' || e.type === 'icmp') && e.client) seen.add(e.client)
    else if (e.type === 'state') seen.add(e.actor)
  }
  return EXTRA_CLIENTS.filter((c) => seen.has(c))
}

/** Lays out a whole trace, its labels placed so that none overlaps another or a bar. */
export function layoutSequence(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  options: SequenceOptions = {},
): SequenceLayout {
  const middlebox = options.middlebox ?? events.some((e) => e.type === 'segment' && e.hop)
  const extra = options.extraClients ?? extraClientsOf(events, steps)
  // Several clients need room between their lifelines for the segments' and calls' labels:
  // below this width the drawing is laid out wider and scaled to the pane instead.
  const least = extra.length > 0 ? 480 + 40 * extra.length : 360
  const width = Math.max(least, Math.round(options.width ?? SEQ_WIDTH))
  const lanes = lanesFor(middlebox, width, extra)
  const returnIndex = new Map<number, number>()
  const rows = buildRows(events, steps, returnIndex)
  const times = rows.map((r) => r.t)
  const reserve = new Float64Array(rows.length)
  // Placing the labels may push rows down (room for a wrapped label); pushing only ever
  // separates rows, so a few passes settle it.
  for (let pass = 0; ; pass++) {
    const axis = layoutAxis(times, SEQ_TOP, { mode: options.axis ?? 'broken', reserve })
    const geo = geometry(events, steps, rows, axis.ys, returnIndex, lanes, SEQ_TOP + axis.height)
    const jobs = labelJobs(geo, axis.breaks, lanes, width, options.texts ?? PLAIN_TEXTS)
    const field = { left: SEQ_GUTTER, right: width - 2 }
    const { labels, changed } = placeLabels(jobs.list, geo.bars, field, reserve)
    if (changed && pass < 8) continue
    return assemble(geo, jobs, labels, axis, lanes, width, field)
  }
}

type Unlabelled<T> = T extends unknown ? Omit<T, 'label' | 'fate'> : never

function geometry(
  events: readonly TraceEvent[],
  steps: readonly StepResult[],
  rows: readonly Row[],
  ys: Float64Array,
  returnIndex: Map<number, number>,
  lanes: Lanes,
  axisBottom: number,
): Geometry {
  const eventY = new Float64Array(events.length)
  const eventRow = new Int32Array(events.length)
  const items: Unlabelled<RowItem>[] = []
  const itemRow: number[] = []
  const issued = new Map<number, { y: number; before: number; row: number }>()
  rows.forEach((row, r) => {
    const y = ys[r]!
    if (row.event < 0) {
      issued.set(row.step!.index, { y, before: row.before, row: r })
      return
    }
    eventY[row.event] = y
    eventRow[row.event] = r
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
      const x2 = toClient ? clientLane(e, lanes) : lanes.server
      const far = toClient ? lanes.server : clientLane(e, lanes)
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
      const s = side(lanes, e.actor)
      items.push({ kind: 'state', at, actor: e.actor, text: e.to, x: s.out, y, anchor: s.anchor })
    } else return
    itemRow.push(r)
  })
  const bottom = axisBottom - 8
  const calls: Geometry['calls'] = []
  const bars: Bar[] = []
  for (const step of steps) {
    if (step.actor === 'net' || step.outcome === 'skipped') continue
    const start = issued.get(step.index)
    if (!start) continue
    const returnAt = step.outcome === 'returned' ? (returnIndex.get(step.index) ?? -1) : -1
    const x = side(lanes, step.actor).x
    const y2 = returnAt >= 0 ? eventY[returnAt]! : bottom
    calls.push({
      kind: 'call',
      step,
      from: start.before,
      returnAt,
      x,
      y1: start.y,
      y2,
      issueRow: start.row,
      returnRow: returnAt >= 0 ? eventRow[returnAt]! : -1,
    })
    // As drawn: 8 wide, at least 3 tall.
    bars.push({
      step: step.index,
      box: { x0: x - 4, x1: x + 4, y0: start.y, y1: Math.max(y2, start.y + 3) },
    })
  }
  return { eventY, items: items as RowItem[], itemRow, calls, bars }
}

function assemble(
  geo: Geometry,
  jobs: { list: LabelJob[]; targets: JobTarget[] },
  labels: PlacedLabel[],
  axis: { ticks: AxisTick[]; breaks: AxisBreak[]; height: number },
  lanes: Lanes,
  width: number,
  field: Field,
): SequenceLayout {
  const items = geo.items as (RowItem & { label?: PlacedLabel; fate?: PlacedLabel })[]
  const calls = geo.calls.map(({ issueRow: _i, returnRow: _r, ...c }) => c) as CallItem[]
  const breaks = axis.breaks.map((b) => ({ ...b })) as SeqBreak[]
  let lowest = 0
  jobs.targets.forEach((target, k) => {
    const label = labels[k]!
    lowest = Math.max(lowest, label.box.y1)
    if ('item' in target) {
      if (target.fate) (items[target.item] as SegmentItem).fate = label
      else items[target.item]!.label = label
    } else if ('call' in target) {
      if (target.pending) calls[target.call]!.pending = label
      else calls[target.call]!.label = label
    } else breaks[target.break]!.label = label
  })
  items.sort((a, b) => top(a) - top(b))
  return {
    width,
    // Room below the last row for the lowest label (never cut at the bottom edge).
    height: Math.ceil(Math.max(SEQ_TOP + axis.height + 34, lowest + 6)),
    lanes,
    eventY: geo.eventY,
    items,
    calls,
    ticks: axis.ticks,
    breaks,
    bars: geo.bars,
    field,
  }
}

/** What is wrong with a layout's labels (overlaps, a bar under words, words cut): none, ideally. */
export function sequenceProblems(layout: SequenceLayout): LabelProblem[] {
  const labels: PlacedLabel[] = []
  for (const item of layout.items) {
    labels.push(item.label)
    if (item.kind === 'segment' && item.fate) labels.push(item.fate)
  }
  for (const c of layout.calls) {
    labels.push(c.pending)
    if (c.label) labels.push(c.label)
  }
  for (const b of layout.breaks) labels.push(b.label)
  // The time gutter's ticks (drawn by the view at x = 4, 10 units): labels keep off them.
  for (const k of layout.ticks) {
    const lines = [formatMs(k.tMs)]
    const box = labelBox(lines, TICK_SIZE, 4, k.y + 4, 'start')
    labels.push({
      kind: 'gap',
      lines,
      x: 4,
      y: k.y + 4,
      anchor: 'start',
      size: TICK_SIZE,
      box,
      row: -1,
    })
  }
  return labelProblems(labels, layout.bars, { left: 0, right: layout.field.right })
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
