/**
 * The one place that builds the map of backends: the desktop app and browser mode (through
 * main/lab/service.ts) and the CLI all get theirs here, so a new backend is added once.
 * Backends themselves never import this file (they import only `backend.ts` and `result.ts`),
 * so neither knows the other.
 */
import type { BackendId } from '../../shared/lab-script'
import { kernelBackend } from '../kernel/index'
import { simBackend } from '../sim/index'
import type { Backend } from './backend'

/** Every backend by id. */
export type Backends = Record<BackendId, Backend>

/** The real backends; tests may replace some of them. */
export function createBackends(overrides: Partial<Backends> = {}): Backends {
  return { sim: simBackend, kernel: kernelBackend, ...overrides }
}
