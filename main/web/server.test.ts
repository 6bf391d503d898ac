import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import {
  EVENTS,
  fail,
  ok,
  type GradeUpdateMessage,
  type LabCalls,
  type RunUpdateMessage,
  type WireFrame,
} from '../../shared/contract'
import { simulatorProof } from '../lab/quiz-proof'
import { createGradeJobs } from '../lab/grade-jobs'
import { createQuizCalls } from '../lab/quiz-service'
import { createClassCalls } from '../lab/class-service'
import type { LabService } from '../lab/service'
import { contentSecurityPolicy } from '../static-files/csp'
import { resolveRendererPath } from '../static-files/renderer-files'
import { PortInUseError, startWebHost, type WebHost } from './server'

/** The grading calls on a host without programs (these tests are about the transport). */
const NO_GRADING = createGradeJobs({
  support: async () => ({ available: false, detail: 'no programs in this test' }),
  save: async () => ok(0),
})

/** A service double that records calls and can push updates: the transport is what is tested. */
function fakeService(): LabService & { push(m: RunUpdateMessage): void; calls: LabCalls } {
  const listeners = new Set<(m: RunUpdateMessage) => void>()
  return {
    calls: {
      getCapabilities: async () => fail('internal', 'not in this test'),
      listScenarios: async () => ok([]),
      getScenario: async (id) => fail('unknown-scenario', `no ${id}`),
      startRun: async (request) => ok({ runId: `${request.runId}-${request.backend}` }),
      cancelRun: async () => ok(null),
      quizProof: async () => ok(simulatorProof()),
      // The quiz calls without a data folder: they answer, but keep nothing.
      ...createQuizCalls({}).calls,
      ...NO_GRADING.calls,
      savePdf: async () => fail('unsupported', 'no window in this test'),
      ...createClassCalls({ quiz: createQuizCalls({}), proof: () => ({ runs: {} }) }).calls,
    },
    onGradeUpdate: () => () => {},
    onRunUpdate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    push(m) {
      for (const l of listeners) l(m)
    },
    activeRuns: () => 0,
    dispose: async () => undefined,
  }
}

function rendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-web-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>')
  writeFileSync(join(dir, 'app.js'), 'console.log(1)')
  return dir
}

let host: WebHost | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

function connect(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function nextFrame(ws: WebSocket): Promise<WireFrame> {
  return new Promise((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(String(d)) as WireFrame)),
  )
}

describe('browser-mode host', () => {
  it('serves the renderer with its CSP; unknown paths are 404 (views are hash routes)', async () => {
    host = await startWebHost({ service: fakeService(), rendererDir: rendererDir(), port: 0 })
    const page = await fetch(host.url)
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?t=${host.token}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(
      contentSecurityPolicy({ kind: 'browser', port: host.port }),
    )
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('<title>lab</title>')
    const js = await fetch(`${host.origin}/app.js`)
    expect(js.headers.get('content-type')).toContain('javascript')
    expect((await fetch(`${host.origin}/lab/connect.refused`)).status).toBe(404)
    expect((await fetch(`${host.origin}/missing.js`)).status).toBe(404)
    const escape = await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd`)
    expect(escape.status).toBe(400)
    expect(await escape.text()).not.toContain('root:')
    expect((await fetch(host.url, { method: 'POST' })).status).toBe(405)
  })

  it('carries calls, validates arguments and pushes run updates over one WebSocket', async () => {
    const service = fakeService()
    host = await startWebHost({ service, rendererDir: rendererDir(), port: 0 })
    const ws = await connect(`ws://127.0.0.1:${host.port}/lab?t=${host.token}`, host.origin)
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 1,
        name: 'startRun',
        args: [{ runId: 'run-web-1', backend: 'sim', scenarioId: 'x' }],
      }),
    )
    expect(await nextFrame(ws)).toEqual({
      type: 'reply',
      id: 1,
      result: { ok: true, value: { runId: 'run-web-1-sim' } },
    })
    ws.send(
      JSON.stringify({ type: 'call', id: 2, name: 'startRun', args: [{ backend: 'quantum' }] }),
    )
    const bad = await nextFrame(ws)
    expect(bad).toMatchObject({
      type: 'reply',
      id: 2,
      result: { ok: false, error: { code: 'bad-input' } },
    })
    ws.send(JSON.stringify({ type: 'call', id: 3, name: 'rmRf', args: [] }))
    expect(await nextFrame(ws)).toMatchObject({ id: 3, result: { ok: false } })
    const pushed = nextFrame(ws)
    service.push({
      runId: 'r1',
      update: { kind: 'failed', error: { code: 'cancelled', message: 'x' } },
    })
    expect(await pushed).toMatchObject({
      type: 'event',
      channel: EVENTS.onRunUpdate,
      payload: { runId: 'r1' },
    })
    ws.close()
  })

  it('carries the quiz proof (every catalog run on every profile) whole in one reply', async () => {
    host = await startWebHost({ service: fakeService(), rendererDir: rendererDir(), port: 0 })
    const ws = await connect(`ws://127.0.0.1:${host.port}/lab?t=${host.token}`, host.origin)
    ws.send(JSON.stringify({ type: 'call', id: 1, name: 'quizProof', args: [] }))
    expect(await nextFrame(ws)).toEqual({
      type: 'reply',
      id: 1,
      result: { ok: true, value: JSON.parse(JSON.stringify(simulatorProof())) },
    })
    ws.close()
  })

  it('refuses sockets opened by pages of another origin', async () => {
    host = await startWebHost({ service: fakeService(), rendererDir: rendererDir(), port: 0 })
    await expect(
      connect(`ws://127.0.0.1:${host.port}/lab?t=${host.token}`, 'http://evil.example'),
    ).rejects.toThrow(/403/)
  })

  it('says clearly when the port is in use', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as { port: number }).port
    try {
      const started = startWebHost({ service: fakeService(), rendererDir: rendererDir(), port })
      await expect(started).rejects.toBeInstanceOf(PortInUseError)
      await expect(started).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`)
    } finally {
      blocker.close()
    }
  })
})

describe('grading a folder over the socket', () => {
  it('pushes the grading updates, and cancels the grading a page started when it goes away', async () => {
    const base = fakeService()
    const listeners = new Set<(m: GradeUpdateMessage) => void>()
    const cancelled: string[] = []
    const service: LabService = {
      ...base,
      calls: {
        ...base.calls,
        classGradeFolder: async (request) =>
          ok({ jobId: request.jobId, lab: 'l', students: ['ann'], skipped: [] }),
        classCancelGrade: async (jobId) => {
          cancelled.push(jobId)
          return ok(null)
        },
      },
      onGradeUpdate(listener) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }
    host = await startWebHost({ service, rendererDir: rendererDir(), port: 0 })
    const url = `ws://127.0.0.1:${host.port}/lab?t=${host.token}`
    const ws = await connect(url, host.origin)
    const other = await connect(url, host.origin)
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 1,
        name: 'classGradeFolder',
        args: [{ jobId: 'job-web-1', lab: { name: 'l.yaml', text: 'x' }, folder: '/tmp' }],
      }),
    )
    expect(await nextFrame(ws)).toMatchObject({ id: 1, result: { ok: true } })
    const heard = [nextFrame(ws), nextFrame(other)]
    const update: GradeUpdateMessage = {
      jobId: 'job-web-1',
      update: { kind: 'student', index: 0, student: 'ann', command: ['p'] },
    }
    for (const l of listeners) l(update)
    for (const frame of await Promise.all(heard))
      expect(frame).toEqual({ type: 'event', channel: EVENTS.onGradeUpdate, payload: update })
    // Another page closing leaves it alone; the page that started it closing cancels it.
    other.close()
    await new Promise((r) => other.once('close', r))
    expect(cancelled).toEqual([])
    ws.close()
    await expect.poll(() => cancelled, { timeout: 5000 }).toEqual(['job-web-1'])
  })
})

describe('the paths browser mode serves (main/static-files/renderer-files.ts)', () => {
  it('never leaves the root', () => {
    const fileOf = (path: string): string | undefined => {
      const target = resolveRendererPath('/srv/r', path)
      return target.kind === 'file' ? target.file : undefined
    }
    expect(fileOf('/')).toBe('/srv/r/index.html')
    expect(fileOf('/a/b.js?x=1')).toBe('/srv/r/a/b.js')
    // A browser never sends a literal `..`; a hand-made request that does is refused.
    expect(fileOf('/../../etc/passwd')).toBeUndefined()
    expect(fileOf('/%00')).toBeUndefined()
    expect(fileOf('/%E0%A4%A')).toBeUndefined()
  })
})
