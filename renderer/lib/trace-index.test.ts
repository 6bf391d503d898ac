import { describe, expect, it } from 'vitest'
import { RECORDED, RECORDED_ON } from './fixtures/index'
import { TraceIndex, upperBound } from './trace-index'

const crash = RECORDED['peer.crash-fin']!

describe('TraceIndex', () => {
  it('gives a step’s note params by key, from the events it has seen', () => {
    const run = RECORDED_ON.windows['peer.host-down']
    const index = new TraceIndex(run.events)
    expect(index.stepNoteParams(6)).toEqual({
      'data-give-up': { n: 3, s: 4.5, errno: 'ETIMEDOUT' },
    })
    // The note without a step (the caption's copy) is not a step's; a step without params has none.
    expect(index.stepNoteParams(5)).toEqual({})
    const early = new TraceIndex(run.events.slice(0, 5))
    expect(early.stepNoteParams(6)).toEqual({})
  })

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

  it('follows an array grown in place with a new index that shares the tables', () => {
    const live = crash.events.slice(0, 5)
    const first = new TraceIndex(live)
    live.push(...crash.events.slice(5))
    const next = first.follow(live)
    expect(next).not.toBe(first)
    expect(next.length).toBe(crash.events.length)
    // The older index still answers for the events it had seen.
    expect(first.length).toBe(5)
    expect(first.timeOf(1e9)).toBe(next.timeOf(5))
    expect(first.countAt(1e12)).toBe(5)
    const last = crash.steps.find((s) => next.syscallIndex(s.index) >= 5)!
    expect(first.syscallIndex(last.index)).toBe(-1)
    expect(next.visited('server', next.length)).toEqual(
      new TraceIndex(crash.events).visited('server', crash.events.length),
    )
    // Another array (a finished run's result) is indexed from scratch.
    const fresh = next.follow([...crash.events])
    expect(fresh.length).toBe(crash.events.length)
    expect(fresh.lastNote(fresh.length)).toEqual(next.lastNote(next.length))
  })

  it('upperBound is a binary search', () => {
    expect(upperBound([1, 2, 2, 3], 2)).toBe(3)
    expect(upperBound([], 2)).toBe(0)
    expect(upperBound([5], 1)).toBe(0)
  })
})
