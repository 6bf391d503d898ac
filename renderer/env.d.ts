/** Globals of the renderer: the preload's API (absent in browser mode) and a test hook. */
import type { Terminal } from '@xterm/xterm'
import type { LabApi } from '../shared/contract'

declare global {
  interface Window {
    /** Set by the Electron preload; undefined in browser mode. */
    lab?: LabApi
    /** The trace terminal, so end-to-end tests can read its buffer. */
    __labTerminal?: Terminal
  }
}

export {}
