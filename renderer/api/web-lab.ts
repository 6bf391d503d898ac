/**
 * The contract over one WebSocket, for browser mode (no Electron preload there).
 *
 * Frames are the contract's {@link WireFrame}s. Calls made while the socket is (re)connecting
 * wait for it; when the socket drops, every call still waiting resolves at once with a clear
 * error (as data, like every other failure), and the client reconnects with backoff.
 */
import {
  CALLS,
  EVENTS,
  type CallName,
  type GradeUpdateMessage,
  type LabApi,
  type LabCalls,
  type MenuCommand,
  type Result,
  type RunUpdateMessage,
  type WireFrame,
} from '../../shared/contract'
import type { LabError } from '../../shared/lab-result'

/** The part of the browser's WebSocket this client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number
  onopen: ((event: Event) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  send(data: string): void
  close(): void
}

/** Is the lab server reachable right now? */
export type ConnectionState = 'connecting' | 'open' | 'closed'

/** Extra surface of a transport that can lose its connection (browser mode). */
export interface LabConnection {
  readonly connectionState: ConnectionState
  /**
   * Hears every change of the connection. When the socket closes, listeners hear `closed`
   * before the calls still waiting on it fail, so a run in progress can tell a lost
   * connection from a refused start (lib/run-to-end.ts relies on this). Run updates sent
   * while the socket was down are lost: a run that was going when it closed cannot be
   * followed to its end.
   */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void
}

/** Options of {@link createWebLab}. */
export interface WebLabOptions {
  url: string
  /** Opens a socket; the browser's WebSocket by default. */
  open?: (url: string) => SocketLike
  /** First reconnect delay; doubles up to {@link maxBackoffMs}. */
  backoffMs?: number
  maxBackoffMs?: number
  /** A call not answered by then resolves with an error. */
  callTimeoutMs?: number
}

const OPEN = 1

interface Pending {
  frame: WireFrame & { type: 'call' }
  resolve: (result: Result<unknown>) => void
  timer: ReturnType<typeof setTimeout>
  sent: boolean
}

function failure(code: LabError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

/**
 * The WebSocket URL of the page's own server: `ws://<host>/lab?t=<token>`. Browser mode opens
 * the page with its access token in the query (`/?t=...`, main/web/door.ts); the socket must
 * bring it back, or the server refuses it. (The query, not the fragment: the fragment is the
 * app's route.)
 */
export function labSocketUrl(
  location: Pick<Location, 'host' | 'protocol'> & Partial<Pick<Location, 'search'>>,
): string {
  const token = new URLSearchParams(location.search ?? '').get('t')
  const query = token ? `?t=${encodeURIComponent(token)}` : ''
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/lab${query}`
}

/** A socket URL as messages show it: the access token stays out of screenshots. */
export function shownUrl(url: string): string {
  return url.replace(/([?&]t=)[^&#]*/, '$1…')
}

/** A {@link LabApi} over one WebSocket, plus its connection state. */
export function createWebLab(options: WebLabOptions): LabApi & LabConnection & { dispose(): void } {
  const open = options.open ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const baseBackoff = options.backoffMs ?? 250
  const maxBackoff = options.maxBackoffMs ?? 5000
  const callTimeout = options.callTimeoutMs ?? 60_000
  const shown = shownUrl(options.url)
  // The browser does not tell a page why its socket was refused; the likely reasons are these.
  const unreachable = /[?&]t=/.test(options.url)
    ? `Could not reach the lab server at ${shown}; is browser mode still running? If it was restarted, open the new URL it printed (its access token changes at every start).`
    : `Could not reach the lab server at ${shown}: this page was opened without its access token. Open the full URL browser mode printed (it ends in ?t=...).`

  let socket: SocketLike | undefined
  let state: ConnectionState = 'closed'
  let nextId = 1
  let backoff = baseBackoff
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let disposed = false
  const pending = new Map<number, Pending>()
  const runListeners = new Set<(message: RunUpdateMessage) => void>()
  const menuListeners = new Set<(command: MenuCommand) => void>()
  const gradeListeners = new Set<(message: GradeUpdateMessage) => void>()
  const stateListeners = new Set<(state: ConnectionState) => void>()

  const setState = (next: ConnectionState): void => {
    if (state === next) return
    state = next
    for (const listener of stateListeners) listener(next)
  }

  const settle = (id: number, result: Result<unknown>): void => {
    const call = pending.get(id)
    if (!call) return
    pending.delete(id)
    clearTimeout(call.timer)
    call.resolve(result)
  }

  const flush = (): void => {
    for (const call of pending.values()) {
      if (call.sent || !socket || socket.readyState !== OPEN) continue
      socket.send(JSON.stringify(call.frame))
      call.sent = true
    }
  }

  const scheduleReconnect = (): void => {
    if (disposed || retryTimer !== undefined) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      connect()
    }, backoff)
    backoff = Math.min(backoff * 2, maxBackoff)
  }

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return
    let frame: WireFrame
    try {
      frame = JSON.parse(data) as WireFrame
    } catch {
      return // A frame that is not JSON cannot belong to any call: ignore it.
    }
    if (frame?.type === 'reply' && typeof frame.id === 'number') {
      const result =
        frame.result && typeof frame.result === 'object' && 'ok' in frame.result
          ? frame.result
          : failure('internal', 'The lab server sent a reply without a result.')
      settle(frame.id, result)
    } else if (frame?.type === 'event') {
      if (frame.channel === EVENTS.onRunUpdate) {
        for (const listener of runListeners) listener(frame.payload as RunUpdateMessage)
      } else if (frame.channel === EVENTS.onMenuCommand) {
        for (const listener of menuListeners) listener(frame.payload as MenuCommand)
      } else if (frame.channel === EVENTS.onGradeUpdate) {
        for (const listener of gradeListeners) listener(frame.payload as GradeUpdateMessage)
      }
    }
  }

  function connect(): void {
    if (disposed || state !== 'closed') return
    setState('connecting')
    let ws: SocketLike
    try {
      ws = open(options.url)
    } catch (error) {
      setState('closed')
      failAll(`Could not open ${shown}: ${String(error)}`)
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      backoff = baseBackoff
      setState('open')
      flush()
    }
    ws.onmessage = (event) => onMessage(event.data)
    ws.onerror = () => undefined // `close` always follows and does the work.
    ws.onclose = () => {
      if (socket !== ws) return
      socket = undefined
      const wasOpen = state === 'open'
      // Listeners first, then the waiting calls (see LabConnection.onConnectionChange).
      setState('closed')
      failAll(
        wasOpen
          ? `The connection to the lab server (${shown}) dropped before it answered; it reconnects by itself, try again.`
          : unreachable,
      )
      scheduleReconnect()
    }
  }

  function failAll(message: string): void {
    for (const id of [...pending.keys()]) settle(id, failure('internal', message))
  }

  const call = <N extends CallName>(name: N, args: unknown[]): Promise<Result<unknown>> => {
    if (disposed) return Promise.resolve(failure('internal', 'The lab client was closed.'))
    return new Promise((resolve) => {
      const id = nextId++
      const timer = setTimeout(
        () =>
          settle(
            id,
            failure(
              'internal',
              `The lab server did not answer ${CALLS[name].channel} within ${callTimeout / 1000} s.`,
            ),
          ),
        callTimeout,
      )
      pending.set(id, { frame: { type: 'call', id, name, args }, resolve, timer, sent: false })
      if (state === 'closed') {
        // A call made during the backoff pause reconnects now rather than waiting it out.
        if (retryTimer !== undefined) clearTimeout(retryTimer)
        retryTimer = undefined
        connect()
      } else flush()
    })
  }

  const calls: LabCalls = {
    getCapabilities: () => call('getCapabilities', []) as ReturnType<LabCalls['getCapabilities']>,
    listScenarios: () => call('listScenarios', []) as ReturnType<LabCalls['listScenarios']>,
    getScenario: (id) => call('getScenario', [id]) as ReturnType<LabCalls['getScenario']>,
    startRun: (request) => call('startRun', [request]) as ReturnType<LabCalls['startRun']>,
    cancelRun: (runId) => call('cancelRun', [runId]) as ReturnType<LabCalls['cancelRun']>,
    quizSaveAttempt: (attempt) =>
      call('quizSaveAttempt', [attempt]) as ReturnType<LabCalls['quizSaveAttempt']>,
    quizHistory: () => call('quizHistory', []) as ReturnType<LabCalls['quizHistory']>,
    quizProof: () => call('quizProof', []) as ReturnType<LabCalls['quizProof']>,
    packImport: (file) => call('packImport', [file]) as ReturnType<LabCalls['packImport']>,
    packList: () => call('packList', []) as ReturnType<LabCalls['packList']>,
    packDelete: (id) => call('packDelete', [id]) as ReturnType<LabCalls['packDelete']>,
    classImportResults: (files) =>
      call('classImportResults', [files]) as ReturnType<LabCalls['classImportResults']>,
    classGradebook: () => call('classGradebook', []) as ReturnType<LabCalls['classGradebook']>,
    classClearResults: () =>
      call('classClearResults', []) as ReturnType<LabCalls['classClearResults']>,
    savePdf: (request) => call('savePdf', [request]) as ReturnType<LabCalls['savePdf']>,
    classStart: (request) => call('classStart', [request]) as ReturnType<LabCalls['classStart']>,
    classStatus: () => call('classStatus', []) as ReturnType<LabCalls['classStatus']>,
    classControl: (command) =>
      call('classControl', [command]) as ReturnType<LabCalls['classControl']>,
    classEnd: () => call('classEnd', []) as ReturnType<LabCalls['classEnd']>,
    classAddresses: () => call('classAddresses', []) as ReturnType<LabCalls['classAddresses']>,
    classGradeFolder: (request) =>
      call('classGradeFolder', [request]) as ReturnType<LabCalls['classGradeFolder']>,
    classCancelGrade: (jobId) =>
      call('classCancelGrade', [jobId]) as ReturnType<LabCalls['classCancelGrade']>,
    classPickFolder: () => call('classPickFolder', []) as ReturnType<LabCalls['classPickFolder']>,
  }

  connect()

  return {
    ...calls,
    onRunUpdate(listener) {
      runListeners.add(listener)
      return () => runListeners.delete(listener)
    },
    onMenuCommand(listener) {
      menuListeners.add(listener)
      return () => menuListeners.delete(listener)
    },
    onGradeUpdate(listener) {
      gradeListeners.add(listener)
      return () => gradeListeners.delete(listener)
    },
    get connectionState() {
      return state
    },
    onConnectionChange(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    dispose() {
      disposed = true
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      failAll('The lab client was closed.')
      const ws = socket
      socket = undefined
      setState('closed')
      ws?.close()
    },
  }
}
