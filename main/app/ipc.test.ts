import { describe, expect, it } from 'vitest'
import { CALLS, ok, type CallName, type LabCalls, type Result } from '../../shared/contract'
import { createGradeJobs } from '../lab/grade-jobs'
import { createQuizCalls } from '../lab/quiz-service'
import { createClassCalls } from '../lab/class-service'
import type { LabService } from '../lab/service'
import { registerLabIpc, type IpcMainLike } from './ipc'

/** The grading calls on a host without programs (these tests are about the transport). */
const NO_GRADING = createGradeJobs({
  support: async () => ({ available: false, detail: 'no programs in this test' }),
  save: async () => ok(0),
})

interface FakeEvent {
  trusted: boolean
}

type Listener = (event: FakeEvent, ...args: unknown[]) => Promise<Result<unknown>>

/** An ipcMain that keeps its handlers in a map, as Electron's does. */
class FakeIpcMain implements IpcMainLike<FakeEvent> {
  readonly handlers = new Map<string, Listener>()
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  invoke(channel: string, event: FakeEvent, ...args: unknown[]): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, ...args)
  }
}

/** A service that records what reached it. */
function recordingService() {
  const received: { name: CallName; args: unknown[] }[] = []
  const calls: LabCalls = {
    getCapabilities: async () => {
      received.push({ name: 'getCapabilities', args: [] })
      return ok({
        version: '0.0.0',
        shell: 'electron',
        platform: 'linux',
        kernel: { available: false, isolation: 'none', detail: 'test' },
        programs: { available: false, detail: 'test' },
        profiles: ['linux'],
      })
    },
    listScenarios: async () => {
      received.push({ name: 'listScenarios', args: [] })
      return ok([])
    },
    getScenario: async (id) => {
      received.push({ name: 'getScenario', args: [id] })
      throw new Error('catalog exploded')
    },
    startRun: async (request) => {
      received.push({ name: 'startRun', args: [request] })
      return ok({ runId: 'run-1' })
    },
    cancelRun: async (runId) => {
      received.push({ name: 'cancelRun', args: [runId] })
      return ok(null)
    },
    quizProof: async () => {
      received.push({ name: 'quizProof', args: [] })
      return ok({ runs: {} })
    },
    // The quiz calls without a data folder: they answer, but keep nothing.
    ...createQuizCalls({}).calls,
    ...NO_GRADING.calls,
    savePdf: async (request) => {
      received.push({ name: 'savePdf', args: [request] })
      return ok({ saved: null })
    },
    // The live class without a student page: it answers, but starts nothing.
    ...createClassCalls({ quiz: createQuizCalls({}), proof: () => ({ runs: {} }) }).calls,
  }
  const service: LabService = {
    calls,
    onRunUpdate: () => () => {},
    onGradeUpdate: () => () => {},
    activeRuns: () => 0,
    dispose: async () => {},
  }
  return { service, received }
}

const trusted: FakeEvent = { trusted: true }
const stranger: FakeEvent = { trusted: false }

function setup() {
  const ipc = new FakeIpcMain()
  const { service, received } = recordingService()
  const refused: CallName[] = []
  const unregister = registerLabIpc(
    ipc,
    service,
    (e) => e.trusted,
    (n) => refused.push(n),
  )
  return { ipc, received, refused, unregister }
}

describe('registerLabIpc', () => {
  it('registers exactly one handler per contract call, on its channel', () => {
    const { ipc } = setup()
    expect([...ipc.handlers.keys()].sort()).toEqual(
      Object.values(CALLS)
        .map((c) => c.channel)
        .sort(),
    )
  })

  it('passes valid calls from the app window to the service', async () => {
    const { ipc, received } = setup()
    const request = { runId: 'run-0001', scenarioId: 'connect.refused', backend: 'sim' }
    expect(await ipc.invoke(CALLS.startRun.channel, trusted, request)).toEqual(
      ok({ runId: 'run-1' }),
    )
    expect(await ipc.invoke(CALLS.cancelRun.channel, trusted, 'run-1')).toEqual(ok(null))
    expect(await ipc.invoke(CALLS.quizProof.channel, trusted)).toEqual(ok({ runs: {} }))
    expect(received).toEqual([
      { name: 'startRun', args: [request] },
      { name: 'cancelRun', args: ['run-1'] },
      { name: 'quizProof', args: [] },
    ])
  })

  it('refuses every call from another frame before the service sees it', async () => {
    const { ipc, received, refused } = setup()
    for (const [name, { channel }] of Object.entries(CALLS)) {
      const result = await ipc.invoke(channel, stranger)
      expect(result.ok, name).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('bad-input')
        expect(result.error.message).toContain(`${name} refused`)
      }
    }
    expect(received).toEqual([])
    expect(refused.sort()).toEqual(Object.keys(CALLS).sort())
  })

  it('answers bad arguments with a bad-input error naming the call', async () => {
    const { ipc, received } = setup()
    const cases: [string, unknown[]][] = [
      [CALLS.getScenario.channel, []],
      [CALLS.getScenario.channel, [42]],
      [CALLS.cancelRun.channel, ['x'.repeat(101)]],
      [CALLS.startRun.channel, [{ backend: 'sim', rootShell: true }]],
      [
        CALLS.startRun.channel,
        [{ runId: 'run-0001', scenarioId: 'connect.refused', backend: 'vm' }],
      ],
      // The caller names every run: a start without a name, or with a bad one, is refused.
      [CALLS.startRun.channel, [{ scenarioId: 'connect.refused', backend: 'sim' }]],
      [CALLS.startRun.channel, [{ runId: 'a b', scenarioId: 'connect.refused', backend: 'sim' }]],
      [CALLS.listScenarios.channel, ['extra']],
    ]
    for (const [channel, args] of cases) {
      const result = await ipc.invoke(channel, trusted, ...args)
      expect(result.ok, `${channel} ${JSON.stringify(args)}`).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('bad-input')
    }
    expect(received).toEqual([])
  })

  it('turns a throwing service into an error result (Electron would keep only the message)', async () => {
    const { ipc } = setup()
    const result = await ipc.invoke(CALLS.getScenario.channel, trusted, 'connect.refused')
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('removes its handlers again', () => {
    const { ipc, unregister } = setup()
    unregister()
    expect(ipc.handlers.size).toBe(0)
  })
})
