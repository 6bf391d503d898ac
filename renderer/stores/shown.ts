/**
 * What the Lab is showing, so that its header, article card, profile and timing describe that
 * and nothing else: the picked case, the teacher's or the shell's own script that was run, or
 * a saved trace that was opened (each with its own title, id and article section, when it has
 * them), and the run on screen (its backend and the profile it really ran on).
 */
import { defineStore } from 'pinia'
import { computed } from 'vue'
import type { BackendId, Localized, ProfileId } from '../../shared/lab-script'
import { useCatalogStore } from './catalog'
import { useRunStore } from './run'

/** What is on screen. */
export interface Shown {
  /** A catalog case, an edited or teacher's script, the shell's session, or an opened trace. */
  kind: 'case' | 'script' | 'shell' | 'trace'
  /** The case or script id (`custom` for a script without one). */
  id: string
  /** Its own title, if it has one (a script may not). */
  title: Localized | null
  /** The article section it belongs to, if it names one. */
  section: string | null
  /** An opened trace: the file's name. */
  file?: string
  /** The run shown: its backend, and the profile it ran on (the simulator's only). */
  run?: { backend: BackendId; profile?: ProfileId }
}

/** The description of what is shown. */
export const useShownStore = defineStore('shown', () => {
  const catalog = useCatalogStore()
  const run = useRunStore()

  const shown = computed<Shown | null>(() => {
    const info = run.runInfo
    const result = run.result
    const script = catalog.script
    const ran = info
      ? {
          backend: result?.backend ?? info.backend,
          // The kernel runs on this host: it ran on no simulator profile.
          ...((result?.backend ?? info.backend) === 'sim'
            ? { profile: result?.profile ?? info.profile }
            : {}),
        }
      : undefined
    const byId = (id: string | undefined) =>
      id ? catalog.scenarios.find((s) => s.id === id) : undefined
    if (run.imported && result) {
      const id = result.id ?? script?.id ?? info?.scenarioId ?? 'custom'
      const known = byId(id)
      return {
        kind: 'trace',
        id,
        title: script?.title ?? known?.title ?? null,
        section: script?.section ?? known?.section ?? null,
        ...(run.importedName ? { file: run.importedName } : {}),
        ...(ran ? { run: ran } : {}),
      }
    }
    if (info && (info.source === 'script' || info.source === 'shell')) {
      return {
        kind: info.source,
        id: script?.id ?? info.scenarioId,
        title: script?.title ?? null,
        section: script?.section ?? null,
        ...(ran ? { run: ran } : {}),
      }
    }
    const picked = catalog.selected
    if (!picked) return null
    return {
      kind: 'case',
      id: picked.id,
      title: picked.title,
      section: picked.section,
      ...(ran ? { run: ran } : {}),
    }
  })

  return { shown }
})
