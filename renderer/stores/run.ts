/**
 * The run shown in the Lab: which backend and OS profile to run on, the run's lifecycle
 * (starting, running, how it ended), its steps, events and result, and its trace text.
 *
 * Every run goes through {@link runToEnd}; a new run, a picked case or an opened trace
 * replaces the current one (aborting it). The terminal hears the trace text through
 * {@link TraceChange}s; everything else is plain reactive state.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef, watch } from 'vue'
import type { BackendId, LabScript, ProfileId } from '../../shared/lab-script'
import type { LabError, LabResult, StepResult, TraceEvent } from '../../shared/lab-result'
import { PROGRAM_START_MS } from '../../shared/program-result'
import { programView } from '../../shared/program-view'
import { plainText } from '../lib/plain-text'
import {
  finishedTraceLines,
  liveTraceLine,
  runCommandLine,
  type RunRequestInfo,
} from '../lib/run-trace'
import { runTimeoutMs, runToEnd, type LiveUpdate, type RunEnd } from '../lib/run-to-end'
import { useCatalogStore } from './catalog'
import { useLabApi } from './lab-api'
import { systemOfRun, type ErrnoSystemOfRun } from './run-system'

export { runCommandLine, type RunRequestInfo } from '../lib/run-trace'

/** Where a run is. */
export type RunStatus = 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'failed'

/** How a teacher's or the shell's script is run. */
export interface ScriptRunOptions {
  source: 'script' | 'shell'
  command?: string
  sinceMs?: number
}

/** A change of the trace text, as the terminal hears it. */
export type TraceChange =
  /** A new trace replaces the last (a run starts, a trace is opened, the view is cleared). */
  | { kind: 'begin'; lines: string[] }
  /** More lines of the current trace. */
  | { kind: 'append'; lines: string[] }
  /** The current trace as a whole again, in the result's order (the run has finished). */
  | { kind: 'reprint'; lines: string[] }

/** Run state and actions. */
export const useRunStore = defineStore('run', () => {
  const api = useLabApi('useRunStore')
  const catalog = useCatalogStore()

  const backend = ref<BackendId>('sim')
  const profile = ref<ProfileId>('linux')

  const status = ref<RunStatus>('idle')
  const runInfo = ref<RunRequestInfo | null>(null)
  // Shallow: a saved trace can hold thousands of steps; a live run pushes to these in place.
  const steps = shallowRef<StepResult[]>([])
  const events = shallowRef<TraceEvent[]>([])
  const result = shallowRef<LabResult | null>(null)
  const runError = ref<LabError | null>(null)
  const connectionLost = ref(false)
  /** The shown run is a saved trace that was opened, not a live run. */
  const imported = ref(false)
  /** The opened trace's file name. */
  const importedName = ref<string | null>(null)
  const traceLines = shallowRef<string[]>([])
  const traceListeners = new Set<(change: TraceChange) => void>()
  /** Stops the run in progress; null when none is. */
  let current: AbortController | null = null

  const busy = computed(() => status.value === 'starting' || status.value === 'running')
  const finished = computed(() => !busy.value)
  const backendUsable = computed(() =>
    backend.value === 'sim'
      ? catalog.selected?.backends.includes('sim') !== false
      : catalog.kernelAvailable && catalog.caseSupportsKernel,
  )
  const canRun = computed(
    () => !!catalog.selected && !!catalog.script && !busy.value && backendUsable.value,
  )
  const runSystem = computed<ErrnoSystemOfRun>(() =>
    systemOfRun(
      runInfo.value?.backend ?? backend.value,
      runInfo.value?.profile ?? profile.value,
      result.value?.host?.platform ?? catalog.capabilities?.platform,
    ),
  )

  /**
   * The profile whose words describe the shown run (its notes, how an errno is spelled): the
   * result's (the kernel reports its host's), else the one the simulator was asked for; a
   * kernel run still going has none yet.
   */
  const runProfile = computed<ProfileId | undefined>(() => {
    if (result.value) return result.value.profile
    const b = runInfo.value?.backend ?? backend.value
    return b === 'sim' ? (runInfo.value?.profile ?? profile.value) : undefined
  })

  /** Hears every change of the trace text; returns the unsubscribe function. */
  function onTrace(listener: (change: TraceChange) => void): () => void {
    traceListeners.add(listener)
    return () => traceListeners.delete(listener)
  }

  function trace(change: TraceChange): void {
    if (change.kind === 'append') {
      traceLines.value.push(...change.lines)
      triggerRef(traceLines)
    } else traceLines.value = [...change.lines]
    for (const listener of traceListeners) listener(change)
  }

  /** Stops the current run (its outcome is ignored) and shows nothing. */
  function clear(): void {
    current?.abort()
    current = null
    imported.value = false
    importedName.value = null
    status.value = 'idle'
    runInfo.value = null
    steps.value = []
    events.value = []
    result.value = null
    runError.value = null
    connectionLost.value = false
    trace({ kind: 'begin', lines: [] })
  }

  // Picking another case clears the last run (it belongs to the last case); a case the kernel
  // cannot run falls back to the simulator.
  watch(
    () => catalog.selectedId,
    () => {
      clear()
      if (backend.value === 'kernel' && !catalog.caseSupportsKernel) backend.value = 'sim'
    },
    { flush: 'sync' },
  )

  function setBackend(value: BackendId): void {
    backend.value = value
  }

  function setProfile(value: ProfileId): void {
    profile.value = value
  }

  /** Starts the picked case on the chosen backend; resolves once the run has started. */
  async function run(): Promise<void> {
    const id = catalog.selectedId
    if (!canRun.value || !id) return
    // The view shows a script of its own (the teacher's, the shell's, an opened trace's): Run
    // runs that, as the header says, not the case picked before it.
    if (catalog.scriptIsOwn && catalog.script) {
      await runScript(catalog.script, { source: 'script' })
      return
    }
    const info: RunRequestInfo = {
      scenarioId: id,
      backend: backend.value,
      profile: profile.value,
      source: 'case',
    }
    await start(info, { scenarioId: id }, catalog.script?.limitMs)
  }

  /**
   * Runs a whole script (the editor's, or the shell's session) on the chosen backend. The
   * script becomes the view's script, so the trace and the cards name its calls.
   */
  async function runScript(value: LabScript, options: ScriptRunOptions): Promise<void> {
    const info: RunRequestInfo = {
      scenarioId: value.id ?? 'custom',
      backend: backend.value,
      profile: profile.value,
      source: options.source,
      ...(options.command !== undefined ? { command: options.command } : {}),
      ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    }
    catalog.setScript(value)
    await start(info, { script: value }, value.limitMs)
  }

  /**
   * Runs the picked case (or the view's own script) on the real kernel with your own program
   * playing `role` (the "Your program" panel): its calls, output and exit come with the result.
   */
  async function runProgram(program: {
    role: 'client' | 'server'
    command: string
  }): Promise<void> {
    const id = catalog.selectedId
    if (!canRun.value || !id) return
    backend.value = 'kernel'
    const own = catalog.scriptIsOwn && catalog.script
    const info: RunRequestInfo = {
      scenarioId: own ? (catalog.script!.id ?? 'custom') : id,
      backend: 'kernel',
      profile: profile.value,
      source: own ? 'script' : 'case',
      program,
    }
    const what = own ? { script: catalog.script! } : { scenarioId: id }
    // The program starts under strace: give the run the time the backend adds for that.
    await start(info, what, (catalog.script?.limitMs ?? 15_000) + PROGRAM_START_MS, program)
  }

  function start(
    info: RunRequestInfo,
    what: { scenarioId: string } | { script: LabScript },
    limitMs: number | undefined,
    program?: { role: 'client' | 'server'; command: string },
  ): Promise<void> {
    clear()
    const controller = new AbortController()
    current = controller
    runInfo.value = info
    status.value = 'starting'
    trace({ kind: 'begin', lines: [runCommandLine(info)] })
    const request = {
      ...what,
      backend: info.backend,
      // The kernel runs on this host: an OS profile means nothing to it.
      ...(info.backend === 'sim' ? { profile: info.profile } : {}),
      ...(program ? { program } : {}),
    }
    const mine = (): boolean => current === controller
    return new Promise((started) => {
      void runToEnd(api, request, {
        signal: controller.signal,
        timeoutMs: runTimeoutMs(limitMs),
        onStarted: () => {
          if (mine()) status.value = 'running'
          started()
        },
        onUpdate: (update) => {
          if (mine()) live(update)
        },
      }).then((end) => {
        if (mine()) {
          current = null
          ended(end)
        }
        started()
      })
    })
  }

  function live(update: LiveUpdate): void {
    if (update.kind === 'event') {
      events.value.push(update.event)
      triggerRef(events)
    } else {
      const at = steps.value.findIndex((s) => s.index === update.step.index)
      if (at >= 0) steps.value.splice(at, 1, update.step)
      else steps.value.push(update.step)
      triggerRef(steps)
    }
    const line = runInfo.value ? liveTraceLine(update, runInfo.value, catalog.script) : null
    if (line !== null) trace({ kind: 'append', lines: [line] })
  }

  function ended(end: RunEnd): void {
    if (end.ending === 'done') {
      // A program run: the program's calls drawn as its role's steps (shared/program-view.ts).
      const done = programView(end.result, catalog.script)
      result.value = done
      steps.value = [...done.steps]
      events.value = [...done.events]
      status.value = done.cancelled ? 'cancelled' : 'done'
      // The result is authoritative: the whole trace again, in the CLI's order.
      if (runInfo.value)
        trace({ kind: 'reprint', lines: finishedTraceLines(runInfo.value, done, catalog.script) })
      return
    }
    status.value = end.ending === 'cancelled' ? 'cancelled' : 'failed'
    connectionLost.value = end.ending === 'connection-lost'
    const message = plainText(end.error.message)
    runError.value = { ...end.error, message }
    trace({ kind: 'append', lines: [`error: ${message}`] })
  }

  /** Asks the backend to stop the current run; its last update says how it ended. */
  function cancel(): void {
    current?.abort()
  }

  /**
   * Shows a saved run (an opened trace file) as if it had just finished: diagrams, cards and
   * trace, ready to replay. Nothing is sent to a backend.
   */
  function loadResult(saved: LabResult, savedScript: LabScript | null, name: string): void {
    clear()
    catalog.setScript(savedScript)
    const info: RunRequestInfo = {
      scenarioId: saved.id ?? savedScript?.id ?? name,
      backend: saved.backend,
      profile: saved.profile,
      source: 'script',
      command: `lab> open ${name}`,
    }
    imported.value = true
    importedName.value = name
    // The controls say what the trace ran on: its profile (a simulator trace), its backend
    // where this host has it.
    if (saved.backend === 'sim') {
      profile.value = saved.profile
      backend.value = 'sim'
    } else if (catalog.kernelAvailable) backend.value = 'kernel'
    runInfo.value = info
    const shown = programView(saved, savedScript)
    result.value = shown
    steps.value = [...shown.steps]
    events.value = [...shown.events]
    status.value = 'done'
    trace({ kind: 'begin', lines: finishedTraceLines(info, saved, savedScript) })
  }

  return {
    backend,
    profile,
    setBackend,
    setProfile,
    status,
    runInfo,
    steps,
    events,
    result,
    runError,
    connectionLost,
    imported,
    importedName,
    traceLines,
    onTrace,
    busy,
    finished,
    backendUsable,
    canRun,
    runSystem,
    runProfile,
    run,
    runScript,
    runProgram,
    cancel,
    clear,
    loadResult,
  }
})
