/**
 * The Lab view's state: the catalog, what this host can do, the chosen case, backend and OS
 * profile, and the run in progress (its steps, events, result and trace text). The only place
 * the Lab talks to the contract.
 */
import { defineStore } from 'pinia'
import { computed, inject, ref, shallowRef, triggerRef } from 'vue'
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
import { plainText } from '../lib/plain-text'
import { systemOfRun, type ErrnoSystemOfRun } from './run-system'

/** Where a run is. */
export type RunStatus = 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'failed'

/** Picker groups in the article's order. */
export const GROUP_ORDER: ScenarioSummary['group'][] = ['connect', 'data', 'more']

/** What the current run was asked to do (the controls may change while it runs). */
export interface RunRequestInfo {
  scenarioId: string
  backend: BackendId
  profile: ProfileId
}

/** The shell command the trace pane shows before a run's lines. */
export function runCommandLine(info: RunRequestInfo): string {
  const profile = info.backend === 'sim' ? ` --profile ${info.profile}` : ''
  return `lab> run ${info.scenarioId} --backend ${info.backend}${profile}`
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
  const steps = ref<StepResult[]>([])
  const events = shallowRef<TraceEvent[]>([])
  const result = shallowRef<LabResult | null>(null)
  const runError = ref<LabError | null>(null)
  const connectionLost = ref(false)
  /** Trace text; a new epoch means "start the terminal over". */
  const traceEpoch = ref(0)
  const traceLines = shallowRef<string[]>([])

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

  function clearRun(): void {
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
    clearRun()
    const serial = ++runSerial
    const info: RunRequestInfo = {
      scenarioId: selectedId.value,
      backend: backend.value,
      profile: profile.value,
    }
    runInfo.value = info
    status.value = 'starting'
    resetTrace([runCommandLine(info)])
    const answer = await api.startRun({
      scenarioId: info.scenarioId,
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
        const line = formatEventLine(update.event)
        if (line) appendTrace(line)
        break
      }
      case 'step': {
        const at = steps.value.findIndex((s) => s.index === update.step.index)
        if (at >= 0) steps.value.splice(at, 1, update.step)
        else steps.value.push(update.step)
        appendTrace(formatStepLine(update.step, script.value ?? undefined))
        break
      }
      case 'done': {
        const done = update.result
        result.value = done
        steps.value = [...done.steps]
        events.value = [...done.events]
        status.value = done.cancelled ? 'cancelled' : 'done'
        // The result is authoritative: reprint the whole trace in the CLI's order.
        const header = runInfo.value ? [runCommandLine(runInfo.value)] : []
        resetTrace([...header, ...formatTraceLines(done, script.value ?? undefined)])
        break
      }
      case 'failed':
        fail(update.error)
        break
    }
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
    cancel,
    dispose,
  }
})
