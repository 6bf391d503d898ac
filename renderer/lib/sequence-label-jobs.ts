/**
 * The sequence diagram's labels as jobs for the placer (sequence-labels.ts): what each says and
 * where it may go. Calls and states beside their lifeline, a segment's words anywhere along its
 * arrow (one line, two, or a word a line between two busy bars), a drop's words beside or under
 * the cross, a long wait's words anywhere across the drawing.
 */
import type { Endpoint } from '../../shared/lab-script'
import { segmentLabel, segmentLines, splitHeadline } from './segment-label'
import {
  textWidth,
  LABEL_SIZE,
  LINE_STEP,
  type Bar,
  type Candidate,
  type LabelJob,
} from './sequence-labels'
import { labelChars, segmentEnds, side, SEQ_GUTTER, type Lanes } from './sequence-lanes'
import type { CallItem, RowItem, SequenceTexts } from './sequence-layout'
import type { AxisBreak } from './time-axis'

/** The diagram's shapes before any label is placed. */
export interface Geometry {
  eventY: Float64Array
  items: RowItem[]
  /** Row of each item (same order). */
  itemRow: number[]
  calls: (Omit<CallItem, 'label' | 'pending'> & { issueRow: number; returnRow: number })[]
  bars: Bar[]
}

/** Which label each job is, to hand the placed labels back to their items. */
export type JobTarget =
  { item: number; fate?: boolean } | { call: number; pending: boolean } | { break: number }

/** Every label to place, in row order, with its candidate places (and what it labels). */
export function labelJobs(
  geo: Geometry,
  breaks: readonly AxisBreak[],
  lanes: Lanes,
  width: number,
  texts: SequenceTexts,
): { list: LabelJob[]; targets: JobTarget[] } {
  const jobs: { job: LabelJob; target: JobTarget; order: number }[] = []
  const chars = labelChars(lanes, width)
  const room = Math.min(lanes.client - 14 - SEQ_GUTTER, width - 2 - lanes.server - 14)
  const mid = (lanes.client + lanes.server) / 2
  breaks.forEach((b, i) => {
    const line = [texts.gap(b.gapMs)]
    jobs.push({
      job: {
        kind: 'gap',
        row: b.row,
        candidates: [{ lines: line, x: mid, y: b.y + 4, anchor: 'middle', slide: [0, width] }],
      },
      target: { break: i },
      order: 0,
    })
  })
  geo.calls.forEach((c, i) => {
    const s = side(lanes, c.step.actor as Endpoint)
    // A further client's labels have the room between its lifeline and the one on its left.
    const mine = s.room ?? room
    const myChars =
      s.room === undefined
        ? chars
        : Math.max(6, Math.floor(s.room / textWidth('m', LABEL_SIZE.call)))
    const at = (text: string, y: number): Candidate[] => [
      { lines: wrapToRoom(text, myChars, mine), x: s.out, y: y + 4, anchor: s.anchor },
    ]
    jobs.push({
      job: {
        kind: 'pending',
        row: c.issueRow,
        owner: c.step.index,
        candidates: at(texts.call(c.step, false), c.y1),
      },
      target: { call: i, pending: true },
      order: 1,
    })
    if (c.returnRow >= 0)
      jobs.push({
        job: {
          kind: 'call',
          row: c.returnRow,
          owner: c.step.index,
          candidates: at(texts.call(c.step, true), c.y2),
        },
        target: { call: i, pending: false },
        order: 1,
      })
  })
  geo.items.forEach((item, i) => {
    const row = geo.itemRow[i]!
    if (item.kind === 'state') {
      const c: Candidate = { lines: [item.text], x: item.x, y: item.y + 4, anchor: item.anchor }
      jobs.push({ job: { kind: 'state', row, candidates: [c] }, target: { item: i }, order: 1 })
      return
    }
    // Above the arrow, anywhere along it (the hop's whole width, even for one cut short; an
    // ICMP error along the way back from the far host).
    const to =
      item.kind === 'segment'
        ? segmentEnds(item.event, lanes).to
        : item.x2 === lanes.server
          ? // The far end the error came from: x1 lies 55 % of the way there (geometry()).
            item.x2 + (item.x1 - item.x2) / 0.55
          : lanes.server
    const span = [Math.min(item.x1, to), Math.max(item.x1, to)] as const
    const centre = (item.x1 + to) / 2
    const along = (lines: string[]): Candidate => ({
      lines,
      x: centre,
      y: item.y1 - 3 - (lines.length - 1) * LINE_STEP,
      anchor: 'middle',
      slide: span,
    })
    if (item.kind === 'icmp') {
      jobs.push({
        job: {
          kind: 'icmp',
          row,
          candidates: [along([`ICMP ${item.icmp}`]), along(['ICMP', item.icmp])],
        },
        target: { item: i },
        order: 2,
      })
      return
    }
    const e = item.event
    const retx = e.retransmit ? '↻ ' : ''
    const two = segmentLines(e)
    const candidates = [along([`${retx}${segmentLabel(e)}`])]
    if (two.length > 1) candidates.push(along([`${retx}${two[0]}`, ...two.slice(1)]))
    // Between two busy bars close together: a word a line (the rows below make room).
    const words = `${retx}${segmentLabel(e)}`.split(' ')
    if (words.length > 2) candidates.push(along(words))
    jobs.push({ job: { kind: 'segment', row, candidates }, target: { item: i }, order: 2 })
    if (!item.cut) return
    const fate = texts.fate(e)
    const right = item.x2 > item.x1
    const fateWords = fate.split(' ')
    const below = (lines: string[]): Candidate => ({
      lines,
      x: item.x2,
      y: item.y2 + 14,
      anchor: 'middle',
      slide: [item.x2 - 40, item.x2 + 40],
    })
    const fateCandidates: Candidate[] = [
      {
        lines: [fate],
        x: item.x2 + (right ? 7 : -7),
        y: item.y2 + 4,
        anchor: right ? 'start' : 'end',
      },
      below([fate]),
    ]
    if (fateWords.length > 1)
      fateCandidates.push(below([fateWords[0]!, fateWords.slice(1).join(' ')]))
    fateCandidates.push({
      lines: [fate],
      x: item.x2 + (right ? -7 : 7),
      y: item.y2 + 4,
      anchor: right ? 'end' : 'start',
    })
    jobs.push({
      job: { kind: 'fate', row, candidates: fateCandidates },
      target: { item: i, fate: true },
      order: 3,
    })
  })
  jobs.sort((a, b) => a.job.row - b.job.row || a.order - b.order)
  return { list: jobs.map((j) => j.job), targets: jobs.map((j) => j.target) }
}

/** A call's words split to the room beside its lifeline (fewer characters while one is too wide). */
function wrapToRoom(text: string, chars: number, room: number): string[] {
  const fits = (l: string) => textWidth(l, LABEL_SIZE.call) <= room
  let lines = splitHeadline(text, chars)
  for (let n = chars - 1; n >= 6 && !lines.every(fits); n--) lines = splitHeadline(text, n)
  // A word longer than the room is broken inside (wrapped, never cut at the edge).
  return lines.flatMap((line) => {
    if (fits(line)) return [line]
    const parts: string[] = []
    let part = ''
    for (const ch of line) {
      if (part && !fits(part + ch)) {
        parts.push(part)
        part = ''
      }
      part += ch
    }
    return [...parts, part]
  })
}
