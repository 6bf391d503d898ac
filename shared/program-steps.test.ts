import { describe, expect, it } from 'vitest'
import type { ProgramCall } from './program-result'
import { programSteps } from './program-steps'
import { scenarioScript } from './catalog/index'

function call(
  op: ProgramCall['op'],
  startMs: number,
  extra: Partial<ProgramCall> = {},
): ProgramCall {
  return {
    actor: 'client',
    pid: 1,
    syscall: op,
    op,
    fd: 3,
    startMs,
    endMs: startMs + 1,
    outcome: 'returned',
    ret: 0,
    ...extra,
  }
}

describe('programSteps', () => {
  it("matches the role's call steps in order, passing over calls the script has no step for", () => {
    const script = scenarioScript('peer.crash-rst')!
    const { steps, unmatched } = programSteps(script, 'client', [
      call('recv', 300, {
        ret: -1,
        errno: 'ECONNRESET',
        errnoNumber: 104,
        message: 'Connection reset by peer',
      }),
      call('socket', 10, { ret: 3 }),
      call('setsockopt', 11),
      call('connect', 12),
      call('send', 301, { ret: -1, errno: 'EPIPE', signal: 'SIGPIPE' }),
    ])
    expect(unmatched).toEqual([])
    expect(steps.map((s) => [s.index, s.op, s.ret, s.errno ?? ''])).toEqual([
      [1, 'connect', 0, ''],
      [4, 'recv', -1, 'ECONNRESET'],
      [5, 'send', -1, 'EPIPE'],
    ])
    expect(steps[2]!.signal).toBe('SIGPIPE')
    expect(steps[1]).toMatchObject({ actor: 'client', startMs: 300, endMs: 301, errnoNumber: 104 })
  })

  it('names the steps the program made no call for', () => {
    const script = scenarioScript('peer.crash-rst')!
    const { steps, unmatched } = programSteps(script, 'client', [
      call('send', 5),
      call('connect', 6),
    ])
    expect(steps.map((s) => s.index)).toEqual([1])
    expect(unmatched).toEqual([4, 5])
  })
})
