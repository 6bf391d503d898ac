/** Where the sequence diagram's lifelines stand, and the room beside them for call labels. */
import type { IcmpEvent, SegmentEvent } from '../../shared/lab-result'
import type { Endpoint, ExtraClient } from '../../shared/lab-script'
import { textWidth, LABEL_SIZE } from './sequence-labels'

/** Default width of the drawing (SVG units); the view passes the pane's real width. */
export const SEQ_WIDTH = 760

/** Horizontal positions of the lifelines. */
export interface Lanes {
  client: number
  server: number
  middlebox?: number
  /** Version 2's further clients, each its own lifeline between `client` and `server`. */
  extra?: Partial<Record<ExtraClient, number>>
  /** Room (SVG units) beside a further client's lifeline for its labels. */
  extraRoom?: number
}

/** Width of the time gutter on the left (tick labels live there, never under call labels). */
export const SEQ_GUTTER = 52

/**
 * Lifeline positions for two or three hosts; call labels need room outside the lanes. Further
 * clients (`extra`, direct topology only) stand between the first client and the server,
 * evenly spaced over the left part of the span so the segments to the server stay long
 * enough to read; their labels go on their left, between two client lifelines.
 */
export function lanesFor(
  middlebox: boolean,
  width = SEQ_WIDTH,
  extra: readonly ExtraClient[] = [],
): Lanes {
  const inner = width - SEQ_GUTTER
  const margin = Math.round(Math.min(230, Math.max(110, inner * 0.27)))
  if (!middlebox && extra.length > 0) {
    const m = Math.max(100, Math.round(margin * 0.75))
    const client = SEQ_GUTTER + m
    const server = width - m
    const gap = (server - client) / (extra.length + 1.6)
    const lanes: Lanes = { client, server, extra: {}, extraRoom: Math.max(40, gap - 20) }
    extra.forEach((c, i) => (lanes.extra![c] = Math.round(client + gap * (i + 1))))
    return lanes
  }
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

/** The lifeline of a segment's or ICMP error's client (`client` unless it names another). */
export function clientLane(e: Pick<SegmentEvent | IcmpEvent, 'client'>, lanes: Lanes): number {
  return (e.client && lanes.extra?.[e.client]) ?? lanes.client
}

/** Where a segment starts and ends horizontally, given its hop. */
export function segmentEnds(e: SegmentEvent, lanes: Lanes): { from: number; to: number } {
  const mb = lanes.middlebox
  let a = clientLane(e, lanes)
  let b = lanes.server
  if (mb !== undefined && e.hop === 'client-middlebox') b = mb
  if (mb !== undefined && e.hop === 'middlebox-server') a = mb
  return e.dir === 'c2s' ? { from: a, to: b } : { from: b, to: a }
}

/** A host's lifeline, and where its labels go: outside the lanes, away from the others. */
export function side(
  lanes: Lanes,
  actor: Endpoint,
): { x: number; out: number; anchor: 'end' | 'start'; room?: number } {
  if (actor === 'server') return { x: lanes.server, out: lanes.server + 14, anchor: 'start' }
  const x = actor === 'client' ? lanes.client : (lanes.extra?.[actor] ?? lanes.client)
  return x === lanes.client
    ? { x, out: x - 14, anchor: 'end' }
    : { x, out: x - 12, anchor: 'end', room: lanes.extraRoom ?? 60 }
}
