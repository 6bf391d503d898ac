import { describe, expect, it } from 'vitest'
import type { LabResult } from './lab-result'
import type { ProgramCall, ProgramRun } from './program-result'
import { programView } from './program-view'

const call = (c: Partial<ProgramCall>): ProgramCall => ({
  actor: 'client',
  pid: 10,
  syscall: 'connect',
  op: 'connect',
  fd: 3,
  startMs: 10,
  endMs: 11,
  outcome: 'returned',
  ret: 0,
  ...c,
})

const base: LabResult = {
  labScript: 1,
  backend: 'kernel',
  profile: 'linux',
  timers: {
    synRetries: 6,
    synackRetries: 5,
    retries2: 15,
    keepalive: { idleS: 1, intervalS: 1, count: 1 },
  },
  timersShortened: false,
  durationMs: 500,
  steps: [
    { index: 0, actor: 'server', op: 'listen', startMs: 0, endMs: 1, outcome: 'returned', ret: 0 },
  ],
  events: [
    { tMs: 1, type: 'syscall', step: 0 },
    {
      tMs: 10.5,
      type: 'segment',
      dir: 'c2s',
      flags: ['SYN'],
      seq: 0,
      ack: 0,
      len: 0,
      fate: 'delivered',
    },
    {
      tMs: 200,
      type: 'segment',
      dir: 's2c',
      flags: ['RST'],
      seq: 1,
      ack: 0,
      len: 0,
      fate: 'delivered',
    },
  ],
  final: { client: 'CLOSED', server: 'CLOSED' },
}

const program = (calls: ProgramCall[]): ProgramRun => ({
  role: 'client',
  command: ['python3', 'c.py'],
  exitCode: 1,
  exitSignal: null,
  startMs: 5,
  endMs: 300,
  stdout: '',
  stderr: '',
  stdoutCut: false,
  stderrCut: false,
  calls,
  callsCut: false,
})

describe('programView', () => {
  it('leaves a run without a program as it is', () => {
    expect(programView(base)).toBe(base)
  })

  it("draws the program's calls as its role's steps after the script's, each with its return", () => {
    const r = programView(
      {
        ...base,
        program: program([
          call({ syscall: 'socket', op: 'socket', startMs: 9, endMs: 9, ret: 3 }),
          call({}),
          call({
            syscall: 'recvfrom',
            op: 'recv',
            startMs: 100,
            endMs: 200.5,
            ret: -1,
            errno: 'ECONNRESET',
            errnoNumber: 104,
          }),
          call({
            syscall: 'read',
            op: 'recv',
            startMs: 250,
            endMs: 0,
            outcome: 'blocked',
            ret: undefined,
          }),
        ]),
      },
      {
        steps: [
          { actor: 'server', op: 'listen', port: 7001 },
          { actor: 'client', op: 'connect', port: 7001 },
        ],
      },
    )
    // socket() is not a lab-script op: not drawn; the script had 2 steps, so indexes 2, 3, 4.
    expect(r.steps.map((s) => [s.index, s.actor, s.op, s.outcome])).toEqual([
      [0, 'server', 'listen', 'returned'],
      [2, 'client', 'connect', 'returned'],
      [3, 'client', 'recv', 'returned'],
      [4, 'client', 'recv', 'blocked'],
    ])
    expect(r.steps[2]).toMatchObject({ ret: -1, errno: 'ECONNRESET', errnoNumber: 104 })
    // A blocked call is drawn to the end of the run and has no return event.
    expect(r.steps[3]!.endMs).toBe(500)
    const order = r.events.map((e) => (e.type === 'syscall' ? `call ${e.step}` : e.type))
    expect(order).toEqual(['call 0', 'segment', 'call 2', 'segment', 'call 3'])
  })
})
