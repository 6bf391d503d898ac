import { describe, expect, it } from 'vitest'
import type { LabResult, RunUpdate } from '../../shared/lab-result'
import type { LabScript } from '../../shared/lab-script'
import type { Backend, RunContext } from '../backend/backend'
import { resolveScript, runScript, Sessions } from './session'

/** A backend double whose run waits until aborted or released, and records its cleanup. */
function slowBackend() {
  const log: string[] = []
  let release = (): void => undefined
  const backend: Backend = {
    id: 'kernel',
    unsupported: async (script) => (script.topology === 'middlebox' ? 'no relay here' : null),
    async run(script: LabScript, ctx: RunContext): Promise<LabResult> {
      log.push('start')
      ctx.onEvent({ tMs: 0, type: 'note', key: 'started' })
      await new Promise<void>((resolve) => {
        release = resolve
        if (ctx.signal.aborted) resolve()
        ctx.signal.addEventListener('abort', () => resolve())
      })
      log.push('cleaned up')
      return {
        labScript: 1,
        backend: 'kernel',
        profile: script.profile,
        timers: {
          synRetries: 6,
          synackRetries: 5,
          retries2: 15,
          keepalive: { idleS: 7200, intervalS: 75, count: 9 },
        },
        timersShortened: false,
        durationMs: 1,
        steps: [],
        events: [],
        final: { client: 'CLOSED', server: 'CLOSED' },
      }
    },
  }
  return { backend, log, release: () => release() }
}

describe('resolveScript', () => {
  it('resolves catalog ids, validates scripts and applies the profile', () => {
    const r = resolveScript({ scenarioId: 'connect.refused', profile: 'macos' })
    expect(r.ok && r.value.profile).toBe('macos')
    expect(resolveScript({ scenarioId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'unknown-scenario' },
    })
    const bad = resolveScript({
      script: { labScript: 1, steps: [{ actor: 'client', op: 'connect' }] },
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'bad-input', problems: [{ step: 0, field: 'port' }] },
    })
    expect(resolveScript({})).toMatchObject({ ok: false, error: { code: 'bad-input' } })
  })
})

describe('runScript', () => {
  it('refuses what the backend cannot run, with its reason', async () => {
    const script = resolveScript({
      script: { labScript: 1, topology: 'middlebox', steps: [{ actor: 'net', op: 'hold' }] },
    })
    if (!script.ok) throw new Error(script.error.message)
    const r = await runScript(script.value, slowBackend().backend)
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported', message: 'no relay here' } })
  })

  it('streams updates and marks a cancelled run, after the backend cleaned up', async () => {
    const { backend, log } = slowBackend()
    const script = resolveScript({ scenarioId: 'connect.ok' })
    if (!script.ok) throw new Error(script.error.message)
    const controller = new AbortController()
    const updates: RunUpdate[] = []
    const running = runScript(script.value, backend, {
      signal: controller.signal,
      onUpdate: (u) => updates.push(u),
    })
    await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    const r = await running
    expect(r.ok && r.value.cancelled).toBe(true)
    expect(log).toEqual(['start', 'cleaned up'])
    expect(updates[0]).toMatchObject({ kind: 'event', event: { key: 'started' } })
  })
})

describe('Sessions', () => {
  it('runs in the background, reports done, and cancels on demand', async () => {
    const { backend, release } = slowBackend()
    const seen: [string, RunUpdate['kind']][] = []
    const sessions = new Sessions({ sim: backend, kernel: backend }, (id, u) =>
      seen.push([id, u.kind]),
    )
    const script = resolveScript({ scenarioId: 'connect.ok' })
    if (!script.ok) throw new Error(script.error.message)
    const a = sessions.start(script.value, 'sim')
    await new Promise((r) => setTimeout(r, 5))
    release()
    await new Promise((r) => setTimeout(r, 5))
    expect(seen).toContainEqual([a, 'done'])
    const b = sessions.start(script.value, 'kernel')
    expect(sessions.active()).toContain(b)
    await new Promise((r) => setTimeout(r, 5))
    expect(await sessions.cancel(b)).toBe(true)
    expect(sessions.active()).toEqual([])
    expect(await sessions.cancel('unknown')).toBe(false)
    await sessions.dispose()
  })
})
