/** Where the sequence diagram's lifelines stand, and the room beside them for call labels. */
import type { SegmentEvent } from '../../shared/lab-result'
import type { Endpoint } from '../../shared/lab-script'
import { textWidth, LABEL_SIZE } from './sequence-labels'

/** Default width of the drawing (SVG units); the view passes the pane's real width. */
export const SEQ_WIDTH = 760

/** Horizontal positions of the lifelines. */
export interface Lanes {
  client: number
  server: number
  middlebox?: number
}

/** Width of the time gutter on the left (tick labels live there, never under call labels). */
export const SEQ_GUTTER = 52

/** Lifeline positions for two or three hosts; call labels need room outside the lanes. */
export function lanesFor(middlebox: boolean, width = SEQ_WIDTH): Lanes {
  const inner = width - SEQ_GUTTER
  const margin = Math.round(Math.min(230, Math.max(110, inner * 0.27)))
  if (!middlebox) return { client: SEQ_GUTTER + margin, server: width - margin }
  // Narrower sides than with two hosts, but never too narrow for `connect(7013)` on one line.
  const m = Math.max(100, Math.round(margin * 0.8))
  return {
    client: SEQ_GUTTER + m,
    middlebox: Math.round(SEQ_GUTTER + inner / 2),
    server: width - m,
  }
}

/** How many characters of a call label fit beside a lifeline. */
export function labelChars(lanes: Lanes, width: number): number {
  const room = Math.min(lanes.client - 14 - SEQ_GUTTER - 2, width - lanes.server - 14 - 2)
  return Math.max(10, Math.floor(room / textWidth('m', LABEL_SIZE.call)))
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

/** A host's lifeline, and where its labels go: outside the lanes, away from the others. */
export function side(lanes: Lanes, actor: Endpoint) {
  return actor === 'client'
    ? { x: lanes.client, out: lanes.client - 14, anchor: 'end' as const }
    : { x: lanes.server, out: lanes.server + 14, anchor: 'start' as const }
}
