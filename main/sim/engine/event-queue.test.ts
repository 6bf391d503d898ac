import { describe, expect, it } from 'vitest'
import { EventQueue } from './event-queue'
import { seededRandom } from './random'

describe('EventQueue', () => {
  it('runs events in time order, and same-time events in the order they were scheduled', () => {
    const q = new EventQueue()
    const seen: string[] = []
    q.schedule(5, () => seen.push('b'))
    q.schedule(1, () => seen.push('a'))
    q.schedule(5, () => seen.push('c'))
    q.schedule(0, () => {
      seen.push('now')
      q.schedule(0, () => seen.push('now-after'))
    })
    while (q.step());
    expect(seen).toEqual(['now', 'now-after', 'a', 'b', 'c'])
    expect(q.now).toBe(5)
    expect(q.processed).toBe(5)
  })

  it('cancelled timers never run and are not counted; many cancellations keep the agenda small', () => {
    const q = new EventQueue()
    let ran = 0
    const live = q.schedule(1000, () => ran++)
    for (let i = 0; i < 10_000; i++) q.schedule(10 + (i % 50), () => ran++).cancel()
    expect(q.peekTime()).toBe(1000)
    expect((q as unknown as { heap: unknown[] }).heap.length).toBeLessThan(100)
    live.cancel()
    live.cancel()
    expect(q.step()).toBe(false)
    expect(ran).toBe(0)
    expect(q.processed).toBe(0)
  })

  it('keeps time in whole nanoseconds, and a positive delay always moves the clock', () => {
    const q = new EventQueue()
    let t = 0
    for (let i = 0; i < 3; i++) q.schedule(0.05 * (i + 1), () => (t = q.now))
    while (q.step());
    expect(t).toBe(0.15)
    q.schedule(1e-12, () => undefined)
    q.step()
    expect(q.now).toBeGreaterThan(0.15)
  })

  it('orders a random agenda like a sort by (time, insertion)', () => {
    const rng = seededRandom(7)
    const q = new EventQueue()
    const want: [number, number][] = []
    const got: [number, number][] = []
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(rng.next() * 100)
      const t = q.schedule(at, () => got.push([at, i]))
      if (rng.next() < 0.3) t.cancel()
      else want.push([at, i])
    }
    while (q.step());
    want.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    expect(got).toEqual(want)
  })
})

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and stays in range', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const c = seededRandom(43)
    const xs = Array.from({ length: 100 }, () => a.int(32768, 60999))
    expect(Array.from({ length: 100 }, () => b.int(32768, 60999))).toEqual(xs)
    expect(Array.from({ length: 100 }, () => c.int(32768, 60999))).not.toEqual(xs)
    expect(xs.every((x) => x >= 32768 && x <= 60999 && Number.isInteger(x))).toBe(true)
  })

  it('after a run, only wire events run: timers before them are dropped, none past the bound', () => {
    const q = new EventQueue()
    const seen: string[] = []
    q.schedule(1, () => seen.push('timer 1'))
    q.deliver(2, (x: string) => seen.push(x), 'segment 2')
    q.schedule(2, () => seen.push('timer 2'))
    q.deliver(
      3,
      (x: string) => {
        seen.push(x)
        // What a delivery causes at once (an answer on the wire) still runs.
        q.deliver(0.5, (y: string) => seen.push(y), 'answer 3.5')
      },
      'segment 3',
    )
    q.deliver(9, (x: string) => seen.push(x), 'segment 9')
    while (q.stepWire(5));
    expect(seen).toEqual(['segment 2', 'segment 3', 'answer 3.5'])
    expect(q.now).toBe(3.5)
    expect(q.nextWire(5)).toBeUndefined()
    expect(q.nextWire(10)).toBe(9)
  })
})
