/**
 * The TCP state diagram in RFC 9293's classic layout (Figure 5): CLOSED on top, the
 * handshake states below it, ESTABLISHED in the middle, the active close on the left and the
 * passive close on the right, CLOSED again at the bottom. Pure geometry: the component only
 * draws what these functions return, and tests check the shape without a DOM.
 */
import type { TcpState } from '../../shared/lab-result'

/**
 * Drawing size of the diagram (SVG viewBox units). Compact on purpose: a state graph gets
 * about 300-340 px of a laptop's or projector's width, and its 12.5-unit state names must
 * stay readable there (at least 11 px on a 1400 px window). Transition labels are not drawn
 * inside the figure (they would sit on boxes or be cut at its edge): the component writes the
 * last transition's cause below it.
 */
export const SM_WIDTH = 336
export const SM_HEIGHT = 270
const NODE_W = 102
const NODE_H = 23
const COL = [56, 168, 280] as const
const ROW = (r: number): number => 18 + r * 38

/** A box of the diagram. CLOSED appears twice, as in the RFC (`CLOSED` and `CLOSED_END`). */
export interface SmNode {
  id: string
  state: TcpState
  x: number
  y: number
  w: number
  h: number
}

/** An arrow between two boxes. */
export interface SmEdge {
  id: string
  from: string
  to: string
  /** SVG path data. */
  d: string
  /** Where its label goes. */
  labelX: number
  labelY: number
  /** The RFC's own label: event / action. */
  rfc: string
  /** False for a transition the classic figure does not draw (an RST, a give-up timer). */
  canonical: boolean
}

const node = (id: string, state: TcpState, col: number, row: number): SmNode => ({
  id,
  state,
  x: COL[col]!,
  y: ROW(row),
  w: NODE_W,
  h: NODE_H,
})

/** The boxes, in the RFC's places. */
export const SM_NODES: readonly SmNode[] = [
  node('CLOSED', 'CLOSED', 1, 0),
  node('LISTEN', 'LISTEN', 1, 1),
  node('SYN_RCVD', 'SYN_RCVD', 0, 2),
  node('SYN_SENT', 'SYN_SENT', 2, 2),
  node('ESTABLISHED', 'ESTABLISHED', 1, 3),
  node('FIN_WAIT_1', 'FIN_WAIT_1', 0, 4),
  node('CLOSING', 'CLOSING', 1, 4),
  node('CLOSE_WAIT', 'CLOSE_WAIT', 2, 4),
  node('FIN_WAIT_2', 'FIN_WAIT_2', 0, 5),
  node('TIME_WAIT', 'TIME_WAIT', 1, 5),
  node('LAST_ACK', 'LAST_ACK', 2, 5),
  node('CLOSED_END', 'CLOSED', 1, 6),
]

const byId = new Map(SM_NODES.map((n) => [n.id, n]))

/** RFC 9293 Figure 5's transitions: [from, to, "event / action"]. */
const RFC_EDGES: readonly [string, string, string][] = [
  ['CLOSED', 'LISTEN', 'passive OPEN / create TCB'],
  ['CLOSED', 'SYN_SENT', 'active OPEN / snd SYN'],
  ['LISTEN', 'SYN_RCVD', 'rcv SYN / snd SYN,ACK'],
  ['LISTEN', 'SYN_SENT', 'SEND / snd SYN'],
  ['LISTEN', 'CLOSED', 'CLOSE / delete TCB'],
  ['SYN_SENT', 'SYN_RCVD', 'rcv SYN / snd ACK'],
  ['SYN_SENT', 'ESTABLISHED', 'rcv SYN,ACK / snd ACK'],
  ['SYN_SENT', 'CLOSED', 'CLOSE / delete TCB'],
  ['SYN_RCVD', 'ESTABLISHED', 'rcv ACK of SYN'],
  ['SYN_RCVD', 'FIN_WAIT_1', 'CLOSE / snd FIN'],
  ['SYN_RCVD', 'LISTEN', 'rcv RST'],
  ['ESTABLISHED', 'FIN_WAIT_1', 'CLOSE / snd FIN'],
  ['ESTABLISHED', 'CLOSE_WAIT', 'rcv FIN / snd ACK'],
  ['FIN_WAIT_1', 'FIN_WAIT_2', 'rcv ACK of FIN'],
  ['FIN_WAIT_1', 'CLOSING', 'rcv FIN / snd ACK'],
  ['FIN_WAIT_2', 'TIME_WAIT', 'rcv FIN / snd ACK'],
  ['CLOSING', 'TIME_WAIT', 'rcv ACK of FIN'],
  ['CLOSE_WAIT', 'LAST_ACK', 'CLOSE / snd FIN'],
  ['LAST_ACK', 'CLOSED_END', 'rcv ACK of FIN'],
  ['TIME_WAIT', 'CLOSED_END', 'Timeout=2MSL / delete TCB'],
]

interface Point {
  x: number
  y: number
}

/** Where the ray from a box's centre towards `toward` leaves the box. */
export function borderPoint(n: SmNode, toward: Point): Point {
  const dx = toward.x - n.x
  const dy = toward.y - n.y
  if (dx === 0 && dy === 0) return { x: n.x, y: n.y }
  const sx = dx === 0 ? Infinity : n.w / 2 / Math.abs(dx)
  const sy = dy === 0 ? Infinity : n.h / 2 / Math.abs(dy)
  const s = Math.min(sx, sy)
  return { x: n.x + dx * s, y: n.y + dy * s }
}

function round(v: number): number {
  return Math.round(v * 10) / 10
}

/** A straight arrow, or a curve bent `bend` units to its left. */
function arrow(from: SmNode, to: SmNode, bend: number): { d: string; label: Point } {
  if (bend === 0) {
    const a = borderPoint(from, to)
    const b = borderPoint(to, from)
    return {
      d: `M${round(a.x)},${round(a.y)} L${round(b.x)},${round(b.y)}`,
      label: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
    }
  }
  const mx = (from.x + to.x) / 2
  const my = (from.y + to.y) / 2
  const len = Math.hypot(to.x - from.x, to.y - from.y) || 1
  const c = { x: mx + (-(to.y - from.y) / len) * bend, y: my + ((to.x - from.x) / len) * bend }
  const a = borderPoint(from, c)
  const b = borderPoint(to, c)
  // The label sits on the curve's midpoint (t = 0.5 of the quadratic).
  const label = { x: 0.25 * a.x + 0.5 * c.x + 0.25 * b.x, y: 0.25 * a.y + 0.5 * c.y + 0.25 * b.y }
  return {
    d: `M${round(a.x)},${round(a.y)} Q${round(c.x)},${round(c.y)} ${round(b.x)},${round(b.y)}`,
    label,
  }
}

function makeEdge(fromId: string, toId: string, rfc: string, canonical: boolean): SmEdge {
  const from = byId.get(fromId)!
  const to = byId.get(toId)!
  // Arrows that would run through other boxes bend around them.
  const sameColumn = from.x === to.x && Math.abs(from.y - to.y) > ROW(1) - ROW(0)
  const bend = canonical
    ? fromId === 'LISTEN' && toId === 'SYN_SENT'
      ? -14
      : 0
    : sameColumn
      ? 100
      : 30
  const { d, label } = arrow(from, to, from.x > SM_WIDTH / 2 ? -bend : bend)
  return {
    id: `${fromId}->${toId}`,
    from: fromId,
    to: toId,
    d,
    labelX: round(label.x),
    labelY: round(label.y),
    rfc,
    canonical,
  }
}

/** The figure's arrows. */
export const SM_EDGES: readonly SmEdge[] = RFC_EDGES.map(([f, t, l]) => makeEdge(f, t, l, true))

/** The box a state is drawn in, given how the end got there. */
export function nodeIdFor(state: TcpState, from?: TcpState): string {
  if (state !== 'CLOSED' || from === undefined) return state
  // Back to CLOSED: the top box when the RFC draws it there, else the bottom one.
  return from === 'LISTEN' || from === 'SYN_SENT' ? 'CLOSED' : 'CLOSED_END'
}

/**
 * The arrow for a transition: the figure's own when it has one, else a curve (an RST or a
 * give-up timer takes a connection to CLOSED from states the classic figure does not link).
 */
export function edgeFor(from: TcpState, to: TcpState): SmEdge {
  const fromId = nodeIdFor(from)
  const toId = nodeIdFor(to, from)
  const found = SM_EDGES.find((e) => e.from === fromId && e.to === toId)
  return found ?? makeEdge(fromId, toId, '', false)
}

/** What made a transition happen, for its label and colour. */
export type CauseKind = 'segment' | 'call' | 'timer' | 'observed' | 'other'

/** Reads a backend's cause text (`rcv SYN`, `call connect`, `timer SYN retries exhausted`, `ss`). */
export function causeKind(cause: string | undefined): CauseKind {
  if (!cause) return 'other'
  if (/^rcv\b/i.test(cause)) return 'segment'
  if (/^call\b/i.test(cause)) return 'call'
  if (/^(timer|timeout)\b/i.test(cause) || /\btime-?out\b/i.test(cause)) return 'timer'
  if (/^ss\b/i.test(cause)) return 'observed'
  return 'other'
}

/** The cause without its kind word: `rcv SYN` -> `SYN`, `call connect` -> `connect`. */
export function causeDetail(cause: string | undefined): string {
  if (!cause) return ''
  return cause.replace(/^(rcv|call|timer)\s+/i, '').trim()
}
