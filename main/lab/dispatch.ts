/**
 * One entry for every transport: validate a call's arguments with the shared schemas, then
 * call the service. Never throws: every failure comes back as `{ ok: false, error }`.
 */
import {
  CALLS,
  fail,
  validateArgs,
  type CallName,
  type LabCalls,
  type Result,
} from '../../shared/contract'
import type { LabService } from './service'

/** True when `name` is one of the contract's calls. */
export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(CALLS, name)
}

/** Validates and runs one call. */
export async function dispatchCall(
  service: LabService,
  name: CallName,
  args: unknown[],
): Promise<Result<unknown>> {
  const checked = validateArgs(name, args)
  if (!checked.ok) return { ok: false, error: checked.error }
  try {
    const method = service.calls[name] as (...a: unknown[]) => ReturnType<LabCalls[CallName]>
    return await method(...(checked.args as unknown[]))
  } catch (error) {
    return fail(
      'internal',
      `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}
