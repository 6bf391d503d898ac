/**
 * The Compare panel's runs: the open case (or the script last run) once per chosen column,
 * the results, and the agreement rule's verdict between the kernel and the simulator on the
 * kernel's own profile (what `socklab check` would print for the same pair).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { compareResults, formatDifferences } from '../../shared/agreement'
import { PROFILE_IDS, type ProfileId } from '../../shared/lab-script'
import type { LabResult } from '../../shared/lab-result'
import { runColumns, type ColumnResult, type CompareColumn } from '../lib/compare'
import { useCatalogStore } from './catalog'
import { useLabApi } from './lab-api'
import { useRunStore } from './run'

/** The agreement rule's verdict: no differences means the two backends agree. */
export interface Verdict {
  /** The profile the simulator ran with: the kernel result's own. */
  profile: ProfileId
  /** One line per difference, as `socklab check` prints them. */
  differences: string[]
}

/** Compare state and actions. */
export const useCompareStore = defineStore('compare', () => {
  const api = useLabApi('useCompareStore')
  const catalog = useCatalogStore()
  const run = useRunStore()

  /** Ids of the columns to run: `sim:<profile>` or `kernel`. */
  const chosen = ref<string[]>(PROFILE_IDS.map((p) => `sim:${p}`))
  const results = ref<Record<string, ColumnResult>>({})
  const running = ref(false)
  const done = ref(0)
  const total = ref(0)
  let controller: AbortController | null = null

  const okResults = computed<Record<string, LabResult>>(() => {
    const out: Record<string, LabResult> = {}
    for (const [id, r] of Object.entries(results.value)) if (r.ok) out[id] = r.result
    return out
  })

  /** Kernel against the simulator on the kernel's profile, once both have run. */
  const verdict = computed<Verdict | null>(() => {
    const kernel = okResults.value.kernel
    const sim = kernel ? okResults.value[`sim:${kernel.profile}`] : undefined
    if (!kernel || !sim) return null
    return {
      profile: kernel.profile,
      differences: formatDifferences(compareResults(sim, kernel)),
    }
  })

  /** Runs the open case (or the script last run) once per column, one after another. */
  async function runAll(columns: CompareColumn[]): Promise<void> {
    const script = catalog.script
    if (!script || running.value) return
    const source = run.runInfo?.source
    const what =
      source && source !== 'case'
        ? { script }
        : catalog.selectedId
          ? { scenarioId: catalog.selectedId }
          : { script }
    controller = new AbortController()
    results.value = {}
    running.value = true
    done.value = 0
    total.value = columns.length
    try {
      await runColumns(
        api,
        what,
        script.limitMs,
        columns,
        (id, r) => {
          results.value = { ...results.value, [id]: r }
          done.value++
        },
        controller.signal,
      )
    } finally {
      running.value = false
      controller = null
    }
  }

  /** Stops the comparison: the column running is cancelled, the rest are not run. */
  function cancel(): void {
    controller?.abort()
  }

  return { chosen, results, okResults, running, done, total, verdict, runAll, cancel }
})
