/**
 * The evidence every generated question is proved against: what the simulator's run of each
 * catalog case did on each profile, reduced to plain data (`RunFacts`) so that main/ can
 * compute it and hand it to the pure generator (and across IPC to the renderer).
 *
 * A question from a summary-table row states its OS ("on Linux", the `PROVED_ON` profiles)
 * and its condition; the row's cases are its witnesses. The key must be what each witness
 * run returned at the row's step, every distractor must be wrong there, and a state offered
 * as a distractor must be one in which no run of the catalog gave the same result.
 */
import { ERRNO_NAMES, ERRNO_TABLES, type ErrnoName } from '../errno'
import type { FinalStates, LabResult, TcpState } from '../lab-result'
import {
  isClient,
  type Actor,
  type Endpoint,
  type LabScriptInput,
  type ProfileId,
  type StepOp,
} from '../lab-script'
import type { SummaryRow, WireSegment } from '../summary-tables'
import { classOfStep, rowClass, stepClassOfRow } from './result-text'

/** The profiles a question about "Linux" must hold on: today's kernels and the article's. */
export const PROVED_ON: readonly ProfileId[] = ['linux', 'linux-legacy']

/** One call of a run, as a proof reads it. */
export interface FactStep {
  index: number
  actor: Actor
  op: StepOp
  /** Result class id (`zero`, `positive`, `blocks`, `error:<generic errno>`...). */
  cls: string
  /** Each end's TCP state when the call returned (for a blocked call: when the run ended). */
  states: FinalStates
  /** Where in the run it returned: the position of its return among the run's events. */
  at: number
}

/** One segment as the article draws the wire. */
export interface FactSegment {
  dir: 'c2s' | 's2c'
  what: string
  lost: boolean
}

/** What one run did, as plain data. */
export interface RunFacts {
  steps: FactStep[]
  segments: FactSegment[]
  /** Every state change, with its position among the run's events (both ends start CLOSED). */
  transitions: { actor: Endpoint; to: TcpState; at: number }[]
}

/** Simulator runs of the catalog, by case id and profile. */
export interface QuizProof {
  runs: Readonly<Record<string, Partial<Record<ProfileId, RunFacts>>>>
}

/** An errno as the lab's generic name (`WSAETIMEDOUT` -> `ETIMEDOUT`). */
export function genericErrno(name: string): ErrnoName | string {
  if ((ERRNO_NAMES as readonly string[]).includes(name)) return name
  for (const table of Object.values(ERRNO_TABLES))
    for (const n of ERRNO_NAMES) if (table[n]?.name === name) return n
  return name
}

function drawn(flags: readonly string[], len: number): string {
  if (flags.includes('RST')) return 'RST'
  if (flags.includes('SYN')) return flags.includes('ACK') ? 'SYN-ACK' : 'SYN'
  if (flags.includes('FIN')) return 'FIN'
  return len > 0 ? 'data' : 'ACK'
}

/** The facts of a run (a simulator result, or any backend's). */
export function runFacts(result: LabResult): RunFacts {
  const state: FinalStates = { client: 'CLOSED', server: 'CLOSED' }
  const transitions: RunFacts['transitions'] = []
  const returned = new Map<number, { states: FinalStates; at: number }>()
  const segments: FactSegment[] = []
  result.events.forEach((e, at) => {
    if (e.type === 'state') {
      state[e.actor] = e.to
      transitions.push({ actor: e.actor, to: e.to, at })
    } else if (e.type === 'syscall') returned.set(e.step, { states: { ...state }, at })
    else if (e.type === 'segment')
      segments.push({ dir: e.dir, what: drawn(e.flags, e.len), lost: e.fate !== 'delivered' })
  })
  const steps = result.steps.map((s): FactStep => {
    const cls = classOfStep(s)
    return {
      index: s.index,
      actor: s.actor,
      op: s.op,
      cls: cls.startsWith('error:') ? `error:${genericErrno(cls.slice(6))}` : cls,
      ...(returned.get(s.index) ?? { states: { ...state }, at: result.events.length }),
    }
  })
  return { steps, segments, transitions }
}

/**
 * The end a question's `side` names for a step: the server, or for `client` the client that
 * made the call (with several clients, version 2, the one whose connection it is), else the
 * first client.
 */
export function endOf(step: Pick<FactStep, 'actor'>, side: 'client' | 'server'): Endpoint {
  return side === 'client' && isClient(step.actor) ? step.actor : side
}

/** The states an end had been in before a step returned (CLOSED first), without repeats. */
export function statesBefore(facts: RunFacts, side: Endpoint, step: FactStep): TcpState[] {
  const seen: TcpState[] = ['CLOSED']
  for (const t of facts.transitions)
    if (t.actor === side && t.at < step.at && !seen.includes(t.to)) seen.push(t.to)
  return seen
}

/** The step a question about a call in a script asks about: the last such call, the client's first. */
export function predictedStep(
  script: Pick<LabScriptInput, 'steps'>,
  c: StepOp,
): number | undefined {
  const indexes = script.steps.flatMap((s, i) => (s.op === c ? [i] : []))
  const byClient = indexes.filter((i) => {
    const actor = script.steps[i]?.actor
    return actor !== undefined && isClient(actor)
  })
  return (byClient.length > 0 ? byClient : indexes).at(-1)
}

/** The step of a case that shows a row (the row's pin, else the case's last such call). */
export function rowStep(
  row: Pick<SummaryRow, 'call' | 'steps'>,
  caseId: string,
  script: Pick<LabScriptInput, 'steps'>,
): number | undefined {
  return row.steps?.[caseId] ?? predictedStep(script, row.call)
}

/** What a step shows at the level of a row: a failure after successes of the same call counts as one. */
export function observedClass(
  row: Pick<SummaryRow, 'returnClass'>,
  facts: RunFacts,
  step: FactStep,
): string {
  if (row.returnClass !== 'positive-then-error' || !step.cls.startsWith('error:')) return step.cls
  const before = facts.steps.some(
    (s) =>
      s.index < step.index && s.actor === step.actor && s.op === step.op && s.cls === 'positive',
  )
  return before ? `then-${step.cls}` : step.cls
}

/** One witness of a row: a case run on a profile, at the row's step. */
export interface Witness {
  caseId: string
  profile: ProfileId
  facts: RunFacts
  step: FactStep
  observed: string
}

/** The data a proof reads besides the runs. */
export interface ProofSource {
  rows: readonly SummaryRow[]
  cases: ReadonlyMap<string, Pick<LabScriptInput, 'steps'>>
}

/** Every witness of a row on the given profiles, or what is missing. */
export function witnesses(
  row: SummaryRow,
  source: ProofSource,
  proof: QuizProof,
  profiles: readonly ProfileId[] = PROVED_ON,
): { found: Witness[]; missing: string[] } {
  const found: Witness[] = []
  const missing: string[] = []
  if (row.cases.length === 0) missing.push(`${row.id} names no case`)
  for (const caseId of row.cases) {
    const script = source.cases.get(caseId)
    const index = script && rowStep(row, caseId, script)
    for (const profile of profiles) {
      const facts = proof.runs[caseId]?.[profile]
      const step = facts?.steps.find((s) => s.index === index)
      if (!facts || !step || step.op !== row.call) {
        missing.push(
          `${row.id}: no ${row.call}() step ${index ?? '?'} in the ${caseId} run on ${profile}`,
        )
        continue
      }
      found.push({ caseId, profile, facts, step, observed: observedClass(row, facts, step) })
    }
  }
  return { found, missing }
}

/** Why a row's result is not what its witnesses show (empty: proved). */
export function rowProblems(row: SummaryRow, source: ProofSource, proof: QuizProof): string[] {
  const { found, missing } = witnesses(row, source, proof)
  const key = rowClass(row)
  return [
    ...missing,
    ...found
      .filter((w) => w.observed !== key)
      .map(
        (w) =>
          `${row.id} says ${key}; ${w.caseId} on ${w.profile} gives ${w.observed} at step ${w.step.index}`,
      ),
  ]
}

/**
 * Result classes too close to a key to offer as wrong: the parts of "n > 0, then -1 E" are
 * each half right.
 */
export function partsOf(key: string): string[] {
  return key.startsWith('then-error:') ? ['positive', key.slice('then-'.length)] : []
}

/**
 * Whether a state is a defensible answer to "when <call> gives <class>, which state is the
 * <side> in": some run of the catalog on the profiles shows that call giving that class while
 * the side was in it.
 */
export function stateDefensible(
  state: TcpState,
  row: Pick<SummaryRow, 'call' | 'returnClass' | 'errno'>,
  side: 'self' | 'peer',
  proof: QuizProof,
  profiles: readonly ProfileId[] = PROVED_ON,
): string | null {
  const cls = stepClassOfRow(row)
  for (const [caseId, byProfile] of Object.entries(proof.runs))
    for (const profile of profiles)
      for (const s of byProfile[profile]?.steps ?? []) {
        if (s.op !== row.call || s.cls !== cls || s.actor === 'net') continue
        const who: Endpoint = side === 'self' ? s.actor : isClient(s.actor) ? 'server' : 'client'
        if (s.states[who] === state) return `${caseId} on ${profile}, step ${s.index}`
      }
  return null
}

/** Whether the row's segments appear in this order on the run's wire (others may come between). */
export function wireShown(wire: readonly WireSegment[], facts: RunFacts): boolean {
  let from = 0
  for (const seg of wire) {
    const lost = seg.note === 'lost'
    const at = facts.segments.findIndex(
      (s, i) => i >= from && s.dir === seg.dir && s.what === seg.what && s.lost === lost,
    )
    if (at < 0) return false
    from = at + 1
  }
  return true
}
