/**
 * The check every generated question passes before it is asked (issue 10): its key is right on
 * the stated profiles under the stated condition, every distractor is wrong there (both judged
 * by the simulator's runs in the proof, never by a list), the prompt, and the case title it
 * shows, do not give the key away, and the question is what its type promises.
 */
import { ERRNO_NAMES, errnoOn, isErrnoName, type ErrnoSystem } from '../errno'
import { TCP_STATES } from '../lab-result'
import type { Localized } from '../lab-script'
import { OTHER_RESULTS, type SummaryRow } from '../summary-tables'
import {
  endOf,
  partsOf,
  PROVED_ON,
  rowProblems,
  stateDefensible,
  wireShown,
  witnesses,
  type ProofSource,
  type QuizProof,
} from './proof'
import { rowClass } from './result-text'
import type { QuizQuestion } from './types'

const SUCCESS = ['succeed', 'success', '成功']

/**
 * Words that give a result class away when a prompt (or a case title it shows) contains them:
 * the errno and its message, and the words that say the call succeeded, failed or blocked.
 */
export function tells(key: string): string[] {
  if (key === 'zero') return ['returns 0', 'return 0', '返回 0', ...SUCCESS]
  if (key === 'positive') return ['n > 0', 'byte count', '字节数', ...SUCCESS]
  if (key === 'blocks') return ['block', 'forever', 'hang', '阻塞', '一直']
  if (key.startsWith('then-error:')) return [...tells('positive'), ...tells(key.slice(5))]
  if (key.startsWith('error:')) {
    const name = key.slice('error:'.length)
    const message = isErrnoName(name) ? errnoOn('linux', name)?.message : undefined
    return [name, ...(message ? [message] : []), 'fail', '失败']
  }
  return [key]
}

/** The giveaways a text contains (case-insensitive). */
export function giveaways(text: Localized, words: readonly string[]): string[] {
  const all = `${text.en}\n${text.zh}`.toLowerCase()
  return words.filter((w) => all.includes(w.toLowerCase()))
}

const SEGMENT_WORDS = ['SYN-ACK', 'SYN', 'ACK', 'FIN', 'RST']

/** The segment kinds a text names (SYN-ACK counted once, not as SYN and ACK too). */
export function segmentsNamed(text: string): string[] {
  let rest = text
  const found: string[] = []
  for (const w of SEGMENT_WORDS) {
    const re = new RegExp(`\\b${w}\\b`, 'g')
    if (re.test(rest)) found.push(w)
    rest = rest.replace(re, ' ')
  }
  return found
}

/** What {@link checkQuestion} reads. */
export interface CheckContext {
  source: ProofSource
  proof: QuizProof
}

function rowOf(q: QuizQuestion, ctx: CheckContext): SummaryRow | undefined {
  return ctx.source.rows.find((r) => r.id === q.rowId)
}

function wrongOptions(q: QuizQuestion): string[] {
  return q.options.map((o) => o.id).filter((id) => !q.answer.includes(id))
}

function checkCauseToResult(q: QuizQuestion, row: SummaryRow, ctx: CheckContext): string[] {
  const out: string[] = []
  const key = rowClass(row)
  if (q.answer[0] !== key) out.push(`the key ${q.answer[0]} is not the row's ${key}`)
  const observed = new Set(witnesses(row, ctx.source, ctx.proof).found.map((w) => w.observed))
  const classes = new Set([
    ...ctx.source.rows.filter((r) => r.call === row.call).map(rowClass),
    ...(OTHER_RESULTS[row.call] ?? []),
  ])
  for (const d of wrongOptions(q)) {
    if (observed.has(d)) out.push(`distractor ${d} is what a witness run gives`)
    if (partsOf(key).includes(d)) out.push(`distractor ${d} is half of the key ${key}`)
    if (!classes.has(d)) out.push(`distractor ${d} is no result of ${row.call}()`)
  }
  out.push(...giveaways(q.prompt, tells(key)).map((w) => `the prompt gives the key away ("${w}")`))
  return out
}

function checkResultToCause(q: QuizQuestion, row: SummaryRow, ctx: CheckContext): string[] {
  const out: string[] = []
  const key = rowClass(row)
  if (q.answer[0] !== row.id) out.push(`the key ${q.answer[0]} is not the row ${row.id}`)
  for (const d of wrongOptions(q)) {
    const other = ctx.source.rows.find((r) => r.id === d)
    if (!other || other.call !== row.call) {
      out.push(`distractor ${d} is no cause of ${row.call}()`)
      continue
    }
    const theirs = rowClass(other)
    if (theirs === key || partsOf(theirs).includes(key) || partsOf(key).includes(theirs))
      out.push(`distractor ${d} (${theirs}) can give ${key} too`)
    if (rowProblems(other, ctx.source, ctx.proof).length > 0)
      out.push(`distractor ${d} is not proved by its own runs`)
  }
  return out
}

function checkState(q: QuizQuestion, row: SummaryRow, ctx: CheckContext): string[] {
  const out: string[] = []
  const side = q.id.split(':')[2] as 'client' | 'server'
  const key = q.answer[0]
  for (const w of witnesses(row, ctx.source, ctx.proof).found) {
    const end = endOf(w.step, side)
    if (w.step.states[end] !== key)
      out.push(`the ${end} is ${w.step.states[end]}, not ${key}, in ${w.caseId} on ${w.profile}`)
  }
  const first = witnesses(row, ctx.source, ctx.proof).found[0]?.step
  const rel = first && endOf(first, side) === first.actor ? 'self' : 'peer'
  for (const d of wrongOptions(q)) {
    const where = stateDefensible(d as (typeof TCP_STATES)[number], row, rel, ctx.proof)
    if (where) out.push(`distractor ${d} is defensible: ${row.call}() gives the same in ${where}`)
  }
  const named = TCP_STATES.filter((s) =>
    new RegExp(`\\b${s}\\b`).test(`${q.prompt.en} ${q.prompt.zh}`),
  )
  if (named.length > 0) out.push(`the prompt names TCP states (${named.join(', ')})`)
  return out
}

function checkOrder(q: QuizQuestion, row: SummaryRow, ctx: CheckContext): string[] {
  const out: string[] = []
  const wire = row.wire ?? []
  const want = wire.map((s, i) => `${i + 1}:${s.dir}:${s.what}`)
  if (q.answer.join(' ') !== want.join(' ')) out.push('the key is not the row order')
  for (const w of witnesses(row, ctx.source, ctx.proof).found)
    if (!wireShown(wire, w.facts)) out.push(`${w.caseId} on ${w.profile} does not show that order`)
  const named = segmentsNamed(`${q.prompt.en} ${q.prompt.zh}`)
  if (named.length > 1) out.push(`the prompt names ${named.join(', ')}: part of the order`)
  return out
}

function checkErrno(q: QuizQuestion): string[] {
  const [, system, name] = q.id.split(':') as [string, ErrnoSystem, string]
  const entry = isErrnoName(name) ? errnoOn(system, name) : null
  if (!entry) return [`${name} has no entry on ${system}`]
  const out: string[] = []
  if (q.type === 'errno-number') {
    if (q.answer[0] !== String(entry.number)) out.push(`the key is not ${entry.number}`)
    for (const d of wrongOptions(q))
      if (d === String(entry.number)) out.push(`distractor ${d} is right`)
    out.push(
      ...giveaways(q.prompt, [String(entry.number)]).map((w) => `the prompt gives ${w} away`),
    )
  } else {
    if (q.answer[0] !== entry.name) out.push(`the key is not ${entry.name}`)
    const numberOf = (n: string): number | undefined =>
      ERRNO_NAMES.map((e) => errnoOn(system, e)).find((e) => e?.name === n)?.number
    for (const d of wrongOptions(q))
      if (numberOf(d) === entry.number) out.push(`distractor ${d} is ${entry.number} too`)
    out.push(...giveaways(q.prompt, [entry.name]).map((w) => `the prompt gives ${w} away`))
  }
  return out
}

function checkPredict(q: QuizQuestion, ctx: CheckContext): string[] {
  const run = q.run
  if (!run?.scenarioId) return ['a predict question without a catalog case']
  const out: string[] = []
  for (const profile of PROVED_ON) {
    const step = ctx.proof.runs[run.scenarioId]?.[profile]?.steps.find((s) => s.index === run.step)
    if (!step || step.op !== run.call) {
      out.push(`the ${run.scenarioId} run on ${profile} has no ${run.call}() at step ${run.step}`)
      continue
    }
    if (!q.options.some((o) => o.id === step.cls))
      out.push(`the run's ${step.cls} on ${profile} is not an option`)
    out.push(
      ...giveaways(q.prompt, tells(step.cls)).map(
        (w) => `the prompt (or the case title in it) gives ${step.cls} away ("${w}")`,
      ),
    )
  }
  return out
}

/** Everything wrong with a question (empty: it may be asked). */
export function checkQuestion(q: QuizQuestion, ctx: CheckContext): string[] {
  if (q.type === 'errno-number' || q.type === 'errno-name') return checkErrno(q)
  if (q.type === 'predict-run') return checkPredict(q, ctx)
  if (q.type === 'custom') return []
  const row = rowOf(q, ctx)
  if (!row) return [`no summary row ${q.rowId ?? '(none)'}`]
  const proved = rowProblems(row, ctx.source, ctx.proof)
  const own =
    q.type === 'cause-to-result'
      ? checkCauseToResult(q, row, ctx)
      : q.type === 'result-to-cause'
        ? checkResultToCause(q, row, ctx)
        : q.type === 'state'
          ? checkState(q, row, ctx)
          : checkOrder(q, row, ctx)
  return [...proved, ...own]
}

/** The table rows a question draws on: one quiz asks about each at most once. */
export function rowsOf(q: QuizQuestion): string[] {
  if (q.type === 'errno-number' || q.type === 'errno-name') {
    const [, system, name] = q.id.split(':')
    return [`errno:${system}:${name}`]
  }
  if (q.type === 'predict-run')
    return [...(q.claimRows ?? []), `case:${q.run?.scenarioId}:${q.run?.call}`]
  return q.rowId ? [q.rowId] : [q.id]
}
