import { describe, expect, it } from 'vitest'
import {
  createFakeLab,
  errorResult,
  flush,
  REFUSED_STEP,
  refusedResult,
  storeContext,
  CAPABILITIES,
} from '../testing/fake-lab'
import { runCommandLine, useLabStore } from './lab'

async function ready(fake = createFakeLab()) {
  storeContext(fake)
  const lab = useLabStore()
  await lab.init()
  return { fake, lab }
}

describe('useLabStore', () => {
  it('loads the catalog into the article groups, in order', async () => {
    const { lab } = await ready()
    expect(lab.scenariosState).toBe('ready')
    expect(lab.groups.map((g) => [g.group, g.cases.map((c) => c.id)])).toEqual([
      ['connect', ['connect.ok', 'connect.refused']],
      ['data', ['peer.crash-fin']],
    ])
    expect(lab.kernelAvailable).toBe(true)
  })

  it('keeps a failed catalog as data', async () => {
    const { lab } = await ready(
      createFakeLab({ scenarios: errorResult('internal', 'catalog broke') }),
    )
    expect(lab.scenariosState).toBe('failed')
    expect(lab.scenariosError?.message).toBe('catalog broke')
    expect(lab.canRun).toBe(false)
  })

  it('runs a case: request, live step, trace lines, then the result', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    expect(lab.canRun).toBe(true)
    await lab.run()
    expect(fake.requests).toEqual([
      { scenarioId: 'connect.refused', backend: 'sim', profile: 'linux' },
    ])
    expect(lab.status).toBe('running')
    expect(lab.traceLines).toEqual(['lab> run connect.refused --backend sim --profile linux'])
    fake.push('run-1', { kind: 'step', step: REFUSED_STEP })
    expect(lab.steps).toEqual([REFUSED_STEP])
    expect(lab.traceLines[1]).toMatch(
      /client connect\(7002\)\s+= -1 ECONNREFUSED 111 \(Connection refused\)/,
    )
    const epoch = lab.traceEpoch
    fake.push('run-1', { kind: 'done', result: refusedResult() })
    expect(lab.status).toBe('done')
    expect(lab.result?.final.client).toBe('CLOSED')
    // The result reprints the whole trace in the CLI's order.
    expect(lab.traceEpoch).toBe(epoch + 1)
    expect(lab.traceLines.some((l) => l.includes('SYN_SENT -> CLOSED'))).toBe(true)
    expect(lab.traceLines.at(-1)).toMatch(/end: client CLOSED, server CLOSED/)
  })

  it('keeps updates that arrive before startRun answers, and drops other runs', async () => {
    const fake = createFakeLab()
    const { lab } = await ready(fake)
    await lab.select('connect.refused')
    fake.beforeReply.push({ kind: 'step', step: REFUSED_STEP })
    fake.beforeReply.push({ kind: 'done', result: refusedResult() })
    await lab.run()
    expect(lab.status).toBe('done')
    expect(lab.steps).toHaveLength(1)
    fake.push('someone-else', { kind: 'step', step: { ...REFUSED_STEP, index: 5 } })
    expect(lab.steps).toHaveLength(1)
  })

  it('sends no profile to the kernel backend', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    lab.setBackend('kernel')
    lab.setProfile('windows')
    await lab.run()
    expect(fake.requests[0]).toEqual({ scenarioId: 'connect.refused', backend: 'kernel' })
    expect(lab.runSystem).toBe('linux')
  })

  it('numbers errors like the simulator profile', async () => {
    const { lab } = await ready()
    await lab.select('connect.refused')
    lab.setProfile('windows')
    await lab.run()
    expect(lab.runSystem).toBe('windows')
  })

  it('cannot use the kernel when the host lacks it, or for a simulator-only case', async () => {
    const { lab } = await ready(
      createFakeLab({
        capabilities: {
          ok: true,
          value: {
            ...CAPABILITIES,
            kernel: { available: false, isolation: 'none', detail: 'no netns' },
          },
        },
      }),
    )
    await lab.select('connect.refused')
    lab.setBackend('kernel')
    expect(lab.canRun).toBe(false)
    lab.setBackend('sim')
    expect(lab.canRun).toBe(true)
  })

  it('falls back to the simulator when the picked case cannot run on the kernel', async () => {
    const { lab } = await ready()
    await lab.select('connect.refused')
    lab.setBackend('kernel')
    await lab.select('peer.crash-fin')
    expect(lab.backend).toBe('sim')
  })

  it('shows a refused start as an error, not a crash', async () => {
    const { lab } = await ready(
      createFakeLab({ startRun: errorResult('unsupported', 'needs netns') }),
    )
    await lab.select('connect.refused')
    await lab.run()
    expect(lab.status).toBe('failed')
    expect(lab.runError?.message).toBe('needs netns')
    expect(lab.traceLines.at(-1)).toBe('error: needs netns')
  })

  it('shows a backend failure as plain text, without terminal colour codes', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    await lab.run()
    fake.push('run-1', {
      kind: 'failed',
      error: { code: 'backend-failed', message: "peer exited: \x1b[32m'MODULE_NOT_FOUND'\x1b[39m" },
    })
    expect(lab.status).toBe('failed')
    expect(lab.runError?.message).toBe("peer exited: 'MODULE_NOT_FOUND'")
    expect(lab.traceLines.at(-1)).toBe("error: peer exited: 'MODULE_NOT_FOUND'")
  })

  it('cancels the current run and records how it ended', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    await lab.run()
    await lab.cancel()
    expect(fake.cancelled).toEqual(['run-1'])
    fake.push('run-1', { kind: 'failed', error: { code: 'cancelled', message: 'Cancelled.' } })
    expect(lab.status).toBe('cancelled')
    expect(lab.busy).toBe(false)
  })

  it('a cancel pressed while starting is sent once the run has an id', async () => {
    const fake = createFakeLab({ delayMs: 5 })
    const { lab } = await ready(fake)
    await lab.select('connect.refused')
    const running = lab.run()
    await lab.cancel()
    await running
    await flush()
    expect(fake.cancelled).toEqual(['run-1'])
  })

  it('a lost connection ends the run as failed', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    await lab.run()
    fake.setConnection('closed')
    expect(lab.status).toBe('failed')
    expect(lab.connectionLost).toBe(true)
  })

  it('picking another case clears the last run', async () => {
    const { fake, lab } = await ready()
    await lab.select('connect.refused')
    await lab.run()
    fake.push('run-1', { kind: 'done', result: refusedResult() })
    await lab.select('connect.ok')
    expect(lab.status).toBe('idle')
    expect(lab.steps).toEqual([])
    expect(lab.traceLines).toEqual([])
    expect(lab.script?.id).toBe('connect.ok')
  })

  it('formats the command line like the CLI', () => {
    expect(runCommandLine({ scenarioId: 'a', backend: 'kernel', profile: 'macos' })).toBe(
      'lab> run a --backend kernel',
    )
  })
})
