import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CALLS, EVENTS, type LabApi, type RunUpdateMessage } from '../../shared/contract'

type Handler = (event: unknown, payload: unknown) => void

/** What the preload did with Electron's renderer modules. */
const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>()
  const invoked: { channel: string; args: unknown[] }[] = []
  const listeners = new Map<string, Set<Handler>>()
  return {
    exposed,
    invoked,
    listeners,
    emit(channel: string, payload: unknown) {
      const sender = { secret: 'ipcRenderer itself' }
      for (const l of listeners.get(channel) ?? []) l({ sender }, payload)
    },
  }
})

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      electron.invoked.push({ channel, args })
      return { ok: true, value: channel }
    },
    on: (channel: string, handler: Handler) => {
      const set = electron.listeners.get(channel) ?? new Set()
      set.add(handler)
      electron.listeners.set(channel, set)
    },
    removeListener: (channel: string, handler: Handler) => {
      electron.listeners.get(channel)?.delete(handler)
    },
  },
}))

async function loadPreload(): Promise<LabApi> {
  vi.resetModules()
  electron.exposed.clear()
  await import('./index')
  return electron.exposed.get('lab') as LabApi
}

beforeEach(() => {
  electron.invoked.length = 0
  electron.listeners.clear()
})

describe('preload', () => {
  it('exposes only window.lab, with exactly the contract methods', async () => {
    const lab = await loadPreload()
    expect([...electron.exposed.keys()]).toEqual(['lab'])
    expect(Object.keys(lab).sort()).toEqual([...Object.keys(CALLS), ...Object.keys(EVENTS)].sort())
    for (const value of Object.values(lab)) expect(typeof value).toBe('function')
  })

  it('sends each call on its own channel with its arguments', async () => {
    const lab = await loadPreload()
    await lab.getCapabilities()
    await lab.listScenarios()
    await lab.getScenario('connect.refused')
    await lab.startRun({ runId: 'run-0007', scenarioId: 'connect.refused', backend: 'sim' })
    await lab.cancelRun('run-7')
    await lab.quizProof()
    expect(electron.invoked).toEqual([
      { channel: CALLS.getCapabilities.channel, args: [] },
      { channel: CALLS.listScenarios.channel, args: [] },
      { channel: CALLS.getScenario.channel, args: ['connect.refused'] },
      {
        channel: CALLS.startRun.channel,
        args: [{ runId: 'run-0007', scenarioId: 'connect.refused', backend: 'sim' }],
      },
      { channel: CALLS.cancelRun.channel, args: ['run-7'] },
      { channel: 'lab:quiz:proof', args: [] },
    ])
  })

  it('hands listeners only the payload, never the IPC event', async () => {
    const lab = await loadPreload()
    const got: unknown[][] = []
    lab.onRunUpdate((...args) => got.push(args))
    const message = { runId: 'r', update: { kind: 'step' } } as unknown as RunUpdateMessage
    electron.emit(EVENTS.onRunUpdate, message)
    expect(got).toEqual([[message]])
  })

  it('unsubscribes with the returned function, one listener at a time', async () => {
    const lab = await loadPreload()
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = lab.onMenuCommand(first)
    lab.onMenuCommand(second)
    electron.emit(EVENTS.onMenuCommand, { command: 'about' })
    stopFirst()
    electron.emit(EVENTS.onMenuCommand, { command: 'navigate', view: 'quiz' })
    expect(first.mock.calls).toEqual([[{ command: 'about' }]])
    expect(second.mock.calls).toEqual([
      [{ command: 'about' }],
      [{ command: 'navigate', view: 'quiz' }],
    ])
    expect(electron.listeners.get(EVENTS.onMenuCommand)?.size).toBe(1)
  })
})
