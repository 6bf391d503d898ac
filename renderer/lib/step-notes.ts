/**
 * The notes of one step's card: the step's own note keys and the run's notes placed on it
 * (read off the trace for a kernel run), each rendered for the run's profile with the values
 * its note event carried, else those the trace gives; the kernel lab's notes about itself
 * apart. ErrnoCard shows these; the completeness test renders them for every catalog run.
 */
import { isNoteKey, NOTES } from '../../shared/notes'
import { articleSection } from '../../shared/article'
import type { Localized, ProfileId } from '../../shared/lab-script'
import type { StepResult } from '../../shared/lab-result'
import { isLabNote, type PlacedNote } from './explain'
import { noteText } from './note-text'

/** One rendered note of a card. */
export interface StepNote {
  key: string
  text: string
  /** The article section it explains (its reference), for a teaching note. */
  ref: string | null
}

/** The teaching notes and the lab's own notes of a step, rendered. */
export function stepNotes(
  step: StepResult,
  lang: keyof Localized,
  ctx: {
    profile?: ProfileId
    /** Params of the step's note events, by key. */
    noteParams?: Readonly<Record<string, Readonly<Record<string, string | number>>>>
    placed?: readonly PlacedNote[]
    /** Throw on a note rendered without one of its values (default: under Vitest only). */
    strict?: boolean
  },
): { teaching: StepNote[]; lab: StepNote[] } {
  const render = (key: string): StepNote => ({
    key,
    text: noteText(
      key,
      lang,
      {
        params: ctx.noteParams?.[key] ?? ctx.placed?.find((n) => n.key === key)?.params,
        profile: ctx.profile,
        errno: step.errno,
      },
      ctx.strict,
    ),
    ref: isNoteKey(key) && !isLabNote(key) ? articleSection(NOTES[key].section).ref : null,
  })
  const keys = [...new Set([...(step.notes ?? []), ...(ctx.placed ?? []).map((n) => n.key)])]
  const known = keys.filter((k) => isNoteKey(k))
  return {
    teaching: known.filter((k) => !isLabNote(k)).map(render),
    lab: (step.notes ?? []).filter((k) => isNoteKey(k) && isLabNote(k)).map(render),
  }
}
