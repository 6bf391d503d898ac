/**
 * Sessions: resolve a request to a validated script, run it on a backend, stream its
 * updates, cancel on demand, and always wait for the backend to finish cleaning up.
 */
import { randomUUID } from 'node:crypto'
import { scenarioScript } from '../../shared/catalog/index'
import { fail, ok, type Result, type RunRequest } from '../../shared/contract'
import type { LabError, LabResult, RunUpdate } from '../../shared/lab-result'
import { parseLabScript, type BackendId, type LabScript } from '../../shared/lab-script'
import type { Backend } from '../backend/backend'

/** Turns a run request (catalog id or a script) into a validated script. */
export function resolveScript(
  request: Pick<RunRequest, 'scenarioId' | 'script' | 'profile'>,
): Result<LabScript> {
  let script: LabScript
  if (request.script !== undefined) {
    const parsed = parseLabScript(request.script)
    if (!parsed.ok)
      return fail('bad-input', `The lab script is not valid:\n${parsed.message}`, parsed.problems)
    script = parsed.script
  } else if (request.scenarioId !== undefined) {
    const found = scenarioScript(request.scenarioId)
    if (!found)
      return fail('unknown-scenario', `There is no case "${request.scenarioId}" in the catalog.`)
    script = found
  } else {
    return fail('bad-input', 'A run needs either "scenarioId" or "script".')
  }
  return ok(request.profile ? { ...script, profile: request.profile } : script)
}

/** Options of {@link runScript}. */
export interface RunOptions {
  signal?: AbortSignal
  onUpdate?: (update: RunUpdate) => void
  /**
   * Wall-clock guard for backends that run in real time: abort when the run has not ended
   * this long after its `limitMs`. Protects against a stuck backend, never cuts a run short.
   */
  graceMs?: number
}

/**
 * Runs one script on one backend to its end and returns the result, or an error as data.
 * Resolves only after the backend has returned, so its cleanup has run.
 */
export async function runScript(
  script: LabScript,
  backend: Backend,
  options: RunOptions = {},
): Promise<Result<LabResult>> {
  const why = await backend.unsupported(script)
  if (why) return fail('unsupported', why)
  const controller = new AbortController()
  const onAbort = (): void => controller.abort()
  options.signal?.addEventListener('abort', onAbort)
  if (options.signal?.aborted) {
    options.signal.removeEventListener('abort', onAbort)
    return fail('cancelled', 'The run was cancelled before it started.')
  }
  const guard = setTimeout(() => controller.abort(), script.limitMs + (options.graceMs ?? 30_000))
  const emit = options.onUpdate ?? (() => undefined)
  try {
    const result = await backend.run(script, {
      signal: controller.signal,
      onEvent: (event) => emit({ kind: 'event', event }),
      onStep: (step) => emit({ kind: 'step', step }),
    })
    if (controller.signal.aborted) result.cancelled = true
    return ok(result)
  } catch (error) {
    if (controller.signal.aborted)
      return fail('cancelled', 'The run was cancelled before it ended.')
    const message = error instanceof Error ? error.message : String(error)
    return fail('backend-failed', `The ${backend.id} backend failed: ${message}`)
  } finally {
    clearTimeout(guard)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/** A listener for every update of every run of a {@link Sessions}. */
export type SessionListener = (runId: string, update: RunUpdate) => void

/** The runs of one app instance (one UI), each cancellable. */
export class Sessions {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>()

  constructor(
    private readonly backends: Record<BackendId, Backend>,
    private readonly listener: SessionListener,
  ) {}

  /**
   * Starts a run in the background under the caller's id (a new one if none); updates go to
   * the listener, the last is `done` or `failed`.
   */
  start(
    script: LabScript,
    backendId: BackendId,
    runId: string = randomUUID(),
    /** A backend made for this run only (a program run's), instead of `backendId`'s. */
    backend: Backend = this.backends[backendId],
  ): string {
    const controller = new AbortController()
    const emit = (update: RunUpdate): void => this.listener(runId, update)
    const done = runScript(script, backend, {
      signal: controller.signal,
      onUpdate: emit,
    })
      .then((result) => {
        if (result.ok) emit({ kind: 'done', result: result.value })
        else emit({ kind: 'failed', error: result.error })
      })
      .catch((error: unknown) => {
        const failure: LabError = { code: 'internal', message: String(error) }
        emit({ kind: 'failed', error: failure })
      })
      .finally(() => this.running.delete(runId))
    this.running.set(runId, { controller, done })
    return runId
  }

  /** Cancels a run; resolves once its backend has cleaned up. False if no such run is going. */
  async cancel(runId: string): Promise<boolean> {
    const run = this.running.get(runId)
    if (!run) return false
    run.controller.abort()
    await run.done
    return true
  }

  /** True while a run of this id is going. */
  has(runId: string): boolean {
    return this.running.has(runId)
  }

  /** Ids of the runs still going. */
  active(): string[] {
    return [...this.running.keys()]
  }

  /** Cancels every run and waits for all cleanups. */
  async dispose(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id)))
  }
}
