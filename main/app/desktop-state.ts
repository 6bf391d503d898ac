/**
 * The shell's own small state file (`desktop-state.json` in the user's data folder): window
 * bounds and the menu's language. A missing, unreadable or hand-mangled file is not an error:
 * the app starts with defaults and writes a good file next time.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { savedWindowSchema } from './window-state'

/** Languages of the UI (and so of the menu). */
export const LANGUAGES = ['zh', 'en'] as const
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number]

const desktopStateSchema = z.object({
  window: savedWindowSchema.optional(),
  language: z.enum(LANGUAGES).optional(),
})
/** What the file holds. */
export type DesktopState = z.output<typeof desktopStateSchema>

/** File name inside the user-data folder. */
export const DESKTOP_STATE_FILE = 'desktop-state.json'

/** Path of the state file below `userData`. */
export function desktopStatePath(userData: string): string {
  return join(userData, DESKTOP_STATE_FILE)
}

/** Reads the file; anything wrong with it gives an empty state. */
export function loadDesktopState(file: string): DesktopState {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return {}
  }
  // Keep the valid half of a half-valid file (a bad window entry should not lose the language).
  const whole = desktopStateSchema.safeParse(json)
  if (whole.success) return whole.data
  if (typeof json !== 'object' || json === null) return {}
  const record = json as Record<string, unknown>
  const window = savedWindowSchema.safeParse(record.window)
  const language = z.enum(LANGUAGES).safeParse(record.language)
  return {
    ...(window.success ? { window: window.data } : {}),
    ...(language.success ? { language: language.data } : {}),
  }
}

/**
 * Writes the file atomically (temporary file, then rename), so a crash while quitting leaves
 * the old file rather than half a new one. Failures are reported, never thrown: losing the
 * window position must not stop the app from quitting.
 */
export function saveDesktopState(file: string, state: DesktopState): string | undefined {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8')
    renameSync(temporary, file)
    return undefined
  } catch (error) {
    return `Could not save ${file}: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** The menu language when the user has not chosen one: Chinese for a Chinese system locale. */
export function defaultLanguage(systemLocales: readonly string[]): Language {
  const first = systemLocales[0]?.toLowerCase() ?? ''
  return first === 'zh' || first.startsWith('zh-') || first.startsWith('zh_') ? 'zh' : 'en'
}
