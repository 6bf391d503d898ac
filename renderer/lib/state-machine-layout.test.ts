import { describe, expect, it } from 'vitest'
import { TCP_STATES } from '../../shared/lab-result'
import {
  borderPoint,
  causeDetail,
  causeKind,
  edgeFor,
  nodeIdFor,
  SM_EDGES,
  SM_HEIGHT,
  SM_NODES,
  SM_WIDTH,
} from './state-machine-layout'

describe('state machine layout', () => {
  it('draws all eleven RFC 9293 states inside the drawing, none overlapping', () => {
    const states = new Set(SM_NODES.map((n) => n.state))
    expect([...states].sort()).toEqual([...TCP_STATES].sort())
    for (const n of SM_NODES) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0)
      expect(n.x + n.w / 2).toBeLessThanOrEqual(SM_WIDTH)
      expect(n.y + n.h / 2).toBeLessThanOrEqual(SM_HEIGHT)
    }
    for (const a of SM_NODES)
      for (const b of SM_NODES) {
        if (a === b) continue
        const apart = Math.abs(a.x - b.x) >= a.w || Math.abs(a.y - b.y) >= a.h
        expect(apart, `${a.id} / ${b.id}`).toBe(true)
      }
  })

  it('keeps the classic places: CLOSED on top, ESTABLISHED in the middle, active close left', () => {
    const at = (id: string) => SM_NODES.find((n) => n.id === id)!
    expect(at('CLOSED').y).toBeLessThan(at('LISTEN').y)
    expect(at('LISTEN').y).toBeLessThan(at('ESTABLISHED').y)
    expect(at('FIN_WAIT_1').x).toBeLessThan(at('ESTABLISHED').x)
    expect(at('CLOSE_WAIT').x).toBeGreaterThan(at('ESTABLISHED').x)
    expect(at('CLOSED_END').y).toBeGreaterThan(at('TIME_WAIT').y)
  })

  it('uses the figure’s arrow when the RFC draws the transition', () => {
    const e = edgeFor('SYN_SENT', 'ESTABLISHED')
    expect(e.canonical).toBe(true)
    expect(e.rfc).toBe('rcv SYN,ACK / snd ACK')
    expect(SM_EDGES).toContain(e)
    expect(edgeFor('LAST_ACK', 'CLOSED').to).toBe('CLOSED_END')
    expect(edgeFor('SYN_SENT', 'CLOSED').to).toBe('CLOSED')
  })

  it('bends a transition the figure lacks (an RST, a give-up timer) to the bottom CLOSED', () => {
    const e = edgeFor('CLOSE_WAIT', 'CLOSED')
    expect(e.canonical).toBe(false)
    expect(e.to).toBe('CLOSED_END')
    expect(e.d).toMatch(/^M[\d.-]+,[\d.-]+ Q/)
    expect(nodeIdFor('CLOSED', 'ESTABLISHED')).toBe('CLOSED_END')
    expect(nodeIdFor('CLOSED')).toBe('CLOSED')
  })

  it('starts arrows on the box border', () => {
    const n = SM_NODES[0]!
    const p = borderPoint(n, { x: n.x, y: n.y + 100 })
    expect(p).toEqual({ x: n.x, y: n.y + n.h / 2 })
  })

  it('reads a backend’s cause', () => {
    expect(causeKind('rcv SYN')).toBe('segment')
    expect(causeKind('call connect')).toBe('call')
    expect(causeKind('timer SYN retries exhausted')).toBe('timer')
    expect(causeKind('ss')).toBe('observed')
    expect(causeKind(undefined)).toBe('other')
    expect(causeDetail('rcv SYN-ACK')).toBe('SYN-ACK')
    expect(causeDetail('call close/shutdown')).toBe('close/shutdown')
  })
})
