/**
 * The printable lab sheet's run: the case on the simulator with the chosen profile, whose
 * results are the sheet's answers (renderer/lib/lab-sheet.ts), and the desktop app's
 * "Save as PDF" (the contract's savePdf; a browser prints the page itself).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ProfileId } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { plainText } from '../lib/plain-text'
import { runTimeoutMs, runToEnd } from '../lib/run-to-end'
import { useLabApi } from './lab-api'

/** Where the sheet's answers stand. */
export type SheetState = 'idle' | 'running' | 'ready' | 'failed'

/** Sheet state and actions. */
export const useSheetStore = defineStore('sheet', () => {
  const api = useLabApi('useSheetStore')
  const result = shallowRef<LabResult | null>(null)
  const state = ref<SheetState>('idle')
  const error = ref<string | null>(null)
  const shell = ref<'electron' | 'web' | null>(null)
  const pdfSaved = ref<string | null>(null)
  const pdfError = ref<string | null>(null)
  /** `<case>:<profile>` of the answers held (what a test waits for after a new request). */
  const answered = ref<string | null>(null)
  let asked = 0

  /** Runs the case on the simulator with `profile`; a newer request wins over an older one. */
  async function load(caseId: string, profile: ProfileId, limitMs?: number): Promise<void> {
    const mine = ++asked
    state.value = 'running'
    error.value = null
    result.value = null
    answered.value = null
    const end = await runToEnd(
      api,
      { scenarioId: caseId, backend: 'sim', profile },
      { timeoutMs: runTimeoutMs(limitMs) },
    )
    if (mine !== asked) return
    if (end.ending === 'done') {
      result.value = end.result
      answered.value = `${caseId}:${profile}`
      state.value = 'ready'
    } else {
      error.value = plainText(end.error.message)
      state.value = 'failed'
    }
  }

  /** Learns whether this is the desktop window (which saves PDFs) or a browser. */
  async function loadShell(): Promise<void> {
    const answer = await api.getCapabilities()
    shell.value = answer.ok ? answer.value.shell : 'web'
  }

  /** The desktop app prints the page to a PDF file the user places. */
  async function savePdf(fileName: string): Promise<void> {
    pdfSaved.value = null
    pdfError.value = null
    const answer = await api.savePdf({ fileName })
    if (answer.ok) pdfSaved.value = answer.value.saved
    else pdfError.value = plainText(answer.error.message)
  }

  return { result, answered, state, error, shell, pdfSaved, pdfError, load, loadShell, savePdf }
})
