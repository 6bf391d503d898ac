/**
 * What a teaching note asserts about the run it is shown in. Every note of shared/notes.ts
 * declares its claims; {@link checkNotes} (shared/notes-check.ts) holds each claim against a
 * run, and scans the rendered text for errno names, TCP states, return values and OS names
 * that the note did not declare. A sentence that names an errno, a state or a return value
 * therefore cannot reach a student unless some run shows it on that profile.
 */
import type { ErrnoName } from './errno'
import type { TcpState, TcpFlag } from './lab-result'
import type { Localized, ProfileId, StepOp } from './lab-script'

/**
 * Which calls of the note's actor a claim is about.
 * - `next`: a step note's own call; for a note in the trace, the actor's first socket call
 *   that returns at or after the note (with `call`, its first call of that kind).
 * - `later`: some call of the actor that returns at or after the note.
 * - `every-later`: every socket call of the actor that returns at or after the note (at least
 *   one).
 */
export type ClaimScope = 'next' | 'later' | 'every-later'

/** The note names an errno: `param` is the note's `{errno}` as rendered for the run. */
export interface ErrnoClaim {
  errno: ErrnoName | 'param'
  at: ClaimScope
  /**
   * Only calls of this kind (`recv`, `send`...): a sentence like "a recv() reports it" holds
   * for a run without a later recv() trivially, so such a claim must be met by some run of the
   * catalog on each profile that shows the note (the test checks that too).
   */
  call?: StepOp
}

/** The note names a return value ("recv() returns 0"). */
export interface ReturnClaim {
  call: StepOp
  ret: number
  /** The note's actor, or the other end. */
  who: 'self' | 'peer'
  at: ClaimScope
}

/**
 * The note names a TCP state of an end. `now`: the end is in it when the note comes (or has
 * just left it at that instant); `before`: it was in it at some time up to the note; `never-after`:
 * the text says it does not happen ("no TIME_WAIT"), so the end never enters it after the note.
 */
export interface StateClaim {
  state: TcpState
  who: 'self' | 'peer'
  when: 'now' | 'before' | 'never-after'
}

/** The note says the actor sent a segment ("the SYN is sent again"). */
export interface SegmentClaim {
  /** The segment's flags as drawn: `SYN`, `SYN-ACK`, `FIN`, `RST`. */
  what: 'SYN' | 'SYN-ACK' | 'FIN' | 'RST'
  retransmit: boolean
  when: 'before' | 'after'
}

/** Everything a note's text asserts. */
export interface NoteClaims {
  errnos?: readonly ErrnoClaim[]
  returns?: readonly ReturnClaim[]
  states?: readonly StateClaim[]
  segments?: readonly SegmentClaim[]
  /** The note describes a call the actor made (`abort-rst` follows `abort`, not a crash). */
  after?: readonly StepOp[]
}

/** One wording of a note and what it asserts. */
export interface NoteWording {
  text: Localized
  claims: NoteClaims
}

/** The OS a profile plays, as a text names it. */
export const PROFILE_OS: Record<ProfileId, 'linux' | 'windows' | 'macos'> = {
  linux: 'linux',
  'linux-legacy': 'linux',
  windows: 'windows',
  macos: 'macos',
}

/** Words in a note that name an OS; a note may name only the OS of the run it is shown in. */
export const OS_WORDS: Record<'linux' | 'windows' | 'macos', RegExp> = {
  linux: /\bLinux\b/,
  windows: /\bWindows\b|\bWinsock\b/,
  macos: /\bmacOS\b|\bBSD\b|\bXNU\b/,
}

/** The flags of a segment as a claim names it. */
export function segmentKind(flags: readonly TcpFlag[]): SegmentClaim['what'] | null {
  if (flags.includes('RST')) return 'RST'
  if (flags.includes('SYN')) return flags.includes('ACK') ? 'SYN-ACK' : 'SYN'
  if (flags.includes('FIN')) return 'FIN'
  return null
}
