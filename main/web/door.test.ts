/**
 * Browser mode's door: who may open the WebSocket (token, Origin, Host), what any frame gets
 * back (an error reply, and the server lives), and the caps on runs at once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { fail, ok, type RunUpdateMessage, type WireFrame } from '../../shared/contract'
import { createGradeJobs } from '../lab/grade-jobs'
import { createQuizCalls } from '../lab/quiz-service'
import { createClassCalls } from '../lab/class-service'
import type { LabService } from '../lab/service'
import { newToken, TOKEN_PATTERN } from './door'
import { startWebHost, type WebHost } from './server'

/** The grading calls on a host without programs (these tests are about the transport). */
const NO_GRADING = createGradeJobs({
  support: async () => ({ available: false, detail: 'no programs in this test' }),
  save: async () => ok(0),
})

/** A service whose runs go on until cancelled (or ended by the test), like kernel runs. */
function runningService(): LabService & { end(runId: string): void; cancelled: string[] } {
  const listeners = new Set<(m: RunUpdateMessage) => void>()
  const going = new Set<string>()
  const cancelled: string[] = []
  const end = (runId: string, how: 'done' | 'cancelled'): void => {
    if (!going.delete(runId)) return
    const update: RunUpdateMessage['update'] =
      how === 'cancelled'
        ? { kind: 'failed', error: { code: 'cancelled', message: 'cancelled' } }
        : { kind: 'failed', error: { code: 'backend-failed', message: 'ended by the test' } }
    for (const l of listeners) l({ runId, update })
  }
  return {
    cancelled,
    end: (runId) => end(runId, 'done'),
    calls: {
      getCapabilities: async () => fail('internal', 'not in this test'),
      listScenarios: async () => ok([]),
      getScenario: async (id) => fail('unknown-scenario', `no ${id}`),
      startRun: async (request) => {
        going.add(request.runId)
        return ok({ runId: request.runId })
      },
      cancelRun: async (runId) => {
        cancelled.push(runId)
        end(runId, 'cancelled')
        return ok(null)
      },
      quizProof: async () => fail('internal', 'not in this test'),
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
    activeRuns: () => 0,
    dispose: async () => undefined,
  }
}

function rendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-door-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>')
  return dir
}

let host: WebHost | undefined
afterEach(async () => {
  await host?.close()
  host = undefined
})

async function start(
  service: LabService = runningService(),
  limits?: { perConnection: number; total: number },
): Promise<WebHost> {
  host = await startWebHost({ service, rendererDir: rendererDir(), port: 0, limits })
  return host
}

/** A hand-made upgrade request; resolves with the status line and the body of the answer. */
function rawUpgrade(
  port: number,
  request: { path?: string; host?: string; origin?: string },
): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1')
    const lines = [
      `GET ${request.path ?? '/lab'} HTTP/1.1`,
      ...(request.host === undefined ? [] : [`Host: ${request.host}`]),
      ...(request.origin === undefined ? [] : [`Origin: ${request.origin}`]),
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      '',
      '',
    ]
    let answer = ''
    socket.on('data', (d) => {
      answer += d.toString()
      // A socket that was let in stays open: its head is the whole answer.
      if (answer.startsWith('HTTP/1.1 101') && answer.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      resolve({ status: head.split('\r\n')[0] ?? '', body })
    })
    socket.write(lines.join('\r\n'))
    setTimeout(() => socket.destroy(), 2000)
  })
}

/** A WebSocket as the page opens it (token, Origin), or with the given changes. */
function openLab(h: WebHost, change: { origin?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/lab?t=${h.token}`, {
      origin: change.origin ?? h.origin,
    })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Sends a frame and waits for the next reply (run updates pushed meanwhile are skipped). */
function exchange(ws: WebSocket, data: string | Buffer, binary = false): Promise<WireFrame> {
  return new Promise((resolve) => {
    const onMessage = (d: WebSocket.RawData): void => {
      const frame = JSON.parse(String(d)) as WireFrame
      if (frame.type !== 'reply') return
      ws.off('message', onMessage)
      resolve(frame)
    }
    ws.on('message', onMessage)
    ws.send(data, { binary })
  })
}

function startRun(ws: WebSocket, id: number, runId: string): Promise<WireFrame> {
  const request = { runId, scenarioId: 'connect.refused', backend: 'kernel' }
  return exchange(ws, JSON.stringify({ type: 'call', id, name: 'startRun', args: [request] }))
}

const listCall = (id: number): string =>
  JSON.stringify({ type: 'call', id, name: 'listScenarios', args: [] })

describe('who may open the WebSocket', () => {
  it('a random token of at least 128 bits, in the URL browser mode prints', async () => {
    const h = await start()
    expect(h.token).toMatch(TOKEN_PATTERN)
    expect(Buffer.from(h.token, 'base64url').length).toBeGreaterThanOrEqual(16)
    expect(newToken()).not.toBe(newToken())
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/?t=${h.token}`)
  })

  it('refuses a socket without the token, with a wrong one, without an Origin, from a foreign Origin or Host', async () => {
    const h = await start()
    const own = `127.0.0.1:${h.port}`
    const cases: [string, { path?: string; host?: string; origin?: string }, RegExp][] = [
      ['no token', { host: own, origin: h.origin }, /token is missing/],
      ['a wrong token', { path: `/lab?t=${newToken()}`, host: own, origin: h.origin }, /wrong/],
      ['no Origin', { path: `/lab?t=${h.token}`, host: own }, /without an Origin/],
      [
        'a foreign Origin',
        { path: `/lab?t=${h.token}`, host: own, origin: 'http://evil.example' },
        /Origin "http:\/\/evil\.example" is not this server's page/,
      ],
      [
        'an Origin of another port',
        { path: `/lab?t=${h.token}`, host: own, origin: `http://127.0.0.1:${h.port + 1}` },
        /is not this server's page/,
      ],
      [
        'a foreign Host (DNS rebinding)',
        {
          path: `/lab?t=${h.token}`,
          host: `evil.example:${h.port}`,
          origin: `http://evil.example:${h.port}`,
        },
        /Host "evil\.example:\d+" is not this server/,
      ],
      ['no Host', { path: `/lab?t=${h.token}`, origin: h.origin }, /Host "" is not this server/],
      [
        'another path',
        { path: `/other?t=${h.token}`, host: own, origin: h.origin },
        /no WebSocket at \/other/,
      ],
    ]
    for (const [what, request, reason] of cases) {
      const answer = await rawUpgrade(h.port, request)
      expect(answer.status, what).toBe('HTTP/1.1 403 Forbidden')
      expect(answer.body, what).toMatch(reason)
    }
    // The page itself, under either of the server's names, gets in.
    const byName = await rawUpgrade(h.port, {
      path: `/lab?t=${h.token}`,
      host: `localhost:${h.port}`,
      origin: `http://localhost:${h.port}`,
    })
    expect(byName.status).toBe('HTTP/1.1 101 Switching Protocols')
    const ws = await openLab(h)
    expect(await exchange(ws, listCall(1))).toEqual({
      type: 'reply',
      id: 1,
      result: { ok: true, value: [] },
    })
    ws.close()
  })

  it('serves the page without the token (it holds no data), but not under a foreign name', async () => {
    const h = await start()
    expect((await fetch(`${h.origin}/`)).status).toBe(200)
    const rebound = await new Promise<string>((resolve) => {
      const socket = tcpConnect(h.port, '127.0.0.1')
      let answer = ''
      socket.on('data', (d) => (answer += d.toString()))
      socket.on('close', () => resolve(answer))
      socket.write('GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
    })
    expect(rebound).toMatch(/^HTTP\/1\.1 403 Forbidden/)
    expect(rebound).toContain('Host "evil.example" is not this server')
  })
})

describe('any frame', () => {
  it('gets an error reply, and the next call still works', async () => {
    const h = await start()
    const ws = await openLab(h)
    const malformed: [string, number, RegExp][] = [
      ['null', -1, /The frame is null/],
      ['42', -1, /The frame is a number/],
      ['"call"', -1, /The frame is a string/],
      ['true', -1, /The frame is a boolean/],
      ['[]', -1, /The frame is an array/],
      ['{', -1, /not JSON/],
      ['', -1, /not JSON/],
      ['{}', -1, /Field "id" must be a whole number/],
      ['{"type":"call","id":"1","name":"listScenarios","args":[]}', -1, /Field "id"/],
      ['{"type":"call","id":-1,"name":"listScenarios","args":[]}', -1, /Field "id"/],
      ['{"type":"call","id":1.5,"name":"listScenarios","args":[]}', -1, /Field "id"/],
      ['{"type":"call","id":null}', -1, /Field "id"/],
      ['{"type":"reply","id":2,"result":{}}', 2, /Field "type" must be "call"/],
      ['{"id":3,"name":"listScenarios","args":[]}', 3, /Field "type"/],
      ['{"type":"call","id":4}', 4, /Unknown call/],
      ['{"type":"call","id":5,"name":"toString","args":[]}', 5, /Unknown call "toString"/],
      ['{"type":"call","id":6,"name":"__proto__","args":[]}', 6, /Unknown call/],
      ['{"type":"call","id":7,"name":"listScenarios"}', 7, /Field "args" must be an array/],
      ['{"type":"call","id":8,"name":"listScenarios","args":{}}', 8, /Field "args"/],
      ['{"type":"call","id":9,"name":"startRun","args":[null]}', 9, /startRun argument/],
      ['{"type":"call","id":10,"name":"getScenario","args":[42]}', 10, /getScenario argument/],
      [`{"type":"call","id":11,"name":"${'x'.repeat(5000)}","args":[]}`, 11, /Unknown call/],
    ]
    for (const [frame, id, says] of malformed) {
      const reply = await exchange(ws, frame)
      expect(reply, frame.slice(0, 60)).toMatchObject({
        type: 'reply',
        id,
        result: { ok: false, error: { code: 'bad-input', message: expect.stringMatching(says) } },
      })
      expect(JSON.stringify(reply).length).toBeLessThan(1000)
    }
    expect(await exchange(ws, Buffer.from(listCall(12)), true)).toMatchObject({
      id: -1,
      result: { ok: false, error: { message: expect.stringMatching(/Binary frames/) } },
    })
    // A frame over 1 MiB is answered too; the connection stays.
    expect(await exchange(ws, `"${'x'.repeat(2 * 1024 * 1024)}"`)).toMatchObject({
      id: -1,
      result: { ok: false, error: { message: expect.stringMatching(/limited to 1048576 bytes/) } },
    })
    expect(await exchange(ws, listCall(13))).toMatchObject({ id: 13, result: { ok: true } })
    ws.close()
  })

  it('too large to read closes that connection only (1009); the server goes on', async () => {
    const h = await start()
    const ws = await openLab(h)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send('x'.repeat(9 * 1024 * 1024))
    expect(await closed).toBe(1009)
    const again = await openLab(h)
    expect(await exchange(again, listCall(1))).toMatchObject({ id: 1, result: { ok: true } })
    again.close()
  })
})

describe('runs at once', () => {
  it('are capped per page and in all, with a clear error past each cap', async () => {
    const service = runningService()
    const h = await start(service, { perConnection: 2, total: 3 })
    const a = await openLab(h)
    const b = await openLab(h)
    expect(await startRun(a, 1, 'run-a-0001')).toMatchObject({ result: { ok: true } })
    expect(await startRun(a, 2, 'run-a-0002')).toMatchObject({ result: { ok: true } })
    expect(await startRun(a, 3, 'run-a-0003')).toMatchObject({
      result: {
        ok: false,
        error: { message: expect.stringMatching(/^This page already has 2 runs going, the most/) },
      },
    })
    expect(await startRun(b, 1, 'run-b-0001')).toMatchObject({ result: { ok: true } })
    expect(await startRun(b, 2, 'run-b-0002')).toMatchObject({
      result: {
        ok: false,
        error: { message: expect.stringMatching(/^Browser mode already has 3 runs going/) },
      },
    })
    // A run that ends frees its place.
    service.end('run-a-0001')
    expect(await startRun(b, 3, 'run-b-0003')).toMatchObject({ result: { ok: true } })
    a.close()
    b.close()
  })

  it('of a page that closes are cancelled, and free their places', async () => {
    const service = runningService()
    const h = await start(service, { perConnection: 2, total: 2 })
    const a = await openLab(h)
    await startRun(a, 1, 'run-a-0001')
    await startRun(a, 2, 'run-a-0002')
    a.close()
    await expect.poll(() => [...service.cancelled].sort()).toEqual(['run-a-0001', 'run-a-0002'])
    const b = await openLab(h)
    expect(await startRun(b, 1, 'run-b-0001')).toMatchObject({ result: { ok: true } })
    b.close()
  })
})
