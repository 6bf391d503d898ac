/**
 * Lab scripts a teacher keeps in this browser (localStorage), by name. Storage can be
 * disabled or full: every call says so as data instead of throwing.
 */

/** One kept script. */
export interface KeptScript {
  name: string
  text: string
  savedAt: string
}

const KEY = 'sal.scripts'

/** The kept scripts, newest first (an unreadable store reads as empty). */
export function listScripts(storage: Storage | undefined = globalThis.localStorage): KeptScript[] {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]')
    if (!Array.isArray(raw)) return []
    return raw
      .filter(
        (s): s is KeptScript =>
          !!s &&
          typeof s.name === 'string' &&
          typeof s.text === 'string' &&
          typeof s.savedAt === 'string',
      )
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt))
  } catch {
    return []
  }
}

function write(list: KeptScript[], storage: Storage | undefined): string | null {
  try {
    if (!storage) return 'no localStorage in this window'
    storage.setItem(KEY, JSON.stringify(list))
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** Keeps a script under a name (replacing one of the same name); an error message or null. */
export function keepScript(
  name: string,
  text: string,
  storage: Storage | undefined = globalThis.localStorage,
  now: Date = new Date(),
): string | null {
  const clean = name.trim()
  if (!clean) return 'the name is empty'
  const list = listScripts(storage).filter((s) => s.name !== clean)
  list.unshift({ name: clean, text, savedAt: now.toISOString() })
  return write(list, storage)
}

/** Forgets a kept script. */
export function forgetScript(
  name: string,
  storage: Storage | undefined = globalThis.localStorage,
): string | null {
  return write(
    listScripts(storage).filter((s) => s.name !== name),
    storage,
  )
}
