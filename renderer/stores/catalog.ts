/**
 * What there is to run: the catalog of cases, what this host can do, the case picked and its
 * script (or the teacher's or the shell's script that was run instead).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Capabilities, Result, ScenarioSummary } from '../../shared/contract'
import type { LabScript } from '../../shared/lab-script'
import type { LabError } from '../../shared/lab-result'
import { plainText } from '../lib/plain-text'
import { useLabApi } from './lab-api'

/** Picker groups in the article's order. */
export const GROUP_ORDER: ScenarioSummary['group'][] = ['connect', 'data', 'more', 'boundary']

function plainError(error: LabError): LabError {
  return { ...error, message: plainText(error.message) }
}

/** Catalog state and actions. */
export const useCatalogStore = defineStore('catalog', () => {
  const api = useLabApi('useCatalogStore')

  const scenarios = ref<ScenarioSummary[]>([])
  const scenariosState = ref<'loading' | 'ready' | 'failed'>('loading')
  const scenariosError = ref<LabError | null>(null)
  const capabilities = ref<Capabilities | null>(null)
  const capabilitiesError = ref<LabError | null>(null)
  const selectedId = ref<string | null>(null)
  // Shallow: a script is replaced whole, never edited in place.
  const script = shallowRef<LabScript | null>(null)
  const scriptError = ref<LabError | null>(null)
  /** The script is not the picked case's: a teacher's, the shell's, or an opened trace's. */
  const scriptIsOwn = ref(false)
  let selectToken = 0

  const selected = computed(() => scenarios.value.find((s) => s.id === selectedId.value))
  const groups = computed(() =>
    GROUP_ORDER.map((group) => ({
      group,
      cases: scenarios.value.filter((s) => s.group === group),
    })).filter((g) => g.cases.length > 0),
  )
  const kernelAvailable = computed(() => capabilities.value?.kernel.available === true)
  const caseSupportsKernel = computed(() => selected.value?.backends.includes('kernel') ?? true)

  async function loadScenarios(): Promise<void> {
    scenariosState.value = 'loading'
    const answer = await api.listScenarios()
    if (answer.ok) {
      scenarios.value = answer.value
      scenariosError.value = null
      scenariosState.value = 'ready'
    } else {
      scenariosError.value = plainError(answer.error)
      scenariosState.value = 'failed'
    }
  }

  async function loadCapabilities(): Promise<void> {
    const answer = await api.getCapabilities()
    if (answer.ok) {
      capabilities.value = answer.value
      capabilitiesError.value = null
    } else capabilitiesError.value = plainError(answer.error)
  }

  /** Loads the catalog and the host's capabilities. */
  async function init(): Promise<void> {
    await Promise.all([loadScenarios(), loadCapabilities()])
  }

  /**
   * Picks a case and fetches its script (for the trace's call arguments). The run store
   * clears the last run when the pick changes.
   */
  async function select(id: string): Promise<void> {
    selectedId.value = id
    script.value = null
    scriptIsOwn.value = false
    scriptError.value = null
    const token = ++selectToken
    const answer = await api.getScenario(id)
    if (token !== selectToken) return // the user picked another case meanwhile
    if (answer.ok) script.value = answer.value
    else scriptError.value = plainError(answer.error)
  }

  /** Makes a script the view's own (a teacher's or the shell's run, an opened trace). */
  function setScript(value: LabScript | null): void {
    selectToken++ // a case's script still on its way must not replace this one
    script.value = value
    scriptIsOwn.value = value !== null
    scriptError.value = null
  }

  /** A catalog case's script, without picking it (the shell's `load`). */
  async function fetchScript(id: string): Promise<Result<LabScript>> {
    const answer = await api.getScenario(id)
    return answer.ok ? answer : { ok: false, error: plainError(answer.error) }
  }

  // Browser mode: a catalog that failed because the server was away loads once it is back.
  const stopConnection = api.onConnectionChange?.((state) => {
    if (state === 'open' && scenariosState.value === 'failed') void init()
  })

  /** Stops listening (tests, hot reload). */
  function dispose(): void {
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
    scriptIsOwn,
    kernelAvailable,
    caseSupportsKernel,
    init,
    loadScenarios,
    loadCapabilities,
    select,
    setScript,
    fetchScript,
    dispose,
  }
})
