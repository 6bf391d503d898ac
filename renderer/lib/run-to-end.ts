/**
 * Runs one request to its end through the contract: the only place the renderer does it (the
 * Lab view's Run, the quiz's predict-then-run, Compare).
 *
 * The caller names the run (`runId`) and listens before it asks for it, so every update of the
 * run is heard, however fast the backend is: nothing waits for `startRun`'s reply to learn
 * which run is ours. The wait always ends, in one of five ways:
 * - `done`: the backend's result (a run the backend stopped early has `result.cancelled`);
 * - `failed`: the start was refused, or the backend failed;
 * - `cancelled`: the caller aborted (the run is cancelled; its own last word is awaited briefly)
 *   or the backend reports it cancelled;
 * - `timeout`: no end within `timeoutMs`; the run is cancelled and the error says so;
 * - `connection-lost`: browser mode's WebSocket closed mid-run; the run's later updates
 *   cannot reach this page, so the wait ends at once with a clear error.
 */
import { RUN_ID_PATTERN, type LabApi, type RunRequest } from '../../shared/contract'
import type { LabError, LabResult, RunUpdate } from '../../shared/lab-result'
import type { LabConnection } from '../api/web-lab'

/** How a run's wait ended. */
export type RunEnding = 'done' | 'failed' | 'cancelled' | 'timeout' | 'connection-lost'

/** The end of a run: its result, or an error as data saying why there is none. */
export type RunEnd =
  | { ending: 'done'; runId: string; result: LabResult }
  | { ending: Exclude<RunEnding, 'done'>; runId: string; error: LabError }

/** An update while the run goes on (its end comes back from {@link runToEnd} itself). */
export type LiveUpdate = Extract<RunUpdate, { kind: 'event' | 'step' }>

/** What a run needs from the contract (browser mode adds the connection state). */
export type RunApi = Pick<LabApi, 'startRun' | 'cancelRun' | 'onRunUpdate'> &
  Partial<Pick<LabConnection, 'onConnectionChange'>>

/** Options of {@link runToEnd}. */
export interface RunToEndOptions {
  /** Hears each event and step of the run as it streams in. */
  onUpdate?: (update: LiveUpdate) => void
  /** Hears that the backend accepted the run (its updates may already have come). */
  onStarted?: (runId: string) => void
  /** Aborting cancels the run. */
  signal?: AbortSignal
  /** Wall time before the run counts as stuck and is cancelled; none when absent. */
  timeoutMs?: number
  /** After a cancel, how long to wait for the run's own last update (it may carry a result). */
  cancelGraceMs?: number
  /** The run's name; a fresh {@link newRunId} when absent. */
  runId?: string
}

/** Margin over a script's `limitMs` before a run counts as stuck (kernel runs start processes). */
export const RUN_MARGIN_MS = 30_000

/** The wall-time bound of a run whose script allows `limitMs` of run time. */
export function runTimeoutMs(limitMs: number | undefined): number {
  return (limitMs ?? 10_000) + RUN_MARGIN_MS
}

const CANCEL_GRACE_MS = 5000

/**
 * A fresh run id: a UUID where the page has `crypto.randomUUID` (secure contexts), else 32
 * random hex digits (browser mode served to a classroom over plain http has no randomUUID).
 */
export function newRunId(): string {
  const c = globalThis.crypto
  if (typeof c?.randomUUID === 'function') return c.randomUUID()
  const bytes = new Uint8Array(16)
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  const id = `run-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
  if (!RUN_ID_PATTERN.test(id)) throw new Error(`made a bad run id: ${id}`)
  return id
}

/** Runs one request to its end (see the module comment). Never rejects. */
export function runToEnd(
  api: RunApi,
  request: Omit<RunRequest, 'runId'>,
  options: RunToEndOptions = {},
): Promise<RunEnd> {
  const runId = options.runId ?? newRunId()
  const { signal } = options
  if (signal?.aborted)
    return Promise.resolve({
      ending: 'cancelled',
      runId,
      error: cancelledError(' before it started'),
    })

  return new Promise<RunEnd>((resolve) => {
    let settled = false
    /** The start's answer: undefined while it is on its way. */
    let accepted: boolean | undefined
    let cancelWanted = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let graceTimer: ReturnType<typeof setTimeout> | undefined

    const finish = (end: RunEnd): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(graceTimer)
      stopUpdates()
      stopConnection?.()
      signal?.removeEventListener('abort', onAbort)
      resolve(end)
    }
    const fail = (ending: Exclude<RunEnding, 'done'>, error: LabError): void =>
      finish({ ending, runId, error })

    // Asks the backend to stop. Before startRun has answered the run may not exist yet on the
    // host (it validates first): the cancel is sent once the answer says it does.
    const cancel = (): void => {
      if (cancelWanted) return
      cancelWanted = true
      if (accepted) void api.cancelRun(runId)
    }

    const stopUpdates = api.onRunUpdate((message) => {
      if (message.runId !== runId || settled) return
      const update = message.update
      if (update.kind === 'done') finish({ ending: 'done', runId, result: update.result })
      else if (update.kind === 'failed')
        fail(update.error.code === 'cancelled' ? 'cancelled' : 'failed', update.error)
      else options.onUpdate?.(update)
    })
    // Browser mode: the socket closing ends the run for this page. Before startRun has
    // answered, its answer (failed at once by the client, with why) says it instead.
    let closedEarly = false
    const lost = (): void =>
      fail('connection-lost', {
        code: 'internal',
        message: 'The connection to the lab server was lost during the run.',
      })
    const stopConnection = api.onConnectionChange?.((state) => {
      if (state !== 'closed') return
      if (accepted === undefined) closedEarly = true
      else lost()
    })

    const timeoutMs = options.timeoutMs
    if (timeoutMs !== undefined)
      timer = setTimeout(() => {
        cancel()
        fail('timeout', {
          code: 'internal',
          message: `The run did not end within ${Math.round(timeoutMs / 1000)} s; it was cancelled.`,
        })
      }, timeoutMs)

    function onAbort(): void {
      cancel()
      // The run's own last update says how it ended (a cancelled result keeps the calls that
      // returned); if it does not come soon, the wait ends anyway.
      graceTimer = setTimeout(
        () => fail('cancelled', cancelledError('; the lab server did not confirm it in time')),
        accepted === false ? 0 : (options.cancelGraceMs ?? CANCEL_GRACE_MS),
      )
    }
    signal?.addEventListener('abort', onAbort, { once: true })

    void api.startRun({ ...request, runId }).then(
      (answer) => {
        accepted = answer.ok
        if (!answer.ok) return fail(closedEarly ? 'connection-lost' : 'failed', answer.error)
        // The run started, but the socket that was to carry its updates closed meanwhile.
        if (closedEarly) return lost()
        if (cancelWanted) void api.cancelRun(runId)
        if (!settled) options.onStarted?.(runId)
      },
      (error: unknown) => {
        accepted = false
        fail('failed', { code: 'internal', message: `Could not start the run: ${String(error)}` })
      },
    )
  })
}

function cancelledError(detail: string): LabError {
  return { code: 'cancelled', message: `The run was cancelled${detail}.` }
}
