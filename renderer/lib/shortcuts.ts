/**
 * The Lab view's keyboard shortcuts: which key does what, and when a key belongs to the
 * page rather than to a text field or the shell (typing there must never trigger them).
 */

/** What a shortcut does. */
export type ShortcutAction =
  | 'run'
  | 'cancel'
  | 'play'
  | 'forward'
  | 'back'
  | 'start'
  | 'end'
  | 'speed-real'
  | 'speed-x10'
  | 'speed-instant'
  | 'axis'
  | 'shell'
  | 'panel-diagrams'
  | 'panel-script'
  | 'panel-compare'
  | 'help'
  | 'present'

/** The keys, as the help lists them (one row per group of the i18n `labView.shortcuts`). */
export const SHORTCUT_ROWS: { keys: string[]; label: string }[] = [
  { keys: ['R', 'Ctrl+Enter'], label: 'run' },
  { keys: ['Esc'], label: 'cancel' },
  { keys: ['Space', 'K'], label: 'play' },
  { keys: ['→', '←', '.', ','], label: 'step' },
  { keys: ['Home', 'End'], label: 'ends' },
  { keys: ['1', '2', '3'], label: 'speed' },
  { keys: ['L'], label: 'axis' },
  { keys: ['`', '/'], label: 'shell' },
  { keys: ['D', 'E', 'C'], label: 'panels' },
  { keys: ['P'], label: 'present' },
  { keys: ['?'], label: 'help' },
]

/** The subset of a KeyboardEvent the mapping reads. */
export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  target: EventTarget | null
}

/** True when keys typed there are text (inputs, text areas, the terminal). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || typeof el.closest !== 'function') return false
  if (el.isContentEditable) return true
  if (el.closest('.xterm')) return true
  const tag = el.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type
    return !['radio', 'checkbox', 'range', 'button', 'submit'].includes(type)
  }
  return false
}

/** The action of a key press, or null when the key is not a shortcut here. */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.key === 'Escape') return 'cancel'
  if (e.ctrlKey && e.key === 'Enter' && !isTyping(e.target)) return 'run'
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return null
  // Arrow keys and Space keep their meaning on controls that use them.
  const el = e.target as HTMLElement | null
  const onControl =
    !!el && typeof el.closest === 'function' && !!el.closest('button, input, [role="tab"]')
  switch (e.key) {
    case 'r':
    case 'R':
      return 'run'
    case ' ':
      return onControl ? null : 'play'
    case 'k':
    case 'K':
      return 'play'
    case 'ArrowRight':
      return onControl ? null : 'forward'
    case 'ArrowLeft':
      return onControl ? null : 'back'
    case '.':
      return 'forward'
    case ',':
      return 'back'
    case 'Home':
      return onControl ? null : 'start'
    case 'End':
      return onControl ? null : 'end'
    case '1':
      return 'speed-real'
    case '2':
      return 'speed-x10'
    case '3':
      return 'speed-instant'
    case 'l':
    case 'L':
      return 'axis'
    case '`':
    case '/':
      return 'shell'
    case 'd':
    case 'D':
      return 'panel-diagrams'
    case 'e':
    case 'E':
      return 'panel-script'
    case 'c':
    case 'C':
      return 'panel-compare'
    case '?':
      return 'help'
    case 'p':
    case 'P':
      return 'present'
    default:
      return null
  }
}
