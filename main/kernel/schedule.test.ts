// The ordering rule of the kernel lab: an actor waits only for steps due before its own (or
// due at the same time and earlier in the script), until they returned (immediate ops) or
// entered the kernel (ops that may block).
import { describe, expect, it } from 'vitest'
import { mayBlock, Schedule } from './schedule'
import { script } from './test-util'

const base = {
  labScript: 1 as const,
  steps: [
    { actor: 'server' as const, op: 'listen' as const, port: 7001 },
    { actor: 'net' as const, op: 'drop' as const, match: 'SYN' as const },
    { actor: 'client' as const, op: 'connect' as const, port: 7001, at: 10 },
    { actor: 'server' as const, op: 'accept' as const },
  ],
}

describe('Schedule', () => {
  it('classifies the ops that may block', () => {
    expect(
      ['connect', 'accept', 'send', 'recv', 'sleep'].every((op) => mayBlock(op as never)),
    ).toBe(true)
    expect(['listen', 'close', 'crash', 'cut', 'freeze'].some((op) => mayBlock(op as never))).toBe(
      false,
    )
  })

  it('holds a later step until earlier immediate steps returned', () => {
    const s = new Schedule(script(base))
    expect(s.dueMs('client')).toBe(10)
    // listen (due 0) and the drop (due 0) come first; each may go at once.
    expect(s.blocker('server')).toBeNull()
    expect(s.blocker('net')).toBe('server') // same time, later in the script
    expect(s.blocker('client')).toBe('server')
    s.started('server')
    expect(s.blocker('client')).toBe('server') // listen is immediate: wait for its return
    s.returned('server', 2)
    expect(s.blocker('net')).toBeNull()
    // accept (due 2, after listen returned) and the drop are before the connect (due 10).
    expect(s.blocker('client')).toBe('server')
    s.started('net')
    expect(s.blocker('server')).toBe('net')
    s.returned('net', 3)
    expect(s.blocker('server')).toBeNull()
    expect(s.blocker('client')).toBe('server')
    s.started('server') // accept may block: entering the kernel is enough
    expect(s.blocker('client')).toBe('server')
    s.issued('server')
    expect(s.blocker('client')).toBeNull()
  })

  it('counts a step that returns at once as taking no script time, however slow the lab was', () => {
    const s = new Schedule(script(base))
    s.started('server')
    // listen (due 0) took the lab 12 ms: accept is still due at 0, before the connect at 10.
    s.returned('server', 12)
    expect(s.dueMs('server')).toBe(0)
    s.started('net')
    s.returned('net', 13)
    expect(s.blocker('client')).toBe('server')
    s.started('server')
    s.issued('server')
    // accept may block: it ends when it returns, and the time it waited counts.
    s.returned('server', 40)
    expect(s.dueMs('server')).toBe(Infinity)
  })

  it('never holds an earlier step for a later one', () => {
    const s = new Schedule(script(base))
    s.started('server')
    s.returned('server', 1)
    s.started('net')
    s.returned('net', 1)
    // The server's accept is due at 1, the client's connect at 10: the server goes first.
    expect(s.blocker('server')).toBeNull()
    expect(s.blocker('client')).toBe('server')
  })

  it('ignores actors that are done or blocked in an issued call', () => {
    const s = new Schedule(
      script({
        labScript: 1,
        steps: [
          { actor: 'client', op: 'recv' },
          { actor: 'client', op: 'close' },
          { actor: 'server', op: 'sleep', ms: 5, at: 50 },
        ],
      }),
    )
    s.started('client')
    s.issued('client')
    expect(s.blocker('server')).toBeNull()
    s.finished('client')
    expect(s.blocker('server')).toBeNull()
  })

  it('wakes a waiting actor when the one it waits for moves, and stops on request', async () => {
    const s = new Schedule(script(base))
    let stop!: (v: 'stop') => void
    const stopped = new Promise<'stop'>((r) => (stop = r))
    const gate = s.gate('client', stopped)
    s.started('server')
    s.returned('server', 1)
    s.started('net')
    s.returned('net', 1)
    s.started('server')
    s.issued('server')
    await expect(gate).resolves.toBe('go')
    const s2 = new Schedule(script(base))
    const gate2 = s2.gate('client', stopped)
    stop('stop')
    await expect(gate2).resolves.toBe('stop')
  })

  it('a signal after a blocked call is taken aside at its at, and holds later steps until then', async () => {
    const s = new Schedule(
      script({
        labScript: 2,
        steps: [
          { actor: 'client', op: 'recv', at: 100 },
          { actor: 'client', op: 'signal', at: 500 },
          { actor: 'client', op: 'close' },
          { actor: 'server', op: 'listen', port: 7001, at: 800 },
        ],
      }),
    )
    s.started('client')
    expect(s.aside('client')).toBeUndefined() // not in the kernel yet
    s.issued('client')
    expect(s.aside('client')).toBe(1)
    // The server's step due at 800 waits for the signal due at 500.
    expect(s.blocker('server')).toBe('client')
    const stop = new Promise<'stop'>(() => undefined)
    expect(await s.gateAside('client', 1, 500, stop)).toBe('go')
    s.tookAside('client')
    expect(s.aside('client')).toBeUndefined()
    expect(s.blocker('server')).toBeNull()
    // The recv returns: the close comes next, not the signal.
    s.returned('client', 600)
    expect(s.dueMs('client')).toBe(600)
  })
})
