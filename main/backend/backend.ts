/**
 * The seam between a session and the engines that answer a lab script.
 *
 * A backend receives a validated script and streams what happens through `emit` (trace
 * events as they occur, each step's result as it returns), then resolves with the whole
 * result document. It must stop promptly when `signal` aborts and must leave nothing behind
 * (processes, namespaces, ports, timers) whether it resolves, rejects or is aborted.
 */
import type { BackendId, LabScript } from '../../shared/lab-script'
import type { LabResult, StepResult, TraceEvent } from '../../shared/lab-result'

/** What a backend gets besides the script. */
export interface RunContext {
  /** Aborted when the user cancels or the session is torn down. */
  signal: AbortSignal
  /** A trace event happened (time order). */
  onEvent(event: TraceEvent): void
  /** A step returned, blocked at the limit, or was skipped. */
  onStep(step: StepResult): void
}

/** An engine that runs lab scripts. */
export interface Backend {
  readonly id: BackendId
  /**
   * Whether this backend can run this script on this host: `null` when it can, otherwise one
   * sentence saying why not (CLI exit code 3).
   */
  unsupported(script: LabScript): Promise<string | null>
  /** Runs the script to its end (or the abort) and returns the result document. */
  run(script: LabScript, context: RunContext): Promise<LabResult>
}

/** Thrown by a backend when the host cannot run a script (maps to `unsupported`). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError'
}
