/**
 * The Lab view's state: the catalog, what this host can do, the chosen case, backend and OS
 * profile, and the run in progress (its steps, events, result and trace text). The only place
 * the Lab talks to the contract.
 */
import { defineStore } from 'pinia'
import { computed, inject, markRaw, ref, shallowRef, triggerRef } from 'vue'
import type { Capabilities, RunUpdateMessage, ScenarioSummary } from '../../shared/contract'
import type { BackendId, LabScript, ProfileId } from '../../shared/lab-script'
import type {
  LabError,
  LabResult,
  RunUpdate,
  StepResult,
  TraceEvent,
} from '../../shared/lab-result'
import { formatEventLine, formatStepLine, formatTraceLines } from '../../shared/trace-text'
import { LAB_API } from '../api/index'
import {
  advance,
  seek as seekTo,
  setSpeed as withSpeed,
  startState,
  stepBack as back,
  stepForward as forward,
  togglePlay as toggle,
  type PlaybackState,
  type Speed,
} from '../lib/playback'
import { plainText } from '../lib/plain-text'
import { TraceIndex } from '../lib/trace-index'
import { systemOfRun, type ErrnoSystemOfRun } from './run-system'

/** Where a run is. */
export type RunStatus = 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'failed'

/** Picker groups in the article's order. */
export const GROUP_ORDER: ScenarioSummary['group'][] = ['connect', 'data', 'more']

/** What the current run was asked to do (the controls may change while it runs). */
export interface RunRequestInfo {
  /** The catalog id, or the script's own id (`custom` when it has none). */
  scenarioId: string
  backend: BackendId
  profile: ProfileId
  /** A catalog case, a teacher's script, or the socket shell's session script. */
  source?: 'case' | 'script' | 'shell'
  /** Shell runs: the command line that caused the run (printed instead of `lab> run`). */
  command?: string
  /** Shell runs: print only what happened from this run time on (earlier lines repeat). */
  sinceMs?: number
}

/** The shell command the trace pane shows before a run's lines. */
export function runCommandLine(info: RunRequestInfo): string {
  if (info.command !== undefined) return info.command
  const profile = info.backend === 'sim' ? ` --profile ${info.profile}` : ''
  const what = info.source === 'script' ? `script ${info.scenarioId}` : info.scenarioId
  return `lab> run ${what} --backend ${info.backend}${profile}`
}

/** How a teacher's or the shell's script is run. */
export interface ScriptRunOptions {
  source: 'script' | 'shell'
  command?: string
  sinceMs?: number
}

/** Lab state and actions. */
export const useLabStore = defineStore('lab', () => {
  const injected = inject(LAB_API, undefined)
  if (!injected) throw new Error('useLabStore needs the lab API: app.provide(LAB_API, api) first.')
  const api = injected

  const scenarios = ref<ScenarioSummary[]>([])
  const scenariosState = ref<'loading' | 'ready' | 'failed'>('loading')
  const scenariosError = ref<LabError | null>(null)
  const capabilities = ref<Capabilities | null>(null)
  const capabilitiesError = ref<LabError | null>(null)

  const selectedId = ref<string | null>(null)
  const script = shallowRef<LabScript | null>(null)
  const scriptError = ref<LabError | null>(null)
  const backend = ref<BackendId>('sim')
  const profile = ref<ProfileId>('linux')

  const status = ref<RunStatus>('idle')
  const runId = ref<string | null>(null)
  const runInfo = ref<RunRequestInfo | null>(null)
  // Shallow: a saved trace can hold thousands of steps; nothing mutates one in place.
  const steps = shallowRef<StepResult[]>([])
  const events = shallowRef<TraceEvent[]>([])
  const result = shallowRef<LabResult | null>(null)
  const runError = ref<LabError | null>(null)
  const connectionLost = ref(false)
  /** Trace text; a new epoch means "start the terminal over". */
  const traceEpoch = ref(0)
  const traceLines = shallowRef<string[]>([])
  /** Counts runs (and clears): a new value means the trace lines belong to a new run. */
  const traceRun = ref(0)
  /** The shown run is a saved trace that was opened, not a live run. */
  const imported = ref(false)

  // Playback: the index is plain (never reactive: it is large and rebuilt in place);
  // `indexVersion` tells computeds that it changed.
  let index = markRaw(new TraceIndex())
  const indexVersion = ref(0)
  const speed = ref<Speed>('instant')
  const playback = ref<PlaybackState>(startState('instant', false))

  // Updates can arrive before startRun's reply names their run (a fast simulator run):
  // they wait here until the reply says which run is ours.
  let early = new Map<string, RunUpdate[]>()
  let cancelRequested = false
  let selectToken = 0
  // Counts runs so a late startRun reply for a run the user has already replaced is ignored.
  let runSerial = 0

  const selected = computed(() => scenarios.value.find((s) => s.id === selectedId.value))
  const groups = computed(() =>
    GROUP_ORDER.map((group) => ({
      group,
      cases: scenarios.value.filter((s) => s.group === group),
    })).filter((g) => g.cases.length > 0),
  )
  const busy = computed(() => status.value === 'starting' || status.value === 'running')
  const kernelAvailable = computed(() => capabilities.value?.kernel.available === true)
  const caseSupportsKernel = computed(() => selected.value?.backends.includes('kernel') ?? true)
  const backendUsable = computed(() =>
    backend.value === 'sim'
      ? selected.value?.backends.includes('sim') !== false
      : kernelAvailable.value && caseSupportsKernel.value,
  )
  const canRun = computed(
    () => !!selected.value && !!script.value && !busy.value && backendUsable.value,
  )
  const runSystem = computed<ErrnoSystemOfRun>(() =>
    systemOfRun(
      runInfo.value?.backend ?? backend.value,
      runInfo.value?.profile ?? profile.value,
      result.value?.host?.platform ?? capabilities.value?.platform,
    ),
  )

  function resetTrace(lines: string[]): void {
    traceLines.value = lines
    traceEpoch.value++
  }

  function appendTrace(line: string): void {
    traceLines.value.push(line)
    triggerRef(traceLines)
  }

  function reindex(all: TraceEvent[], rebuild: boolean): void {
    if (rebuild) index = markRaw(new TraceIndex(all))
    else index.extend(all)
    indexVersion.value++
    if (playback.value.shown > index.length)
      playback.value = seekTo(playback.value, index, index.length)
    if (playback.value.playing && playback.value.speed === 'instant') tick(0)
  }

  function clearRun(): void {
    traceRun.value++
    imported.value = false
    playback.value = startState(speed.value, false)
    index = markRaw(new TraceIndex())
    indexVersion.value++
    status.value = 'idle'
    runId.value = null
    runInfo.value = null
    steps.value = []
    events.value = []
    result.value = null
    runError.value = null
    connectionLost.value = false
    early = new Map()
    cancelRequested = false
    runSerial++
    resetTrace([])
  }

  async function loadScenarios(): Promise<void> {
    scenariosState.value = 'loading'
    const answer = await api.listScenarios()
    if (answer.ok) {
      scenarios.value = answer.value
      scenariosError.value = null
      scenariosState.value = 'ready'
    } else {
      scenariosError.value = { ...answer.error, message: plainText(answer.error.message) }
      scenariosState.value = 'failed'
    }
  }

  async function loadCapabilities(): Promise<void> {
    const answer = await api.getCapabilities()
    if (answer.ok) {
      capabilities.value = answer.value
      capabilitiesError.value = null
    } else capabilitiesError.value = { ...answer.error, message: plainText(answer.error.message) }
  }

  /** Loads the catalog and the host's capabilities, and listens for run updates. */
  async function init(): Promise<void> {
    await Promise.all([loadScenarios(), loadCapabilities()])
  }

  /** Opens a case: fetches its script (for the trace's call arguments) and clears the last run. */
  async function select(id: string): Promise<void> {
    if (busy.value) await cancel()
    selectedId.value = id
    clearRun()
    script.value = null
    scriptError.value = null
    if (backend.value === 'kernel' && !caseSupportsKernel.value) backend.value = 'sim'
    const token = ++selectToken
    const answer = await api.getScenario(id)
    if (token !== selectToken) return // the user picked another case meanwhile
    if (answer.ok) script.value = answer.value
    else scriptError.value = { ...answer.error, message: plainText(answer.error.message) }
  }

  function setBackend(value: BackendId): void {
    backend.value = value
  }

  function setProfile(value: ProfileId): void {
    profile.value = value
  }

  /** Starts the selected case on the chosen backend. */
  async function run(): Promise<void> {
    if (!canRun.value || !selectedId.value) return
    await start(
      {
        scenarioId: selectedId.value,
        backend: backend.value,
        profile: profile.value,
        source: 'case',
      },
      { scenarioId: selectedId.value },
    )
  }

  /**
   * Runs a whole script (the editor's, or the shell's session) on the chosen backend. The
   * script becomes the view's script, so the trace and the cards name its calls.
   */
  async function runScript(value: LabScript, options: ScriptRunOptions): Promise<void> {
    if (busy.value) await cancel()
    script.value = value
    scriptError.value = null
    await start(
      {
        scenarioId: value.id ?? 'custom',
        backend: backend.value,
        profile: profile.value,
        source: options.source,
        ...(options.command !== undefined ? { command: options.command } : {}),
        ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
      },
      { script: value },
    )
  }

  async function start(
    info: RunRequestInfo,
    what: { scenarioId: string } | { script: LabScript },
  ): Promise<void> {
    clearRun()
    const serial = ++runSerial
    runInfo.value = info
    status.value = 'starting'
    playback.value = startState(speed.value, true)
    resetTrace([runCommandLine(info)])
    const answer = await api.startRun({
      ...what,
      backend: info.backend,
      // The kernel runs on this host: an OS profile means nothing to it.
      ...(info.backend === 'sim' ? { profile: info.profile } : {}),
    })
    if (serial !== runSerial || status.value !== 'starting') {
      // Superseded (another case or run was picked meanwhile): stop it rather than orphan it.
      if (answer.ok) void api.cancelRun(answer.value.runId)
      return
    }
    if (!answer.ok) {
      fail(answer.error)
      return
    }
    runId.value = answer.value.runId
    status.value = 'running'
    const waiting = early.get(answer.value.runId) ?? []
    early = new Map()
    for (const update of waiting) apply(update)
    if (cancelRequested && status.value === 'running') await cancel()
  }

  /**
   * Shows a saved run (an opened trace file) as if it had just finished: diagrams, cards and
   * trace, ready to replay. Nothing is sent to a backend.
   */
  async function loadResult(
    saved: LabResult,
    savedScript: LabScript | null,
    name: string,
  ): Promise<void> {
    if (busy.value) await cancel()
    clearRun()
    imported.value = true
    script.value = savedScript
    scriptError.value = null
    const info: RunRequestInfo = {
      scenarioId: saved.id ?? savedScript?.id ?? name,
      backend: saved.backend,
      profile: saved.profile,
      source: 'script',
      command: `lab> open ${name}`,
    }
    runInfo.value = info
    result.value = saved
    steps.value = [...saved.steps]
    events.value = [...saved.events]
    status.value = 'done'
    reindex(events.value, true)
    playback.value = seekTo(playback.value, index, index.length)
    resetTrace([runCommandLine(info), ...formatTraceLines(saved, savedScript ?? undefined)])
  }

  /** Asks the backend to stop the current run; its final update says how it ended. */
  async function cancel(): Promise<void> {
    if (status.value === 'starting') {
      cancelRequested = true
      return
    }
    if (status.value !== 'running' || !runId.value) return
    const answer = await api.cancelRun(runId.value)
    // not-found: the run ended on its own meanwhile; its `done` update says so.
    if (!answer.ok && answer.error.code !== 'not-found') {
      runError.value = { ...answer.error, message: plainText(answer.error.message) }
    }
  }

  function fail(error: LabError): void {
    status.value = error.code === 'cancelled' ? 'cancelled' : 'failed'
    const message = plainText(error.message)
    runError.value = { ...error, message }
    appendTrace(`error: ${message}`)
  }

  function apply(update: RunUpdate): void {
    switch (update.kind) {
      case 'event': {
        events.value.push(update.event)
        triggerRef(events)
        reindex(events.value, false)
        const since = runInfo.value?.sinceMs
        const line = formatEventLine(update.event)
        if (line && (since === undefined || update.event.tMs >= since)) appendTrace(line)
        break
      }
      case 'step': {
        const at = steps.value.findIndex((s) => s.index === update.step.index)
        if (at >= 0) steps.value.splice(at, 1, update.step)
        else steps.value.push(update.step)
        triggerRef(steps)
        const since = runInfo.value?.sinceMs
        if (since === undefined || update.step.endMs >= since)
          appendTrace(formatStepLine(update.step, script.value ?? undefined))
        break
      }
      case 'done': {
        const done = update.result
        result.value = done
        steps.value = [...done.steps]
        events.value = [...done.events]
        status.value = done.cancelled ? 'cancelled' : 'done'
        reindex(events.value, true)
        tick(0)
        // The result is authoritative: reprint the whole trace in the CLI's order.
        const header = runInfo.value ? [runCommandLine(runInfo.value)] : []
        const since = runInfo.value?.sinceMs
        const body =
          since === undefined
            ? formatTraceLines(done, script.value ?? undefined)
            : formatTraceLines(done, script.value ?? undefined, since)
        resetTrace([...header, ...body])
        break
      }
      case 'failed':
        fail(update.error)
        break
    }
  }

  const finished = computed(() => !busy.value)
  const shown = computed(() => {
    void indexVersion.value
    return Math.min(playback.value.shown, index.length)
  })
  /** The trace index (read `indexVersion` in a computed to depend on it). */
  function traceIndex(): TraceIndex {
    void indexVersion.value
    return index
  }
  /** Steps whose result is visible at the playback cursor. */
  const shownSteps = computed(() => {
    void indexVersion.value
    const n = shown.value
    return steps.value.filter((s) => index.stepShown(s, n))
  })

  /** Advances playback by `dtMs` of wall time (the view's animation frame loop calls it). */
  function tick(dtMs: number): void {
    playback.value = advance(playback.value, index, dtMs, finished.value, result.value?.durationMs)
  }
  function togglePlay(): void {
    playback.value = toggle(playback.value, index, finished.value)
  }
  function stepForward(): void {
    playback.value = forward(playback.value, index)
  }
  function stepBack(): void {
    playback.value = back(playback.value, index)
  }
  /** Shows the first `n` events (scrub). */
  function seek(n: number): void {
    playback.value = seekTo(playback.value, index, n)
  }
  function replay(): void {
    playback.value = startState(speed.value, true)
    tick(0)
  }
  function setSpeed(value: Speed): void {
    speed.value = value
    playback.value = withSpeed(playback.value, index, value)
  }

  function onRunUpdate(message: RunUpdateMessage): void {
    if (runId.value !== null && message.runId === runId.value) {
      if (busy.value) apply(message.update)
    } else if (status.value === 'starting') {
      const list = early.get(message.runId) ?? []
      list.push(message.update)
      early.set(message.runId, list)
    }
  }

  const stopUpdates = api.onRunUpdate(onRunUpdate)
  const stopConnection = api.onConnectionChange?.((state) => {
    if (state === 'closed' && busy.value) {
      connectionLost.value = true
      fail({
        code: 'internal',
        message: 'The connection to the lab server was lost during the run.',
      })
    }
    if (state === 'open' && scenariosState.value === 'failed') void init()
  })

  /** Stops listening (tests, hot reload). */
  function dispose(): void {
    stopUpdates()
    stopConnection?.()
  }

  return {
    scenarios,
    scenariosState,
    scenariosError,
    capabilities,
    capabilitiesError,
    selectedId,
    selected,
    groups,
    script,
    scriptError,
    backend,
    profile,
    status,
    runId,
    runInfo,
    steps,
    events,
    result,
    runError,
    connectionLost,
    traceEpoch,
    traceLines,
    traceRun,
    imported,
    loadResult,
    indexVersion,
    speed,
    playback,
    shown,
    shownSteps,
    finished,
    traceIndex,
    tick,
    togglePlay,
    stepForward,
    stepBack,
    seek,
    replay,
    setSpeed,
    busy,
    kernelAvailable,
    caseSupportsKernel,
    backendUsable,
    canRun,
    runSystem,
    init,
    loadScenarios,
    select,
    setBackend,
    setProfile,
    run,
    runScript,
    cancel,
    dispose,
  }
})
