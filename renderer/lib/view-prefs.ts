/**
 * The Lab view's small display choices (time axis, open panel, whether the case list and the
 * shell are open, presentation mode), shared by the components and the keyboard shortcuts.
 * Axis and panel are remembered in localStorage; the case list and the shell are remembered
 * once the student has opened or closed them (until then they follow the window's size: a
 * classroom laptop or projector needs the room for the diagrams). Presentation mode is not
 * remembered: a reload ends it.
 */
import { reactive, watch } from 'vue'
import type { AxisMode } from './time-axis'

/** Panels of the Lab's stage. */
export const PANELS = ['diagrams', 'script', 'compare', 'program'] as const
/** One of {@link PANELS}. */
export type Panel = (typeof PANELS)[number]

/** What the student chose. */
export interface ViewPrefs {
  axis: AxisMode
  panel: Panel
  shortcutsOpen: boolean
  /** The socket shell shows its terminal (closed: only its title bar). */
  shellOpen: boolean
  /** The case list is beside the Lab (closed: a button opens it). */
  sideOpen: boolean
  /** Presentation mode: no sidebar, shell or app bar; larger type; diagrams fill the screen. */
  presenting: boolean
}

const KEY = 'sal.labView'
/** Keys of the two remembered layout choices. */
export const LAYOUT_KEYS = { shell: 'sal.shellOpen', side: 'sal.casesOpen' } as const
/** Below these window sizes the shell and the case list start closed (until chosen). */
export const ROOM = { shellMinHeight: 820, sideMinWidth: 1200 } as const

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined
  } catch {
    return undefined // Storage disabled: nothing is remembered.
  }
}

function load(): Partial<ViewPrefs> {
  try {
    const raw = storage()?.getItem(KEY)
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

function remembered(key: string): boolean | undefined {
  try {
    const raw = storage()?.getItem(key)
    return raw === 'true' ? true : raw === 'false' ? false : undefined
  } catch {
    return undefined
  }
}

/** The layout a window of this size starts with, unless the student has chosen. */
export function initialLayout(
  size: { width: number; height: number } | undefined,
  chosen: { shell?: boolean; side?: boolean } = {},
): { shellOpen: boolean; sideOpen: boolean } {
  return {
    shellOpen: chosen.shell ?? (size ? size.height >= ROOM.shellMinHeight : true),
    sideOpen: chosen.side ?? (size ? size.width >= ROOM.sideMinWidth : true),
  }
}

function windowSize(): { width: number; height: number } | undefined {
  const w = globalThis.innerWidth
  const h = globalThis.innerHeight
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0
    ? { width: w, height: h }
    : undefined
}

/** The one preferences object of the page. */
export const viewPrefs = reactive<ViewPrefs>({
  axis: 'broken',
  panel: 'diagrams',
  shortcutsOpen: false,
  presenting: false,
  ...initialLayout(windowSize(), {
    shell: remembered(LAYOUT_KEYS.shell),
    side: remembered(LAYOUT_KEYS.side),
  }),
  ...load(),
})

function remember(key: string, value: boolean): void {
  try {
    storage()?.setItem(key, String(value))
  } catch {
    // Not remembering is acceptable.
  }
}

/** Opens or closes the shell's terminal, and remembers the choice. */
export function setShellOpen(open: boolean): void {
  viewPrefs.shellOpen = open
  remember(LAYOUT_KEYS.shell, open)
}

/** Shows or hides the case list, and remembers the choice. */
export function setSideOpen(open: boolean): void {
  viewPrefs.sideOpen = open
  remember(LAYOUT_KEYS.side, open)
}

watch(
  () => [viewPrefs.axis, viewPrefs.panel] as const,
  ([axis, panel]) => {
    try {
      storage()?.setItem(KEY, JSON.stringify({ axis, panel }))
    } catch {
      // Not remembering is acceptable.
    }
  },
)
