/**
 * IPC handlers of the contract's calls: one `ipcMain.handle` per `CALLS` entry. Each handler
 * first checks who is calling (the sender frame), then hands the raw arguments to
 * `dispatchCall`, which validates them with the shared schemas and never throws.
 */
import { CALLS, fail, type CallName, type Result } from '../../shared/contract'
import { dispatchCall } from '../lab/dispatch'
import type { LabService } from '../lab/service'

/** The part of Electron's `ipcMain` used here (so a test can pass a fake). */
export interface IpcMainLike<E> {
  handle(
    channel: string,
    listener: (event: E, ...args: unknown[]) => Promise<Result<unknown>>,
  ): void
  removeHandler(channel: string): void
}

/** The answer to a call from a frame that is not the app's own page. */
export function refusedSender(name: CallName): Result<never> {
  return fail('bad-input', `${name} refused: the call did not come from the app's own window.`)
}

/**
 * Registers a handler for every call of the contract. Returns a function that removes them
 * (used at quit, and by tests).
 */
export function registerLabIpc<E>(
  ipc: IpcMainLike<E>,
  service: LabService,
  senderOk: (event: E) => boolean,
  onRefused: (name: CallName) => void = () => {},
): () => void {
  const names = Object.keys(CALLS) as CallName[]
  for (const name of names) {
    ipc.handle(CALLS[name].channel, async (event, ...args) => {
      if (!senderOk(event)) {
        onRefused(name)
        return refusedSender(name)
      }
      return dispatchCall(service, name, args)
    })
  }
  return () => {
    for (const name of names) ipc.removeHandler(CALLS[name].channel)
  }
}
