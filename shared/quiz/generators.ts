/**
 * Question generators: each turns the summary tables, the errno tables of the systems and the
 * catalog into questions. Nothing here lists questions by hand: a new table row, errno or case
 * yields new questions, and every answer is read from the same data the question is built on.
 *
 * A question about a row's result needs the simulator's runs of the row's cases (`QuizProof`,
 * computed in main/ and passed in): its key must be what those runs return, and its
 * distractors are chosen among what they do not (shared/quiz/proof.ts). Without a proof only
 * the errno questions, which need no run, are made.
 */
import { articleSection } from '../article'
import { CATALOG } from '../catalog/index'
import { ERRNO_MEANING, ERRNO_SYSTEMS, errnoOn, type ErrnoName, type ErrnoSystem } from '../errno'
import type { LabScriptInput, Localized } from '../lab-script'
import type { TcpState } from '../lab-result'
import {
  OTHER_RESULTS,
  SUMMARY_ROWS,
  type SummaryCall,
  type SummaryRow,
  type WireSegment,
} from '../summary-tables'
import { checkQuestion, giveaways, segmentsNamed, tells, type CheckContext } from './check'
import { sample, shuffled, type Rng } from './prng'
import {
  endOf,
  partsOf,
  predictedStep,
  PROVED_ON,
  rowProblems,
  rowStep,
  stateDefensible,
  statesBefore,
  wireShown,
  witnesses,
  type QuizProof,
} from './proof'
import { classSentence, classText, rowClass, stepClassOfRow, zhSpaced } from './result-text'
import type { QuizOption, QuizQuestion } from './types'

export { predictedStep } from './proof'

/** What every generator reads: injectable so tests can add a row and see new questions. */
export interface QuizSource {
  rows: readonly SummaryRow[]
  systems: readonly ErrnoSystem[]
  /** Catalog cases by id (their steps and titles). */
  cases: ReadonlyMap<string, LabScriptInput>
}

/** The app's real data. */
export function defaultSource(): QuizSource {
  return {
    rows: SUMMARY_ROWS,
    systems: ERRNO_SYSTEMS,
    cases: new Map(CATALOG.map((c) => [c.script.id, c.script])),
  }
}

/** What a generator reads: the data, and the runs that prove questions (absent: none). */
export interface GenContext {
  source: QuizSource
  proof?: QuizProof
}

/** Distractors per choice question (plus the right answer: four options), at least two. */
const DISTRACTORS = 3
const MIN_DISTRACTORS = 2

const SYSTEM_NAME: Record<ErrnoSystem, Localized> = {
  linux: { en: 'Linux', zh: 'Linux' },
  macos: { en: 'macOS', zh: 'macOS' },
  windows: { en: 'Windows', zh: 'Windows' },
}

function call(c: SummaryCall): string {
  return `${c}()`
}

function gist(row: SummaryRow): Localized {
  const section = articleSection(row.section)
  // The zh gist is the article's own sentence: quoted, and left as written.
  return { en: `${section.ref}: ${section.gist.en}`, zh: `${section.ref}：“${section.gist.zh}”` }
}

/** The row's cause, with its condition when it has one. */
function situation(row: SummaryRow): Localized {
  return row.condition
    ? { en: `${row.cause.en} ${row.condition.en}`, zh: `${row.cause.zh}${row.condition.zh}` }
    : row.cause
}

function rowExplanation(row: SummaryRow): Localized {
  const result = classSentence(row.call, rowClass(row))
  const meaning = row.errno ? ERRNO_MEANING[row.errno] : undefined
  return {
    en: `On Linux, ${result.en}. ${row.cause.en}${meaning ? ` ${meaning.en}` : ''} (${gist(row).en})`,
    zh: `${zhSpaced(`在 Linux 上，${result.zh}。${row.cause.zh}${meaning ? meaning.zh : ''}`)}（${gist(row).zh}）`,
  }
}

function choice(
  rng: Rng,
  right: QuizOption,
  wrong: QuizOption[],
): { options: QuizOption[]; answer: string[] } | null {
  const seen = new Set([right.id])
  const distinct = wrong.filter((o) => !seen.has(o.id) && (seen.add(o.id), true))
  if (distinct.length < MIN_DISTRACTORS) return null
  // Shuffled with the rest: the right answer must not always sit in the same place.
  return {
    options: shuffled(rng, [right, ...sample(rng, distinct, DISTRACTORS)]),
    answer: [right.id],
  }
}

/** Keeps a question only when the check finds nothing wrong with it. */
function asked(q: QuizQuestion, ctx: CheckContext): QuizQuestion[] {
  return checkQuestion(q, ctx).length === 0 ? [q] : []
}

/** The rows a proof bears out, with the context the checks need. */
function proved(ctx: GenContext): { rows: SummaryRow[]; check: CheckContext } | null {
  if (!ctx.proof) return null
  const check = { source: ctx.source, proof: ctx.proof }
  return {
    rows: ctx.source.rows.filter((r) => rowProblems(r, ctx.source, ctx.proof!).length === 0),
    check,
  }
}

/** Cause to result: "the peer sent FIN; what does recv() return on Linux?" */
export function causeToResult(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const p = proved(ctx)
  if (!p) return []
  return p.rows.flatMap((row): QuizQuestion[] => {
    const id = rowClass(row)
    const shown = new Set(witnesses(row, ctx.source, p.check.proof).found.map((w) => w.observed))
    const others = [
      ...ctx.source.rows.filter((r) => r.call === row.call).map(rowClass),
      ...(OTHER_RESULTS[row.call] ?? []),
    ]
      .filter((c) => c !== id && !shown.has(c) && !partsOf(id).includes(c))
      .map((c) => ({ id: c, text: classText(c) }))
    const options = choice(rng, { id, text: classText(id) }, others)
    if (!options) return []
    const s = situation(row)
    return asked(
      {
        id: `cause-to-result:${row.id}`,
        type: 'cause-to-result',
        topic: row.topic,
        prompt: {
          en: `${s.en} What does ${call(row.call)} return on Linux?`,
          zh: zhSpaced(`${s.zh}在 Linux 上，此时${call(row.call)}返回什么？`),
        },
        kind: 'choice',
        ...options,
        explanation: rowExplanation(row),
        caseId: row.cases[0],
        section: row.section,
        rowId: row.id,
        profiles: [...PROVED_ON],
      },
      p.check,
    )
  })
}

/** Result to cause: "connect() returns -1 ECONNREFUSED on Linux; why?" */
export function resultToCause(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const p = proved(ctx)
  if (!p) return []
  return p.rows.flatMap((row): QuizQuestion[] => {
    const key = rowClass(row)
    const others = p.rows
      .filter((r) => r.call === row.call)
      .filter((r) => {
        const theirs = rowClass(r)
        return theirs !== key && !partsOf(theirs).includes(key) && !partsOf(key).includes(theirs)
      })
      .map((r) => ({ id: r.id, text: r.cause }))
    const options = choice(rng, { id: row.id, text: row.cause }, others)
    if (!options) return []
    const result = classSentence(row.call, key)
    return asked(
      {
        id: `result-to-cause:${row.id}`,
        type: 'result-to-cause',
        topic: row.topic,
        prompt: {
          en: `On Linux, ${result.en}. Which cause fits?`,
          zh: zhSpaced(`在 Linux 上，${result.zh}。哪个原因相符？`),
        },
        kind: 'choice',
        ...options,
        explanation: rowExplanation(row),
        caseId: row.cases[0],
        section: row.section,
        rowId: row.id,
        profiles: [...PROVED_ON],
      },
      p.check,
    )
  })
}

function tableErrnos(source: QuizSource): ErrnoName[] {
  return [...new Set(source.rows.flatMap((r) => (r.errno ? [r.errno] : [])))]
}

/** errno name to number on each system, and number to name back (no run needed). */
export function errnoQuestions(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const { source } = ctx
  const names = tableErrnos(source)
  const out: QuizQuestion[] = []
  for (const name of names) {
    for (const system of source.systems) {
      const entry = errnoOn(system, name)
      if (!entry) continue
      const sys = SYSTEM_NAME[system]
      const explanation: Localized = {
        en: `On ${sys.en}, ${name} is ${entry.name} = ${entry.number} ("${entry.message}"). ${ERRNO_MEANING[name].en}`,
        zh: `在 ${sys.zh} 上，${name} 即 ${entry.name} = ${entry.number}（“${entry.message}”）。${ERRNO_MEANING[name].zh}`,
      }
      // Good distractors: the same error on the other systems, then other errors on this one.
      const numbers = [
        ...source.systems.flatMap((s) => {
          const e = errnoOn(s, name)
          return e ? [e.number] : []
        }),
        ...names.flatMap((n) => {
          const e = errnoOn(system, n)
          return e ? [e.number] : []
        }),
      ].filter((n) => n !== entry.number)
      const num = (n: number): QuizOption => ({
        id: String(n),
        text: { en: String(n), zh: String(n) },
      })
      const byNumber = choice(rng, num(entry.number), numbers.map(num))
      if (byNumber)
        out.push({
          id: `errno-number:${system}:${name}`,
          type: 'errno-number',
          topic: 'errno',
          prompt: {
            en: `On ${sys.en}, which number is ${entry.name}?`,
            zh: `在 ${sys.zh} 上，${entry.name} 的错误码是多少？`,
          },
          kind: 'choice',
          ...byNumber,
          explanation,
        })
      const otherNames = names.flatMap((n) => {
        const e = errnoOn(system, n)
        return e && e.number !== entry.number ? [e.name] : []
      })
      const label = (n: string): QuizOption => ({ id: n, text: { en: n, zh: n } })
      const byName = choice(rng, label(entry.name), otherNames.map(label))
      if (byName)
        out.push({
          id: `errno-name:${system}:${name}`,
          type: 'errno-name',
          topic: 'errno',
          prompt: {
            en: `On ${sys.en}, a socket call fails with error ${entry.number}. Which error is it?`,
            zh: `在 ${sys.zh} 上，套接字调用失败，错误码为 ${entry.number}。这是哪个错误？`,
          },
          kind: 'choice',
          ...byName,
          explanation,
        })
    }
  }
  return out
}

const SIDE: Record<'client' | 'server', Localized> = {
  client: { en: 'client', zh: '客户端' },
  server: { en: 'server', zh: '服务端' },
}

/**
 * Which TCP state a side is in when the call returns. The key is the state the row's runs
 * show; the distractors are states that side had been in before, in those runs (provably not
 * its state any more), minus any state in which some run of the catalog gives the same result
 * (that one would be defensible).
 */
export function stateQuestions(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const p = proved(ctx)
  if (!p) return []
  const proof = p.check.proof
  return p.rows.flatMap((row) =>
    (['client', 'server'] as const).flatMap((side): QuizQuestion[] => {
      const state: TcpState | undefined = row.states?.[side]
      if (!state) return []
      const found = witnesses(row, ctx.source, proof).found
      if (found.some((w) => w.step.states[endOf(w.step, side)] !== state)) return []
      const first = found[0]?.step
      const rel = first && endOf(first, side) === first.actor ? 'self' : 'peer'
      const pool = [
        ...new Set(found.flatMap((w) => statesBefore(w.facts, endOf(w.step, side), w.step))),
      ].filter((s) => s !== state && stateDefensible(s, row, rel, proof) === null)
      const text = (s: TcpState): QuizOption => ({ id: s, text: { en: s, zh: s } })
      const options = choice(rng, text(state), pool.map(text))
      if (!options) return []
      const s = situation(row)
      const result = classSentence(row.call, rowClass(row))
      return asked(
        {
          id: `state:${row.id}:${side}`,
          type: 'state',
          topic: row.topic,
          prompt: {
            en: `${s.en} On Linux, when ${result.en}, which TCP state is the ${SIDE[side].en} in?`,
            zh: zhSpaced(
              `${s.zh}在 Linux 上，当${result.zh}时，${SIDE[side].zh}处于哪个 TCP 状态？`,
            ),
          },
          kind: 'choice',
          ...options,
          explanation: {
            en: `The ${SIDE[side].en} is in ${state}. ${rowExplanation(row).en}`,
            zh: `${zhSpaced(`${SIDE[side].zh}处于${state}。`)}${rowExplanation(row).zh}`,
          },
          caseId: row.cases[0],
          section: row.section,
          rowId: row.id,
          profiles: [...PROVED_ON],
        },
        p.check,
      )
    }),
  )
}

function segmentText(s: WireSegment): Localized {
  const arrow = s.dir === 'c2s' ? 'client → server' : 'server → client'
  const arrowZh = s.dir === 'c2s' ? '客户端 → 服务端' : '服务端 → 客户端'
  const note = s.note === 'lost' ? ' (lost)' : s.note === 'retransmit' ? ' (retransmitted)' : ''
  const noteZh = s.note === 'lost' ? '（丢失）' : s.note === 'retransmit' ? '（重传）' : ''
  const what = s.what === 'data' ? { en: 'data', zh: '数据' } : { en: s.what, zh: s.what }
  return { en: `${arrow}: ${what.en}${note}`, zh: `${arrowZh}：${what.zh}${noteZh}` }
}

/** A shuffle that is never the original order (which would give the answer away). */
function scrambled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = shuffled(rng, items)
  return out.every((item, i) => item === items[i]) ? [...out.slice(1), ...out.slice(0, 1)] : out
}

/** Put the segments of a row's case in the order the simulator's runs put them on the wire. */
export function orderQuestions(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const p = proved(ctx)
  if (!p) return []
  return p.rows.flatMap((row): QuizQuestion[] => {
    const wire = row.wire ?? []
    const options = wire.map((s, i) => ({
      id: `${i + 1}:${s.dir}:${s.what}`,
      text: segmentText(s),
    }))
    // Only when every item reads differently: identical lines cannot be put in one order.
    const distinct = new Set(options.map((o) => o.text.en)).size === options.length
    if (options.length < 3 || !distinct) return []
    const found = witnesses(row, ctx.source, p.check.proof).found
    if (found.some((w) => !wireShown(wire, w.facts))) return []
    if (segmentsNamed(`${row.cause.en} ${row.cause.zh}`).length > 1) return []
    return asked(
      {
        id: `order:${row.id}`,
        type: 'order',
        topic: row.topic,
        prompt: {
          en: `${row.cause.en} Put these segments in the order they cross the network.`,
          zh: zhSpaced(`${row.cause.zh}请把这些报文段按它们在网络上出现的顺序排列。`),
        },
        kind: 'order',
        options: scrambled(rng, options),
        answer: options.map((o) => o.id),
        explanation: {
          en: `${options.map((o) => o.text.en).join(', then ')}. ${gist(row).en}`,
          zh: `${options.map((o) => o.text.zh).join('，然后')}。${gist(row).zh}`,
        },
        caseId: row.cases[0],
        section: row.section,
        rowId: row.id,
        profiles: [...PROVED_ON],
      },
      p.check,
    )
  })
}

/** The options of a predict question about one call: every result that call's table lists. */
export function predictOptions(rows: readonly SummaryRow[], c: SummaryCall): QuizOption[] {
  const ids = [...new Set(rows.filter((r) => r.call === c).map((r) => stepClassOfRow(r)))]
  return ids.map((id) => ({ id, text: classText(id) }))
}

/**
 * How a predict question names its case: the case's title, or the part before its colon when
 * the rest gives the run's result away ("…: connect() succeeded anyway"), else the article
 * section's heading, else the id.
 */
function caseName(caseId: string, script: LabScriptInput, outcomes: readonly string[]): Localized {
  const words = outcomes.flatMap(tells)
  const title = script.title
  const head = (t: string): string => t.split(/[:：]/)[0]!.trim()
  const section =
    script.section && script.section !== 'added' ? articleSection(script.section) : null
  const names = [title, title && { en: head(title.en), zh: head(title.zh) }, section?.heading]
  for (const name of names) if (name && giveaways(name, words).length === 0) return name
  return { en: caseId, zh: caseId }
}

/**
 * Predict then run: for every (case, call, step) the tables name and the catalog has, predict
 * what that call returns, then run it; the run decides, the table's claim is shown beside it.
 */
export function predictQuestions(ctx: GenContext, rng: Rng): QuizQuestion[] {
  const { source, proof } = ctx
  if (!proof) return []
  const check = { source, proof }
  const groups = new Map<
    string,
    { caseId: string; c: SummaryCall; step: number; rows: SummaryRow[] }
  >()
  for (const row of source.rows)
    for (const caseId of row.cases) {
      const script = source.cases.get(caseId)
      const step = script && rowStep(row, caseId, script)
      if (!script || step === undefined) continue
      const last = predictedStep(script, row.call) === step
      const key = `${caseId}:${row.call}${last ? '' : `:${step}`}`
      const g = groups.get(key) ?? { caseId, c: row.call, step, rows: [] }
      g.rows.push(row)
      groups.set(key, g)
    }
  return [...groups.entries()].flatMap(([key, g]): QuizQuestion[] => {
    const script = source.cases.get(g.caseId)!
    const claim = [...new Set(g.rows.map((r) => stepClassOfRow(r)))]
    const outcomes = PROVED_ON.flatMap((profile) => {
      const s = proof.runs[g.caseId]?.[profile]?.steps.find((x) => x.index === g.step)
      return s ? [s.cls] : []
    })
    const title = caseName(g.caseId, script, outcomes)
    const side = script.steps[g.step]?.actor === 'server' ? 'server' : 'client'
    const row = g.rows[0]!
    return asked(
      {
        id: `predict-run:${key}`,
        type: 'predict-run',
        topic: row.topic,
        prompt: {
          en: `Case "${title.en}": predict what the ${SIDE[side].en}'s ${call(g.c)} (step ${g.step}) returns on Linux, then run it.`,
          zh: `案例“${title.zh}”：先预测在 Linux 上${SIDE[side].zh}的 ${call(g.c)}（第 ${g.step} 步）的返回值，再运行它。`,
        },
        kind: 'choice',
        options: sample(rng, predictOptions(source.rows, g.c), Number.MAX_SAFE_INTEGER),
        answer: [],
        claim,
        claimRows: g.rows.map((r) => r.id),
        // The claim itself travels in `claim` (the UI and the CLI show it beside the run); the
        // explanation says why, row by row, with any condition under which a row holds.
        explanation: {
          en: g.rows
            .map(
              (r) =>
                `The table says ${classSentence(r.call, rowClass(r)).en}. ${r.cause.en}${r.condition ? ` ${r.condition.en}` : ''}`,
            )
            .join(' '),
          zh: g.rows
            .map((r) =>
              zhSpaced(
                `表中写的是${classSentence(r.call, rowClass(r)).zh}。${r.cause.zh}${r.condition ? r.condition.zh : ''}`,
              ),
            )
            .join(''),
        },
        caseId: g.caseId,
        section: row.section,
        rowId: row.id,
        profiles: [...PROVED_ON],
        run: { scenarioId: g.caseId, step: g.step, call: g.c },
      },
      check,
    )
  })
}

/** Every generator, in a fixed order, under a fixed label (its seed derives from the label). */
export const GENERATORS = {
  'cause-to-result': causeToResult,
  'result-to-cause': resultToCause,
  errno: errnoQuestions,
  state: stateQuestions,
  order: orderQuestions,
  'predict-run': predictQuestions,
} as const satisfies Record<string, (ctx: GenContext, rng: Rng) => QuizQuestion[]>
