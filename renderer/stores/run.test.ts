import { describe, expect, it } from 'vitest'
import { RUN_ID_PATTERN } from '../../shared/contract'
import {
  createFakeLab,
  errorResult,
  flush,
  REFUSED_STEP,
  refusedResult,
  storeContext,
  CAPABILITIES,
} from '../testing/fake-lab'
import { useCatalogStore } from './catalog'
import { runCommandLine, useRunStore, type TraceChange } from './run'

async function ready(fake = createFakeLab()) {
  storeContext(fake)
  const catalog = useCatalogStore()
  const run = useRunStore()
  await catalog.init()
  return { fake, catalog, run }
}

describe('useCatalogStore', () => {
  it('loads the catalog into the article groups, in order', async () => {
    const { catalog } = await ready()
    expect(catalog.scenariosState).toBe('ready')
    expect(catalog.groups.map((g) => [g.group, g.cases.map((c) => c.id)])).toEqual([
      ['connect', ['connect.ok', 'connect.refused']],
      ['data', ['peer.crash-fin']],
    ])
    expect(catalog.kernelAvailable).toBe(true)
  })

  it('keeps a failed catalog as data, and loads it again once the server is back', async () => {
    const fake = createFakeLab({ scenarios: errorResult('internal', 'catalog broke') })
    const { catalog, run } = await ready(fake)
    expect(catalog.scenariosState).toBe('failed')
    expect(catalog.scenariosError?.message).toBe('catalog broke')
    expect(run.canRun).toBe(false)
    fake.setConnection('open')
    expect(catalog.scenariosState).toBe('loading')
  })

  it('fetches a case’s script for the shell without picking it', async () => {
    const { catalog } = await ready()
    const answer = await catalog.fetchScript('connect.ok')
    expect(answer.ok && answer.value.id).toBe('connect.ok')
    expect(catalog.selectedId).toBe(null)
  })
})

describe('useRunStore', () => {
  it('runs a case: named request, live step, trace lines, then the result', async () => {
    const { fake, catalog, run } = await ready()
    const changes: TraceChange['kind'][] = []
    run.onTrace((c) => changes.push(c.kind))
    await catalog.select('connect.refused')
    expect(run.canRun).toBe(true)
    await run.run()
    const runId = fake.runId()
    expect(runId).toMatch(RUN_ID_PATTERN)
    expect(fake.requests).toEqual([
      { runId, scenarioId: 'connect.refused', backend: 'sim', profile: 'linux' },
    ])
    expect(run.status).toBe('running')
    expect(run.traceLines).toEqual(['lab> run connect.refused --backend sim --profile linux'])
    fake.push(runId, { kind: 'step', step: REFUSED_STEP })
    expect(run.steps).toEqual([REFUSED_STEP])
    expect(run.traceLines[1]).toMatch(
      /client connect\(7002\)\s+= -1 ECONNREFUSED 111 \(Connection refused\)/,
    )
    fake.push(runId, { kind: 'done', result: refusedResult() })
    await flush()
    expect(run.status).toBe('done')
    expect(run.result?.final.client).toBe('CLOSED')
    // The result reprints the whole trace in the CLI's order.
    expect(changes).toEqual(['begin', 'begin', 'begin', 'append', 'reprint'])
    expect(run.traceLines.some((l) => l.includes('SYN_SENT -> CLOSED'))).toBe(true)
    expect(run.traceLines.at(-1)).toMatch(/end: client CLOSED, server CLOSED/)
  })

  it('hears a run that ends before startRun answers, and no other run', async () => {
    const fake = createFakeLab()
    const { catalog, run } = await ready(fake)
    await catalog.select('connect.refused')
    fake.beforeReply.push({ kind: 'step', step: REFUSED_STEP })
    fake.beforeReply.push({ kind: 'done', result: refusedResult() })
    await run.run()
    await flush()
    expect(run.status).toBe('done')
    expect(run.steps).toHaveLength(1)
    fake.push('someone-else', { kind: 'step', step: { ...REFUSED_STEP, index: 5 } })
    expect(run.steps).toHaveLength(1)
  })

  it('sends no profile to the kernel backend', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    run.setBackend('kernel')
    run.setProfile('windows')
    await run.run()
    expect(fake.requests[0]).toEqual({
      runId: fake.runId(),
      scenarioId: 'connect.refused',
      backend: 'kernel',
    })
    expect(run.runSystem).toBe('linux')
  })

  it('numbers errors like the simulator profile', async () => {
    const { catalog, run } = await ready()
    await catalog.select('connect.refused')
    run.setProfile('windows')
    await run.run()
    expect(run.runSystem).toBe('windows')
  })

  it('cannot use the kernel when the host lacks it, or for a simulator-only case', async () => {
    const { catalog, run } = await ready(
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
    await catalog.select('connect.refused')
    run.setBackend('kernel')
    expect(run.canRun).toBe(false)
    run.setBackend('sim')
    expect(run.canRun).toBe(true)
  })

  it('falls back to the simulator when the picked case cannot run on the kernel', async () => {
    const { catalog, run } = await ready()
    await catalog.select('connect.refused')
    run.setBackend('kernel')
    await catalog.select('peer.crash-fin')
    expect(run.backend).toBe('sim')
  })

  it('shows a refused start as an error, not a crash', async () => {
    const { catalog, run } = await ready(
      createFakeLab({ startRun: errorResult('unsupported', 'needs netns') }),
    )
    await catalog.select('connect.refused')
    await run.run()
    expect(run.status).toBe('failed')
    expect(run.runError?.message).toBe('needs netns')
    expect(run.traceLines.at(-1)).toBe('error: needs netns')
  })

  it('shows a backend failure as plain text, without terminal colour codes', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    await run.run()
    fake.push(fake.runId(), {
      kind: 'failed',
      error: { code: 'backend-failed', message: "peer exited: \x1b[32m'MODULE_NOT_FOUND'\x1b[39m" },
    })
    await flush()
    expect(run.status).toBe('failed')
    expect(run.runError?.message).toBe("peer exited: 'MODULE_NOT_FOUND'")
    expect(run.traceLines.at(-1)).toBe("error: peer exited: 'MODULE_NOT_FOUND'")
  })

  it('cancels the current run and records how it ended', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    await run.run()
    run.cancel()
    expect(fake.cancelled).toEqual([fake.runId()])
    expect(run.busy).toBe(true)
    fake.push(fake.runId(), { kind: 'failed', error: { code: 'cancelled', message: 'Cancelled.' } })
    await flush()
    expect(run.status).toBe('cancelled')
    expect(run.busy).toBe(false)
  })

  it('a cancel pressed while starting is sent once the run exists', async () => {
    const fake = createFakeLab({ delayMs: 5 })
    const { catalog, run } = await ready(fake)
    await catalog.select('connect.refused')
    const running = run.run()
    expect(run.status).toBe('starting')
    run.cancel()
    await running
    await flush()
    expect(fake.cancelled).toEqual([fake.runId()])
  })

  it('a lost connection ends the run as failed', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    await run.run()
    fake.setConnection('closed')
    await flush()
    expect(run.status).toBe('failed')
    expect(run.connectionLost).toBe(true)
  })

  it('picking another case cancels and clears the last run', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    await run.run()
    const first = fake.runId()
    await catalog.select('connect.ok')
    expect(fake.cancelled).toEqual([first])
    // The replaced run's last word changes nothing.
    fake.push(first, { kind: 'done', result: refusedResult() })
    await flush()
    expect(run.status).toBe('idle')
    expect(run.steps).toEqual([])
    expect(run.traceLines).toEqual([])
    expect(catalog.script?.id).toBe('connect.ok')
  })

  it('a new run replaces the one going, under a new name', async () => {
    const { fake, catalog, run } = await ready()
    await catalog.select('connect.refused')
    await run.run()
    const script = catalog.script!
    await run.runScript(script, { source: 'script' })
    expect(fake.started).toHaveLength(2)
    expect(fake.cancelled).toEqual([fake.runId(1)])
    expect(fake.runId(2)).not.toBe(fake.runId(1))
    expect(run.runInfo?.source).toBe('script')
  })

  it('opens a saved trace as a finished run, without the backend', async () => {
    const { fake, run } = await ready()
    run.loadResult(refusedResult(), null, 'saved.json')
    expect(fake.requests).toEqual([])
    expect(run.status).toBe('done')
    expect(run.imported).toBe(true)
    expect(run.traceLines[0]).toBe('lab> open saved.json')
  })

  it('formats the command line like the CLI', () => {
    expect(runCommandLine({ scenarioId: 'a', backend: 'kernel', profile: 'macos' })).toBe(
      'lab> run a --backend kernel',
    )
  })
})
