/**
 * Holds every teaching note a run shows against that run: the note's declared claims
 * (shared/note-claims.ts) must be what the run's steps, states and segments show, and the
 * rendered text, in both languages, may name no errno, TCP state, return value or OS beyond
 * what it declares. Used by main/lab/notes-truth.test.ts on every catalog case and profile;
 * pure, so the kernel lab's runs can be held to the same rules.
 */
import { ERRNO_NAMES, ERRNO_TABLES } from './errno'
import type { LabResult, StateEvent, StepResult, TcpState } from './lab-result'
import { clientOf, TCP_STATES } from './lab-result'
import {
  isClient,
  type Actor,
  type Endpoint,
  type Localized,
  type ProfileId,
  type StepOp,
} from './lab-script'
import {
  OS_WORDS,
  PROFILE_OS,
  segmentKind,
  type ClaimScope,
  type ErrnoClaim,
  type NoteClaims,
} from './note-claims'
import { errnoOnProfile, isNoteKey, NOTES, noteWording, renderNote, type Note } from './notes'

/** One note as a run shows it: in the trace, or attached to a step. */
export interface NoteUse {
  key: string
  tMs: number
  actor?: Actor
  /** The step the note explains, for a step's note. */
  step?: number
  params: Readonly<Record<string, string | number>>
}

/** A sentence that the run does not bear out. */
export interface NoteProblem {
  key: string
  tMs: number
  actor?: Actor
  step?: number
  message: string
}

/** What {@link checkNotes} found. */
export interface NoteCheck {
  problems: NoteProblem[]
  /**
   * Claims limited to one kind of call (`call`) that this run did test, as
   * `<key>@<profile>#<claim index>`: a test requires each to be tested by some run.
   */
  tested: string[]
  /** Every use, with its rendered text. */
  rendered: { use: NoteUse; text: Localized }[]
}

/** Calls that report a connection's fate (a sleep or a crash does not). */
const SOCKET_CALLS: ReadonlySet<StepOp> = new Set<StepOp>([
  'bind',
  'listen',
  'connect',
  'accept',
  'send',
  'recv',
  'close',
  'shutdown',
  'poll',
  'getsockopt',
])

/** Every errno spelling the app knows (generic names and each OS's), longest first. */
const ERRNO_WORDS: readonly string[] = [
  ...new Set([
    ...ERRNO_NAMES,
    ...Object.values(ERRNO_TABLES).flatMap((t) =>
      Object.values(t).flatMap((e) => (e ? [e.name] : [])),
    ),
  ]),
].sort((a, b) => b.length - a.length)

function wordsIn(text: string, words: readonly string[]): string[] {
  return words.filter((w) => new RegExp(`(^|[^A-Za-z0-9_])${w}($|[^A-Za-z0-9_])`).test(text))
}

/** Return values a text names: "returns 0", "return -1", "返回 0". */
function returnsIn(text: string): number[] {
  return [...text.matchAll(/(?:\breturns?|返回) (-?\d+)/g)].map((m) => Number(m[1]))
}

/** The notes a run shows: its note events, and step notes no event carries (blocked, skipped). */
export function noteUses(result: LabResult): NoteUse[] {
  const uses: NoteUse[] = []
  const seen = new Set<string>()
  for (const e of result.events) {
    if (e.type !== 'note') continue
    uses.push({ key: e.key, tMs: e.tMs, actor: e.actor, step: e.step, params: e.params ?? {} })
    if (e.step !== undefined) seen.add(`${e.step}:${e.key}`)
  }
  for (const s of result.steps)
    for (const key of s.notes ?? [])
      if (!seen.has(`${s.index}:${key}`))
        uses.push({ key, tMs: s.endMs, actor: s.actor, step: s.index, params: {} })
  return uses
}

function other(actor: Endpoint): Endpoint {
  return isClient(actor) ? 'server' : 'client'
}

/** The socket calls of `actor` that return at or after the use, in order (a step note's own first). */
function callsFrom(result: LabResult, use: NoteUse, actor: Endpoint): StepResult[] {
  const own = use.step === undefined ? undefined : result.steps.find((s) => s.index === use.step)
  const after = (s: StepResult): boolean =>
    own ? s.endMs > own.endMs || (s.endMs === own.endMs && s.index > own.index) : s.endMs >= use.tMs
  const later = result.steps
    .filter((s) => s.actor === actor && s.outcome === 'returned' && SOCKET_CALLS.has(s.op))
    .filter(after)
    .sort((a, b) => a.endMs - b.endMs || a.index - b.index)
  return own && own.actor === actor ? [own, ...later] : later
}

function scoped(calls: StepResult[], at: ClaimScope, call?: StepOp): StepResult[] {
  const of = call ? calls.filter((s) => s.op === call) : calls
  return at === 'next' ? of.slice(0, 1) : of
}

/** Whether `steps` meet a claim whose test is `ok` under `at`; `undefined`: nothing to test. */
function meets(
  steps: StepResult[],
  at: ClaimScope,
  ok: (s: StepResult) => boolean,
): boolean | undefined {
  if (steps.length === 0) return undefined
  return at === 'every-later' ? steps.every(ok) : steps.some(ok)
}

function stateEvents(result: LabResult, actor: Endpoint): StateEvent[] {
  return result.events.filter((e): e is StateEvent => e.type === 'state' && e.actor === actor)
}

function stateHolds(events: StateEvent[], state: TcpState, tMs: number, when: string): boolean {
  if (when === 'before') return events.some((e) => e.to === state && e.tMs <= tMs)
  if (when === 'never-after') return !events.some((e) => e.to === state && e.tMs >= tMs)
  const upTo = events.filter((e) => e.tMs <= tMs)
  // At that very instant it may pass through the state: entered it (and the program's next
  // connect made a new socket the same moment), or just left it.
  return (
    upTo.at(-1)?.to === state ||
    upTo.some((e) => e.tMs === tMs && (e.from === state || e.to === state))
  )
}

interface Ctx {
  result: LabResult
  profile: ProfileId
  use: NoteUse
  note: Note
  claims: NoteClaims
  /** The errno `{errno}` renders as, spelled for the profile. */
  errno?: string
  problems: string[]
  tested: string[]
}

function checkErrno(ctx: Ctx, claim: ErrnoClaim, i: number, actor: Endpoint): void {
  const { use, result } = ctx
  const name = claim.errno === 'param' ? ctx.errno : errnoOnProfile(claim.errno, ctx.profile)
  if (!name) {
    ctx.problems.push('names {errno}, but the run gives it no value')
    return
  }
  const steps = scoped(callsFrom(result, use, actor), claim.at, claim.call)
  // getsockopt(SO_ERROR) gives an error as its value, not as its errno.
  const held = meets(steps, claim.at, (s) => s.errno === name || s.value === name)
  const which = `${claim.at === 'next' ? 'the next' : claim.at === 'later' ? 'a later' : 'every later'} ${claim.call ? `${claim.call}()` : 'call'}`
  if (held === undefined) {
    if (!claim.call) ctx.problems.push(`says ${which} gives ${name}, but no call follows`)
    return
  }
  if (claim.call) ctx.tested.push(`${use.key}@${ctx.profile}#errnos.${i}`)
  if (!held) {
    const got = steps.map((s) => `${s.op}() = ${s.ret}${s.errno ? ` ${s.errno}` : ''}`).join(', ')
    ctx.problems.push(`says ${which} gives ${name}; the run: ${got}`)
  }
}

function checkClaims(ctx: Ctx): void {
  const { use, result, claims } = ctx
  const actor = use.actor !== undefined && use.actor !== 'net' ? use.actor : undefined
  const hasClaims = Object.values(claims).some((c: readonly unknown[] | undefined) => c?.length)
  if (!actor) {
    if (hasClaims) ctx.problems.push('makes claims about an end, but the note has no end')
    return
  }
  claims.errnos?.forEach((c, i) => checkErrno(ctx, c, i, actor))
  for (const c of claims.returns ?? []) {
    const who = c.who === 'self' ? actor : other(actor)
    const steps = scoped(callsFrom(result, use, who), c.at, c.call)
    if (meets(steps, c.at, (s) => s.ret === c.ret) !== true)
      ctx.problems.push(`says ${who}'s ${c.call}() returns ${c.ret}; the run does not show it`)
  }
  for (const c of claims.states ?? []) {
    const who = c.who === 'self' ? actor : other(actor)
    if (!stateHolds(stateEvents(result, who), c.state, use.tMs, c.when))
      ctx.problems.push(
        `says the ${who} is ${c.when === 'never-after' ? 'never in' : 'in'} ${c.state} (${c.when}); the run does not show it`,
      )
  }
  for (const c of claims.segments ?? []) {
    const dir = isClient(actor) ? 'c2s' : 's2c'
    const sent = result.events.some(
      (e) =>
        e.type === 'segment' &&
        e.dir === dir &&
        (!isClient(actor) || clientOf(e) === actor) &&
        segmentKind(e.flags) === c.what &&
        Boolean(e.retransmit) === c.retransmit &&
        (c.when === 'before' ? e.tMs <= use.tMs : e.tMs >= use.tMs),
    )
    if (!sent)
      ctx.problems.push(
        `says the ${actor} sent ${c.retransmit ? 'a repeated ' : 'a '}${c.what} ${c.when} it; the run has none`,
      )
  }
  if (claims.after?.length) {
    const made = result.steps.some(
      (s) => s.actor === actor && claims.after!.includes(s.op) && s.startMs <= use.tMs,
    )
    if (!made)
      ctx.problems.push(`describes ${claims.after.join('/')}, which the ${actor} never called`)
  }
}

/** What the rendered text names beyond its claims. */
function scanText(ctx: Ctx, text: string): void {
  const { claims, profile } = ctx
  const declaredErrnos = new Set(
    (claims.errnos ?? []).flatMap((c) =>
      c.errno === 'param' ? (ctx.errno ? [ctx.errno] : []) : [errnoOnProfile(c.errno, profile)],
    ),
  )
  for (const w of wordsIn(text, ERRNO_WORDS))
    if (!declaredErrnos.has(w)) ctx.problems.push(`names ${w} without claiming it: "${text}"`)
  const declaredStates = new Set((claims.states ?? []).map((c) => c.state))
  for (const w of wordsIn(text, TCP_STATES))
    if (!declaredStates.has(w as TcpState))
      ctx.problems.push(`names ${w} without claiming it: "${text}"`)
  const declaredReturns = new Set((claims.returns ?? []).map((c) => c.ret))
  for (const r of returnsIn(text))
    if (!declaredReturns.has(r))
      ctx.problems.push(`names the return value ${r} without claiming it: "${text}"`)
  for (const [os, re] of Object.entries(OS_WORDS))
    if (os !== PROFILE_OS[profile] && re.test(text))
      ctx.problems.push(`names ${os} on a ${profile} run: "${text}"`)
  const open = text.match(/\{\w+\}/g)
  if (open) ctx.problems.push(`leaves ${open.join(', ')} unfilled: "${text}"`)
}

/** Holds every note `result` shows against `result` (its profile's wording, both languages). */
export function checkNotes(result: LabResult): NoteCheck {
  const problems: NoteProblem[] = []
  const tested: string[] = []
  const rendered: NoteCheck['rendered'] = []
  const profile = result.profile
  for (const use of noteUses(result)) {
    const where = { key: use.key, tMs: use.tMs, actor: use.actor, step: use.step }
    if (!isNoteKey(use.key)) {
      problems.push({ ...where, message: 'is not a note of shared/notes.ts' })
      continue
    }
    const note: Note = NOTES[use.key]
    const step = use.step === undefined ? undefined : result.steps.find((s) => s.index === use.step)
    const raw = use.params.errno ?? step?.errno ?? note.errno
    const ctx: Ctx = {
      result,
      profile,
      use,
      note,
      claims: noteWording(use.key, profile).claims,
      errno: raw === undefined ? undefined : errnoOnProfile(String(raw), profile),
      problems: [],
      tested,
    }
    if (note.profiles && !note.profiles.includes(profile))
      ctx.problems.push(`is tied to ${note.profiles.join(', ')} but shown on ${profile}`)
    checkClaims(ctx)
    const opts = { params: use.params, profile, errno: step?.errno }
    const text = { en: renderNote(use.key, 'en', opts), zh: renderNote(use.key, 'zh', opts) }
    scanText(ctx, text.en)
    scanText(ctx, text.zh)
    rendered.push({ use, text })
    for (const message of new Set(ctx.problems)) problems.push({ ...where, message })
  }
  return { problems, tested, rendered }
}

/** The claims limited to one kind of call, per profile a note may show on (for coverage). */
export function callLimitedClaims(key: string, profile: ProfileId): string[] {
  if (!isNoteKey(key)) return []
  return (noteWording(key, profile).claims.errnos ?? []).flatMap((c, i) =>
    c.call ? [`${key}@${profile}#errnos.${i}`] : [],
  )
}
