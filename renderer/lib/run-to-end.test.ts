import { afterEach, describe, expect, it, vi } from 'vitest'
import { RUN_ID_PATTERN, type WireFrame } from '../../shared/contract'
import type { RunUpdate } from '../../shared/lab-result'
import { createWebLab, type SocketLike } from '../api/web-lab'
import { createFakeLab, flush, REFUSED_STEP, refusedResult } from '../testing/fake-lab'
import { newRunId, runToEnd, runTimeoutMs, type LiveUpdate } from './run-to-end'

const REQUEST = { scenarioId: 'connect.refused', backend: 'sim' } as const

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('newRunId', () => {
  it('names runs as the contract wants, with or without crypto.randomUUID', () => {
    const a = newRunId()
    expect(a).toMatch(RUN_ID_PATTERN)
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b.fill(7) })
    expect(newRunId()).toBe(`run-${'07'.repeat(16)}`)
    vi.stubGlobal('crypto', undefined)
    const c = newRunId()
    expect(c).toMatch(RUN_ID_PATTERN)
    expect(c).not.toBe(newRunId())
  })
})

describe('runToEnd', () => {
  it('done: names the run, streams its updates, even those before startRun answers', async () => {
    const fake = createFakeLab({ delayMs: 5 })
    const event: RunUpdate = {
      kind: 'event',
      event: { tMs: 0, type: 'state', actor: 'client', from: 'CLOSED', to: 'SYN_SENT' },
    }
    fake.beforeReply.push(event, { kind: 'step', step: REFUSED_STEP })
    fake.beforeReply.push({ kind: 'done', result: refusedResult() })
    const seen: LiveUpdate[] = []
    const started: string[] = []
    const end = await runToEnd(fake, REQUEST, {
      runId: 'run-test-0001',
      onUpdate: (u) => seen.push(u),
      onStarted: (id) => started.push(id),
    })
    expect(fake.requests).toEqual([{ ...REQUEST, runId: 'run-test-0001' }])
    expect(end).toEqual({ ending: 'done', runId: 'run-test-0001', result: refusedResult() })
    expect(seen.map((u) => u.kind)).toEqual(['event', 'step'])
    // The run had already ended when startRun answered: nothing more to hear.
    expect(started).toEqual([])
    expect(fake.cancelled).toEqual([])
  })

  it('hears only its own run', async () => {
    const fake = createFakeLab()
    const ending = runToEnd(fake, REQUEST)
    await flush()
    fake.push('someone-else', { kind: 'done', result: refusedResult({ durationMs: 99 }) })
    fake.push(fake.runId(), { kind: 'done', result: refusedResult() })
    const end = await ending
    expect(end.ending === 'done' && end.result.durationMs).toBe(0.3)
  })

  it('failed: a refused start, and a backend failure, end as errors', async () => {
    const refused = createFakeLab({
      startRun: { ok: false, error: { code: 'unsupported', message: 'needs netns' } },
    })
    expect(await runToEnd(refused, REQUEST, { runId: 'run-refused-1' })).toEqual({
      ending: 'failed',
      runId: 'run-refused-1',
      error: { code: 'unsupported', message: 'needs netns' },
    })
    const fake = createFakeLab()
    const ending = runToEnd(fake, REQUEST)
    await flush()
    fake.push(fake.runId(), {
      kind: 'failed',
      error: { code: 'backend-failed', message: 'peer exited' },
    })
    expect(await ending).toMatchObject({ ending: 'failed', error: { message: 'peer exited' } })
  })

  it('cancelled: aborting cancels the run and waits for its last word', async () => {
    const fake = createFakeLab()
    const controller = new AbortController()
    const ending = runToEnd(fake, REQUEST, { signal: controller.signal })
    await flush()
    controller.abort()
    expect(fake.cancelled).toEqual([fake.runId()])
    // The backend's answer to the cancel ends the wait.
    fake.push(fake.runId(), { kind: 'done', result: refusedResult({ cancelled: true }) })
    const end = await ending
    expect(end.ending).toBe('done')
    expect(end.ending === 'done' && end.result.cancelled).toBe(true)
  })

  it('cancelled: an abort before startRun answers is sent once the run exists', async () => {
    const fake = createFakeLab({ delayMs: 5 })
    const controller = new AbortController()
    const ending = runToEnd(fake, REQUEST, { signal: controller.signal, cancelGraceMs: 20 })
    controller.abort()
    expect(fake.cancelled).toEqual([])
    const end = await ending
    expect(end).toMatchObject({
      ending: 'cancelled',
      error: {
        code: 'cancelled',
        message: 'The run was cancelled; the lab server did not confirm it in time.',
      },
    })
    expect(fake.cancelled).toEqual([fake.runId()])
  })

  it('cancelled: the backend saying so, or a signal aborted before the start', async () => {
    const fake = createFakeLab()
    const ending = runToEnd(fake, REQUEST)
    await flush()
    fake.push(fake.runId(), { kind: 'failed', error: { code: 'cancelled', message: 'Cancelled.' } })
    expect((await ending).ending).toBe('cancelled')
    const early = await runToEnd(fake, REQUEST, { signal: AbortSignal.abort() })
    expect(early.ending).toBe('cancelled')
    expect(fake.requests).toHaveLength(1)
  })

  it('timeout: cancels the run and says so', async () => {
    vi.useFakeTimers()
    const fake = createFakeLab()
    const ending = runToEnd(fake, REQUEST, { timeoutMs: runTimeoutMs(2000) })
    await vi.advanceTimersByTimeAsync(1)
    expect(fake.started).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(32_000)
    const end = await ending
    expect(end).toMatchObject({ ending: 'timeout' })
    expect(end.ending !== 'done' && end.error.message).toBe(
      'The run did not end within 32 s; it was cancelled.',
    )
    expect(fake.cancelled).toEqual([fake.runId()])
  })

  it('connection-lost: the connection closing mid-run ends the wait', async () => {
    const fake = createFakeLab()
    const ending = runToEnd(fake, REQUEST)
    await flush()
    fake.setConnection('closed')
    expect(await ending).toMatchObject({
      ending: 'connection-lost',
      error: { message: 'The connection to the lab server was lost during the run.' },
    })
  })

  it('connection-lost: a server that cannot be reached says so, and nothing is left waiting', async () => {
    const sockets: DroppableSocket[] = []
    const lab = createWebLab({
      url: 'ws://127.0.0.1:1/lab',
      open: () => {
        const socket = new DroppableSocket()
        sockets.push(socket)
        return socket
      },
      backoffMs: 60_000,
    })
    const ending = runToEnd(lab, REQUEST)
    sockets[0]!.drop()
    const end = await ending
    expect(end.ending).toBe('connection-lost')
    expect(end.ending !== 'done' && end.error.message).toMatch(/Could not reach the lab server/)
    lab.dispose()
  })

  it('connection-lost: over browser mode’s WebSocket client, when the socket drops', async () => {
    const sockets: DroppableSocket[] = []
    const lab = createWebLab({
      url: 'ws://127.0.0.1:1/lab',
      open: () => {
        const socket = new DroppableSocket()
        sockets.push(socket)
        return socket
      },
      backoffMs: 60_000,
    })
    sockets[0]!.accept()
    const updates: LiveUpdate[] = []
    const ending = runToEnd(lab, REQUEST, { onUpdate: (u) => updates.push(u) })
    const call = sockets[0]!.sent[0]!
    if (call.type !== 'call') throw new Error('expected the startRun call')
    const runId = (call.args[0] as { runId: string }).runId
    expect(call.name).toBe('startRun')
    sockets[0]!.receive({ type: 'reply', id: call.id, result: { ok: true, value: { runId } } })
    sockets[0]!.receive({
      type: 'event',
      channel: 'lab:run:update',
      payload: { runId, update: { kind: 'step', step: REFUSED_STEP } },
    })
    sockets[0]!.drop()
    expect(await ending).toMatchObject({ ending: 'connection-lost', runId })
    expect(updates).toHaveLength(1)
    lab.dispose()
  })
})

/** A WebSocket stand-in the test opens, answers and drops. */
class DroppableSocket implements SocketLike {
  readyState = 0
  sent: WireFrame[] = []
  onopen: ((event: Event) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  send(data: string): void {
    this.sent.push(JSON.parse(data) as WireFrame)
  }
  close(): void {
    this.drop()
  }
  accept(): void {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  drop(): void {
    this.readyState = 3
    this.onclose?.(new Event('close') as CloseEvent)
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent)
  }
}
