import { describe, expect, it } from 'vitest'
import { RECORDED } from './fixtures/index'
import { TraceIndex, upperBound } from './trace-index'

const crash = RECORDED['peer.crash-fin']!

describe('TraceIndex', () => {
  it('finds each end’s state after any prefix of the trace', () => {
    const index = new TraceIndex(crash.events)
    expect(index.endpoint('client', 0).state).toBe('CLOSED')
    const all = index.length
    expect(index.endpoint('client', all).state).toBe(crash.final.client)
    expect(index.endpoint('server', all).state).toBe(crash.final.server)
    // Just after the client's first transition it is SYN_SENT, and that transition is "last".
    const first = crash.events.findIndex((e) => e.type === 'state' && e.actor === 'client')
    const view = index.endpoint('client', first + 1)
    expect(view.state).toBe('SYN_SENT')
    expect(view.last?.cause).toBe('call connect')
    expect(view.lastIndex).toBe(first)
  })

  it('counts events by time and reports a step only once its call has returned', () => {
    const index = new TraceIndex(crash.events)
    expect(index.countAt(-1)).toBe(0)
    expect(index.countAt(1e9)).toBe(index.length)
    const epipe = crash.steps.find((s) => s.errno === 'EPIPE')!
    const at = index.syscallIndex(epipe.index)
    expect(at).toBeGreaterThan(0)
    expect(index.stepShown(epipe, at)).toBe(false)
    expect(index.stepShown(epipe, at + 1)).toBe(true)
    expect(index.timeOf(at + 1)).toBe(epipe.endMs)
  })

  it('extends as a live run streams, keeping earlier answers', () => {
    const index = new TraceIndex(crash.events.slice(0, 5))
    expect(index.length).toBe(5)
    index.extend(crash.events)
    expect(index.length).toBe(crash.events.length)
    expect(index.visited('server', index.length).has('FIN_WAIT_2')).toBe(true)
  })

  it('upperBound is a binary search', () => {
    expect(upperBound([1, 2, 2, 3], 2)).toBe(3)
    expect(upperBound([], 2)).toBe(0)
    expect(upperBound([5], 1)).toBe(0)
  })
})
