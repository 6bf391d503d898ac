/**
 * How the renderer writes a teaching note: shared/notes.ts `renderNote` in the run's OS's
 * words, then a check that every `{param}` was filled. A note is never shown with `{n}` in
 * it: under test a missing value throws (naming the note and the parameter), so the caller
 * that forgot it fails; in the app the error is logged and the value reads "…".
 */
import { isNoteKey, renderNote, type NoteContext } from '../../shared/notes'
import type { Localized } from '../../shared/lab-script'

/** Thrown (under test) when a note is rendered without one of its parameters. */
export class MissingNoteParameterError extends Error {
  constructor(
    readonly key: string,
    readonly lang: string,
    readonly parameters: string[],
  ) {
    super(
      `note "${key}" (${lang}) was rendered without ${parameters.map((p) => `{${p}}`).join(', ')}`,
    )
    this.name = 'MissingNoteParameterError'
  }
}

const PLACEHOLDER = /\{(\w+)\}/g

/**
 * True when missing values must throw: under Vitest (unless a caller says otherwise). Vite sets
 * import.meta.env; Playwright's loader, which runs this for e2e/web/completeness.spec.ts, does not.
 */
const STRICT = (import.meta as { env?: { MODE?: string } }).env?.MODE === 'test'

/**
 * A note's text for a run, every placeholder filled; `''` for a key the notes catalogue does
 * not have (a backend ahead of shared/notes.ts), which is never shown raw.
 */
export function noteText(
  key: string,
  lang: keyof Localized,
  ctx: NoteContext,
  strict: boolean = STRICT,
): string {
  if (!isNoteKey(key)) return ''
  const text = renderNote(key, lang, ctx)
  const missing = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!)
  if (missing.length === 0) return text
  const error = new MissingNoteParameterError(key, lang, missing)
  if (strict) throw error
  console.error(error)
  return text.replace(PLACEHOLDER, '…')
}

/** Any `{name}` placeholder left in a text (for tests that scan what is on screen). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[0])
}
