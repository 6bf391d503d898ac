import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RunUpdateMessage, WireFrame } from '../../shared/contract'
import { createWebLab, labSocketUrl, type SocketLike } from './web-lab'

/** A socket the test drives: it records what the client sends and fakes the server. */
class FakeSocket implements SocketLike {
  readyState = 0
  sent: WireFrame[] = []
  onopen: ((event: Event) => void) | null = null
  onclose: ((event: CloseEvent) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  onmessage: ((event: MessageEvent) => void) | null = null
  constructor(readonly url: string) {}
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

function setup(options: { callTimeoutMs?: number } = {}) {
  const sockets: FakeSocket[] = []
  const lab = createWebLab({
    url: 'ws://127.0.0.1:1/lab',
    open: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    backoffMs: 100,
    maxBackoffMs: 400,
    ...options,
  })
  return { lab, sockets, last: () => sockets[sockets.length - 1]! }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('labSocketUrl', () => {
  it('points at /lab on the page host, wss under https', () => {
    expect(labSocketUrl({ host: '127.0.0.1:47123', protocol: 'http:' })).toBe(
      'ws://127.0.0.1:47123/lab',
    )
    expect(labSocketUrl({ host: 'x:1', protocol: 'https:' })).toBe('wss://x:1/lab')
  })

  it('carries the access token of the page URL to the socket', () => {
    const page = { host: '127.0.0.1:47100', protocol: 'http:' }
    expect(labSocketUrl({ ...page, search: '?t=AbC-_123' })).toBe(
      'ws://127.0.0.1:47100/lab?t=AbC-_123',
    )
    expect(labSocketUrl({ ...page, search: '?x=1&t=a%2Bb' })).toBe(
      'ws://127.0.0.1:47100/lab?t=a%2Bb',
    )
    expect(labSocketUrl({ ...page, search: '' })).toBe('ws://127.0.0.1:47100/lab')
  })

  it('keeps the token out of its messages, and says when the page came without one', async () => {
    const run = async (url: string): Promise<string> => {
      const lab = createWebLab({
        url,
        open: () => {
          const s = new FakeSocket(url)
          queueMicrotask(() => s.drop())
          return s
        },
        backoffMs: 60_000,
      })
      const result = await lab.listScenarios()
      lab.dispose()
      return result.ok ? '' : result.error.message
    }
    const withToken = await run('ws://127.0.0.1:1/lab?t=secret-token-value-123456')
    expect(withToken).not.toContain('secret')
    expect(withToken).toMatch(/at ws:\/\/127\.0\.0\.1:1\/lab\?t=…; is browser mode still running\?/)
    expect(withToken).toContain('its access token changes at every start')
    expect(await run('ws://127.0.0.1:1/lab')).toMatch(/opened without its access token/)
  })
})

describe('createWebLab', () => {
  it('queues a call until the socket opens, then matches the reply by id', async () => {
    const { lab, last } = setup()
    const answer = lab.listScenarios()
    expect(last().sent).toEqual([])
    last().accept()
    expect(last().sent).toEqual([{ type: 'call', id: 1, name: 'listScenarios', args: [] }])
    last().receive({ type: 'reply', id: 1, result: { ok: true, value: [] } })
    await expect(answer).resolves.toEqual({ ok: true, value: [] })
    lab.dispose()
  })

  it('sends arguments as an array and keeps replies apart', async () => {
    const { lab, last } = setup()
    last().accept()
    const a = lab.getScenario('connect.ok')
    const b = lab.startRun({ runId: 'run-0001', scenarioId: 'connect.refused', backend: 'sim' })
    expect(last().sent.map((f) => (f.type === 'call' ? [f.id, f.name, f.args] : null))).toEqual([
      [1, 'getScenario', ['connect.ok']],
      [2, 'startRun', [{ runId: 'run-0001', scenarioId: 'connect.refused', backend: 'sim' }]],
    ])
    last().receive({ type: 'reply', id: 2, result: { ok: true, value: { runId: 'run-0001' } } })
    last().receive({
      type: 'reply',
      id: 1,
      result: { ok: false, error: { code: 'unknown-scenario', message: 'no' } },
    })
    await expect(b).resolves.toEqual({ ok: true, value: { runId: 'run-0001' } })
    await expect(a).resolves.toMatchObject({ ok: false, error: { code: 'unknown-scenario' } })
    lab.dispose()
  })

  it('delivers run updates and menu commands to their listeners only', () => {
    const { lab, last } = setup()
    last().accept()
    const runs: RunUpdateMessage[] = []
    const menus: unknown[] = []
    const stop = lab.onRunUpdate((m) => runs.push(m))
    lab.onMenuCommand((c) => menus.push(c))
    const payload = {
      runId: 'r1',
      update: { kind: 'failed', error: { code: 'internal', message: 'x' } },
    }
    last().receive({ type: 'event', channel: 'lab:run:update', payload })
    last().receive({ type: 'event', channel: 'lab:app:menu', payload: { command: 'about' } })
    last().receive({ type: 'event', channel: 'lab:other', payload: 1 })
    stop()
    last().receive({ type: 'event', channel: 'lab:run:update', payload })
    expect(runs).toEqual([payload])
    expect(menus).toEqual([{ command: 'about' }])
    lab.dispose()
  })

  it('ignores frames that are not JSON or answer no call', () => {
    const { lab, last } = setup()
    last().accept()
    last().onmessage?.({ data: 'not json' } as MessageEvent)
    last().receive({ type: 'reply', id: 99, result: { ok: true, value: 1 } })
    expect(lab.connectionState).toBe('open')
    lab.dispose()
  })

  it('fails pending calls with a clear error when the socket drops, then reconnects with backoff', async () => {
    vi.useFakeTimers()
    const { lab, sockets, last } = setup()
    const states: string[] = []
    lab.onConnectionChange((s) => states.push(s))
    last().accept()
    const pending = lab.getCapabilities()
    last().drop()
    const result = await pending
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toMatch(/dropped before it answered/)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    // The second attempt fails too: the next wait doubles.
    last().drop()
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(3)
    last().accept()
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open'])
    lab.dispose()
  })

  it('says the connection closed before it fails the calls waiting on it', async () => {
    const { lab, last } = setup()
    last().accept()
    const heard: string[] = []
    lab.onConnectionChange((s) => heard.push(`state ${s}`))
    const pending = lab
      .startRun({ runId: 'run-0001', scenarioId: 'connect.refused', backend: 'sim' })
      .then((r) => heard.push(`startRun ${r.ok ? 'ok' : r.error.code}`))
    last().drop()
    await pending
    expect(heard).toEqual(['state closed', 'startRun internal'])
    lab.dispose()
  })

  it('a call made while waiting to reconnect reconnects at once', async () => {
    vi.useFakeTimers()
    const { lab, sockets, last } = setup()
    last().drop()
    expect(sockets).toHaveLength(1)
    const answer = lab.listScenarios()
    expect(sockets).toHaveLength(2)
    last().accept()
    last().receive({ type: 'reply', id: 1, result: { ok: true, value: [] } })
    await expect(answer).resolves.toEqual({ ok: true, value: [] })
    lab.dispose()
  })

  it('a call nobody answers times out with an error naming the channel', async () => {
    vi.useFakeTimers()
    const { lab, last } = setup({ callTimeoutMs: 1000 })
    last().accept()
    const answer = lab.cancelRun('r1')
    vi.advanceTimersByTime(1000)
    const result = await answer
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    if (!result.ok) expect(result.error.message).toContain('lab:run:cancel')
    lab.dispose()
  })

  it('after dispose, calls fail and nothing reconnects', async () => {
    vi.useFakeTimers()
    const { lab, sockets } = setup()
    lab.dispose()
    vi.advanceTimersByTime(10_000)
    expect(sockets).toHaveLength(1)
    await expect(lab.listScenarios()).resolves.toMatchObject({ ok: false })
  })
})
