/**
 * The Lab view's small display choices (time axis, open panel), shared by the components
 * and the keyboard shortcuts, and remembered in localStorage across visits.
 */
import { reactive, watch } from 'vue'
import type { AxisMode } from './time-axis'

/** Panels of the Lab's stage. */
export const PANELS = ['diagrams', 'script', 'compare'] as const
/** One of {@link PANELS}. */
export type Panel = (typeof PANELS)[number]

/** What the student chose. */
export interface ViewPrefs {
  axis: AxisMode
  panel: Panel
  shortcutsOpen: boolean
}

const KEY = 'sal.labView'

function load(): Partial<ViewPrefs> {
  try {
    const raw = globalThis.localStorage?.getItem(KEY)
    const value: unknown = raw ? JSON.parse(raw) : {}
    if (!value || typeof value !== 'object') return {}
    const v = value as Record<string, unknown>
    return {
      ...(v.axis === 'broken' || v.axis === 'log' ? { axis: v.axis } : {}),
      ...(PANELS.includes(v.panel as Panel) ? { panel: v.panel as Panel } : {}),
    }
  } catch {
    return {} // Storage disabled or garbage: the defaults apply.
  }
}

/** The one preferences object of the page. */
export const viewPrefs = reactive<ViewPrefs>({
  axis: 'broken',
  panel: 'diagrams',
  shortcutsOpen: false,
  ...load(),
})

watch(
  () => [viewPrefs.axis, viewPrefs.panel] as const,
  ([axis, panel]) => {
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify({ axis, panel }))
    } catch {
      // Not remembering is acceptable.
    }
  },
)
