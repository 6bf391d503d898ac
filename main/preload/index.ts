/**
 * The preload of the sandboxed window (built to `out/preload/index.cjs`, CommonJS). It gives
 * the page exactly the contract as `window.lab`: one named method per call, each bound to its
 * own channel, and one subscribe method per event. The page never sees `ipcRenderer`, an
 * `IpcRendererEvent` (whose `sender` would be `ipcRenderer` itself) or anything of Node.
 * Arguments are checked in main, where a compromised page cannot skip the check.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { CALLS, EVENTS, type LabApi } from '../../shared/contract'

/** Subscribes `listener` to one event channel, passing only the payload. */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const forward = (_event: IpcRendererEvent, payload: T): void => listener(payload)
  ipcRenderer.on(channel, forward)
  return () => {
    ipcRenderer.removeListener(channel, forward)
  }
}

// `satisfies` types every parameter from the contract and fails the build when a call or
// event is missing or has an extra method.
const lab = {
  getCapabilities: () => ipcRenderer.invoke(CALLS.getCapabilities.channel),
  listScenarios: () => ipcRenderer.invoke(CALLS.listScenarios.channel),
  getScenario: (id) => ipcRenderer.invoke(CALLS.getScenario.channel, id),
  startRun: (request) => ipcRenderer.invoke(CALLS.startRun.channel, request),
  cancelRun: (runId) => ipcRenderer.invoke(CALLS.cancelRun.channel, runId),
  quizSaveAttempt: (attempt) => ipcRenderer.invoke(CALLS.quizSaveAttempt.channel, attempt),
  quizHistory: () => ipcRenderer.invoke(CALLS.quizHistory.channel),
  quizProof: () => ipcRenderer.invoke(CALLS.quizProof.channel),
  packImport: (file) => ipcRenderer.invoke(CALLS.packImport.channel, file),
  packList: () => ipcRenderer.invoke(CALLS.packList.channel),
  packDelete: (id) => ipcRenderer.invoke(CALLS.packDelete.channel, id),
  classImportResults: (files) => ipcRenderer.invoke(CALLS.classImportResults.channel, files),
  classGradebook: () => ipcRenderer.invoke(CALLS.classGradebook.channel),
  classClearResults: () => ipcRenderer.invoke(CALLS.classClearResults.channel),
  savePdf: (request) => ipcRenderer.invoke(CALLS.savePdf.channel, request),
  classStart: (request) => ipcRenderer.invoke(CALLS.classStart.channel, request),
  classStatus: () => ipcRenderer.invoke(CALLS.classStatus.channel),
  classControl: (command) => ipcRenderer.invoke(CALLS.classControl.channel, command),
  classEnd: () => ipcRenderer.invoke(CALLS.classEnd.channel),
  classAddresses: () => ipcRenderer.invoke(CALLS.classAddresses.channel),
  classGradeFolder: (request) => ipcRenderer.invoke(CALLS.classGradeFolder.channel, request),
  classCancelGrade: (jobId) => ipcRenderer.invoke(CALLS.classCancelGrade.channel, jobId),
  classPickFolder: () => ipcRenderer.invoke(CALLS.classPickFolder.channel),
  onRunUpdate: (listener) => subscribe(EVENTS.onRunUpdate, listener),
  onMenuCommand: (listener) => subscribe(EVENTS.onMenuCommand, listener),
  onGradeUpdate: (listener) => subscribe(EVENTS.onGradeUpdate, listener),
} satisfies LabApi

contextBridge.exposeInMainWorld('lab', lab)
