import { describe, expect, it } from 'vitest'
import type { SegmentEvent } from '../../shared/lab-result'
import { RECORDED } from './fixtures/index'
import {
  cursorY,
  itemsIn,
  layoutSequence,
  segmentEnds,
  shownAtY,
  lanesFor,
  type SegmentItem,
} from './sequence-layout'

describe('sequence layout', () => {
  it('draws every segment from sender to receiver, in time order', () => {
    const r = RECORDED['peer.crash-fin']!
    const l = layoutSequence(r.events, r.steps)
    const segs = l.items.filter((i): i is SegmentItem => i.kind === 'segment')
    expect(segs).toHaveLength(r.events.filter((e) => e.type === 'segment').length)
    const syn = segs.find((s) => s.event.flags.join() === 'SYN')!
    expect(syn.x1).toBe(l.lanes.client)
    expect(syn.x2).toBe(l.lanes.server)
    expect(syn.y2).toBeGreaterThan(syn.y1)
    const rst = segs.find((s) => s.event.flags.includes('RST'))!
    expect(rst.x1).toBe(l.lanes.server)
    expect(rst.y1).toBeGreaterThan(syn.y1)
    for (let i = 1; i < l.eventY.length; i++) expect(l.eventY[i]).toBeGreaterThan(l.eventY[i - 1]!)
  })

  it('cuts dropped segments short, on the sender’s side', () => {
    const r = RECORDED['connect.timeout']!
    const l = layoutSequence(r.events, r.steps)
    const dropped = l.items.filter((i): i is SegmentItem => i.kind === 'segment' && i.cut)
    expect(dropped.length).toBeGreaterThanOrEqual(3)
    for (const d of dropped) {
      expect(d.x2).toBeLessThan(l.lanes.server)
      expect(d.x2).toBeGreaterThan(l.lanes.client)
    }
  })

  it('draws each call as a bar from issue to return; a blocked call runs to the bottom', () => {
    const r = RECORDED['connect.timeout']!
    const l = layoutSequence(r.events, r.steps)
    const connect = l.calls.find((c) => c.step.op === 'connect')!
    expect(connect.step.errno).toBe('ETIMEDOUT')
    expect(connect.y2 - connect.y1).toBeGreaterThan(100)
    expect(connect.x).toBe(l.lanes.client)
    const synack = RECORDED['handshake.synack-lost']!
    const l2 = layoutSequence(synack.events, synack.steps)
    const accept = l2.calls.find((c) => c.step.op === 'accept')!
    expect(accept.returnAt).toBe(-1)
    expect(accept.y2).toBeGreaterThan(l2.eventY.at(-1)!)
  })

  it('adds the middlebox lane and routes each hop to it', () => {
    const r = RECORDED['send.nat-ack']!
    const l = layoutSequence(r.events, r.steps)
    expect(l.lanes.middlebox).toBeDefined()
    const e: SegmentEvent = {
      tMs: 0,
      type: 'segment',
      dir: 'c2s',
      flags: ['ACK'],
      seq: 1,
      ack: 1,
      len: 5,
      fate: 'delivered',
      hop: 'client-middlebox',
    }
    expect(segmentEnds(e, l.lanes)).toEqual({ from: l.lanes.client, to: l.lanes.middlebox })
    expect(segmentEnds({ ...e, dir: 's2c', hop: 'middlebox-server' }, l.lanes)).toEqual({
      from: l.lanes.server,
      to: l.lanes.middlebox,
    })
    expect(lanesFor(false).middlebox).toBeUndefined()
  })

  it('sends ICMP errors back to the sender', () => {
    const r = RECORDED['connect.unreachable']!
    const l = layoutSequence(r.events, r.steps)
    const icmp = l.items.find((i) => i.kind === 'icmp')
    expect(icmp).toBeDefined()
    if (icmp?.kind === 'icmp') expect(icmp.x2).toBe(l.lanes.client)
  })

  it('windows items by height and maps heights back to the cursor', () => {
    const r = RECORDED['connect.timeout']!
    const l = layoutSequence(r.events, r.steps)
    const all = itemsIn(l, -1e9, 1e9)
    expect(all).toHaveLength(l.items.length)
    const mid = l.eventY[5]!
    const some = itemsIn(l, mid - 5, mid + 5)
    expect(some.length).toBeGreaterThan(0)
    expect(some.length).toBeLessThan(all.length)
    expect(shownAtY(l, cursorY(l, 6))).toBe(6)
    expect(shownAtY(l, -100)).toBe(0)
  })

  it('uses a log axis on request', () => {
    const r = RECORDED['connect.timeout']!
    const broken = layoutSequence(r.events, r.steps, { axis: 'broken' })
    const log = layoutSequence(r.events, r.steps, { axis: 'log' })
    expect(log.height).not.toBe(broken.height)
    expect(log.breaks).toEqual([])
  })
})
