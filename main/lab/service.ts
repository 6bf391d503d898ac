/**
 * The implementation of the contract's calls, independent of transport: the Electron IPC
 * host (main/app) and the browser-mode WebSocket host (main/web) both wrap one of these.
 */
import { listScenarios, scenarioScript } from '../../shared/catalog/index'
import {
  fail,
  ok,
  type Capabilities,
  type GradeUpdateMessage,
  type LabCalls,
  type RunUpdateMessage,
} from '../../shared/contract'
import { PROFILE_IDS, type BackendId } from '../../shared/lab-script'
import type { Backend } from '../backend/backend'
import { createBackends } from '../backend/registry'
import { probeKernel } from '../kernel/index'
import { createGradeJobs, type GradeJobsOptions } from './grade-jobs'
import { simulatorProof } from './quiz-proof'
import { createQuizCalls } from './quiz-service'
import { createClassCalls } from './class-service'
import { programBackend } from './program-run'
import { resolveScript, Sessions } from './session'
import { programSupport } from '../kernel/program/index'

/** Options of {@link createLabService}. */
export interface LabServiceOptions {
  shell: Capabilities['shell']
  version: string
  /** Backends to use (tests may pass others); the real ones by default. */
  backends?: Partial<Record<BackendId, Backend>>
  /**
   * The data folder of the quiz's SQLite store (Electron: userData; browser mode:
   * defaultDataDir()). Without it the quiz calls answer that nothing can be kept.
   */
  dataDir?: string
  /**
   * Saves the window's page as a PDF: only the desktop app has a window to print
   * (main/app/pdf.ts). Without it the call answers `unsupported`.
   */
  savePdf?: LabCalls['savePdf']
  /** Where a student's own program runs (its relative paths start here); the process's. */
  programCwd?: string
  /**
   * The built renderer folder (`out/renderer`): a live class serves its student page from it
   * (main/class/student-files.ts). Without it a live class cannot start.
   */
  rendererDir?: string
  /** The desktop app's folder dialog (main/app); browser mode has none. */
  pickFolder?: GradeJobsOptions['pickFolder']
  /** The backend a graded program runs on (tests inject one). */
  gradeBackend?: GradeJobsOptions['backend']
}

/** The contract's calls plus the run-update stream and teardown. */
export interface LabService {
  calls: LabCalls
  onRunUpdate(listener: (message: RunUpdateMessage) => void): () => void
  /** A folder's grading, step by step (program labs in the Classroom). */
  onGradeUpdate(listener: (message: GradeUpdateMessage) => void): () => void
  /** How many runs are going. */
  activeRuns(): number
  /** Cancels every run and waits until each backend has cleaned up. */
  dispose(): Promise<void>
}

/** Creates the service of one app instance. */
export function createLabService(options: LabServiceOptions): LabService {
  const listeners = new Set<(message: RunUpdateMessage) => void>()
  const backends = createBackends(options.backends)
  const sessions = new Sessions(backends, (runId, update) => {
    for (const listener of listeners) listener({ runId, update })
  })
  let capabilities: Promise<Capabilities> | undefined
  const quiz = createQuizCalls({ dataDir: options.dataDir })
  const live = createClassCalls({
    quiz,
    proof: simulatorProof,
    ...(options.rendererDir ? { rendererDir: options.rendererDir } : {}),
  })
  const grading = createGradeJobs({
    support: async () => programSupport(await probeKernel()),
    save: (grades) => quiz.saveProgramGrades(grades),
    ...(options.pickFolder ? { pickFolder: options.pickFolder } : {}),
    ...(options.gradeBackend ? { backend: options.gradeBackend } : {}),
  })

  const calls: LabCalls = {
    async getCapabilities() {
      capabilities ??= probeKernel().then(async (probe) => {
        const programs = await programSupport(probe)
        return {
          version: options.version,
          shell: options.shell,
          platform: process.platform,
          kernel: { available: probe.available, isolation: probe.isolation, detail: probe.detail },
          programs: { available: programs.available, detail: programs.detail },
          profiles: [...PROFILE_IDS],
        }
      })
      try {
        return ok(await capabilities)
      } catch (error) {
        capabilities = undefined
        return fail('internal', `Could not probe the kernel lab: ${String(error)}`)
      }
    },
    async listScenarios() {
      return ok(listScenarios())
    },
    async getScenario(id) {
      const script = scenarioScript(id)
      return script
        ? ok(script)
        : fail('unknown-scenario', `There is no case "${id}" in the catalog.`)
    },
    async startRun(request) {
      const script = resolveScript(request)
      if (!script.ok) return script
      let backend = backends[request.backend]
      if (request.program) {
        const made = programBackend(request.program, request.backend, options.programCwd)
        if (!made.ok) return made
        backend = made.value
      }
      const why = await backend.unsupported(script.value)
      if (why) return fail('unsupported', why)
      if (sessions.has(request.runId))
        return fail('bad-input', `A run named "${request.runId}" is already going.`)
      return ok({ runId: sessions.start(script.value, request.backend, request.runId, backend) })
    },
    async cancelRun(runId) {
      const cancelled = await sessions.cancel(runId)
      return cancelled
        ? ok(null)
        : fail('not-found', `No run "${runId}" is going (it may have ended).`)
    },
    async quizProof() {
      // Computed once per process (88 simulator runs, about 50 ms): the simulator is deterministic.
      return ok(simulatorProof())
    },
    ...quiz.calls,
    ...live.calls,
    ...grading.calls,
    savePdf:
      options.savePdf ??
      (async () =>
        fail(
          'unsupported',
          'Saving a PDF is the desktop app’s: in a browser, print the page and choose “Save as PDF” as the printer.',
        )),
  }

  return {
    calls,
    onRunUpdate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onGradeUpdate: grading.onUpdate,
    activeRuns: () => sessions.active().length,
    dispose: async () => {
      // A live class first: its students are told it ended, its last answers saved.
      await live.dispose()
      await Promise.all([sessions.dispose(), grading.dispose()])
      quiz.close()
    },
  }
}
