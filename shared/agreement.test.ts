import { describe, expect, it } from 'vitest'
import type { LabResult, StepResult } from './lab-result'
import { compareResults, formatDifferences, stepClass } from './agreement'

function result(steps: Partial<StepResult>[]): LabResult {
  return {
    labScript: 1,
    backend: 'sim',
    profile: 'linux',
    timers: {
      synRetries: 6,
      synackRetries: 5,
      retries2: 15,
      keepalive: { idleS: 7200, intervalS: 75, count: 9 },
    },
    timersShortened: false,
    durationMs: 0,
    events: [],
    final: { client: 'CLOSED', server: 'CLOSED' },
    steps: steps.map((s, index) => ({
      index,
      actor: 'client',
      op: 'connect',
      startMs: 0,
      endMs: 1,
      outcome: 'returned',
      ...s,
    })),
  }
}

describe('compareResults', () => {
  it('agrees on the same story', () => {
    const a = result([{ ret: -1, errno: 'ECONNREFUSED' }])
    const b = result([{ ret: -1, errno: 'ECONNREFUSED', endMs: 3 }])
    expect(compareResults(a, b)).toEqual([])
  })

  it('finds a different errno, sign class and outcome', () => {
    const a = result([{ ret: -1, errno: 'ECONNREFUSED' }, { ret: 5 }, { outcome: 'blocked' }])
    const b = result([{ ret: -1, errno: 'ETIMEDOUT' }, { ret: 0 }, { ret: 0 }])
    expect(compareResults(a, b).map((d) => d.field)).toEqual(['errno', 'ret', 'outcome'])
  })

  it("finds a different value: poll()'s revents, getsockopt()'s error", () => {
    const a = result([{ op: 'poll', ret: 1, value: 'POLLOUT|POLLERR|POLLHUP' }, { ret: 0 }])
    const b = result([
      { op: 'poll', ret: 1, value: 'POLLERR' },
      { ret: 0, value: 'EHOSTUNREACH' },
    ])
    const d = compareResults(a, b, { final: false })
    expect(d.map((x) => [x.step, x.field, x.sim, x.kernel])).toEqual([
      [0, 'value', 'POLLOUT|POLLERR|POLLHUP', 'POLLERR'],
      [1, 'value', '-', 'EHOSTUNREACH'],
    ])
    expect(formatDifferences(d)[0]).toBe(
      'step 0: value differs: simulator POLLOUT|POLLERR|POLLHUP, kernel POLLERR',
    )
    expect(compareResults(a, a)).toEqual([])
  })

  it('compares timings only for calls that ended on a timer, within max(300 ms, 10 %)', () => {
    const sim = result([{ ret: -1, errno: 'ETIMEDOUT', endMs: 7000 }])
    expect(compareResults(sim, result([{ ret: -1, errno: 'ETIMEDOUT', endMs: 7600 }]))).toEqual([])
    expect(
      compareResults(sim, result([{ ret: -1, errno: 'ETIMEDOUT', endMs: 7800 }]))[0]?.field,
    ).toBe('endMs')
    // Immediate answers are not timed: 0.2 ms against 5 ms is the same story, and so is a
    // kernel slowed by a loaded machine (a crash that took 550 ms to kill the process).
    expect(
      compareResults(result([{ ret: 0, endMs: 0.2 }]), result([{ ret: 0, endMs: 5 }])),
    ).toEqual([])
    expect(
      compareResults(
        result([{ ret: 0, endMs: 100, startMs: 100 }]),
        result([{ ret: 0, endMs: 550 }]),
      ),
    ).toEqual([])
    // But a kernel call that blocked for seconds where the simulator answered at once is not.
    expect(
      compareResults(
        result([{ ret: 0, endMs: 100, startMs: 100 }]),
        result([{ ret: 0, endMs: 2500 }]),
      )[0]?.field,
    ).toBe('endMs')
  })
})

describe('final states', () => {
  it('are part of the rule, each end on its own', () => {
    const sim = result([{ ret: 0 }])
    const kernel = {
      ...result([{ ret: 0 }]),
      final: { client: 'TIME_WAIT', server: 'CLOSED' },
    } as LabResult
    const diffs = compareResults(sim, kernel)
    expect(diffs).toEqual([
      { step: -1, field: 'final', endpoint: 'client', sim: 'CLOSED', kernel: 'TIME_WAIT' },
    ])
    expect(formatDifferences(diffs)).toEqual([
      'final state of the client: simulator CLOSED, kernel TIME_WAIT',
    ])
  })

  it('can be left out, and steps chosen (the shell compares the calls before a new one)', () => {
    const a = result([{ ret: 0 }, { ret: -1, errno: 'EPIPE' }])
    const b = {
      ...result([{ ret: 0 }, { ret: 5 }]),
      final: { client: 'LISTEN', server: 'CLOSED' },
    } as LabResult
    expect(compareResults(a, b, { final: false, steps: (i) => i < 1 })).toEqual([])
    expect(compareResults(a, b, { final: false }).map((d) => d.field)).toEqual(['ret', 'errno'])
  })
})

describe('stepClass', () => {
  it('names what two backends must share', () => {
    const [a, b, c, d] = result([
      { ret: 12 },
      { ret: -1, errno: 'ECONNRESET' },
      { outcome: 'blocked' },
      { op: 'poll', ret: 1, value: 'POLLOUT' },
    ]).steps
    expect([stepClass(a), stepClass(b), stepClass(c), stepClass(d), stepClass(undefined)]).toEqual([
      'returned positive',
      'returned -1 ECONNRESET',
      'blocked',
      'returned positive [POLLOUT]',
      'missing',
    ])
  })
})
