/**
 * Question generators: each turns the summary tables, the errno tables of the systems and the
 * catalog into questions. Nothing here lists questions by hand: a new table row, errno or case
 * yields new questions, and every answer is read from the same data the question is built on.
 */
import { ARTICLE_SECTIONS, articleSection } from '../article'
import { CATALOG } from '../catalog/index'
import { ERRNO_MEANING, ERRNO_SYSTEMS, errnoOn, type ErrnoName, type ErrnoSystem } from '../errno'
import type { LabScriptInput, Localized } from '../lab-script'
import { TCP_STATES, type TcpState } from '../lab-result'
import {
  SUMMARY_ROWS,
  type SummaryCall,
  type SummaryRow,
  type WireSegment,
} from '../summary-tables'
import { sample, shuffled, type Rng } from './prng'
import { classText, rowClass, stepClassOfRow } from './result-text'
import type { QuizOption, QuizQuestion } from './types'

/** What every generator reads: injectable so tests can add a row and see new questions. */
export interface QuizSource {
  rows: readonly SummaryRow[]
  systems: readonly ErrnoSystem[]
  /** Catalog cases by id (only their steps matter here). */
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

/** Distractors per choice question (plus the right answer: four options). */
const DISTRACTORS = 3

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
  return { en: `${section.ref}: ${section.gist.en}`, zh: `${section.ref}：${section.gist.zh}` }
}

function rowExplanation(row: SummaryRow): Localized {
  const result = classText(rowClass(row))
  const meaning = row.errno ? ERRNO_MEANING[row.errno] : undefined
  return {
    en: `${call(row.call)} ${result.en}: ${row.cause.en}${meaning ? ` ${meaning.en}` : ''} (${gist(row).en})`,
    zh: `${call(row.call)}${result.zh}：${row.cause.zh}${meaning ? meaning.zh : ''}（${gist(row).zh}）`,
  }
}

function choice(
  rng: Rng,
  right: QuizOption,
  wrong: QuizOption[],
): { options: QuizOption[]; answer: string[] } {
  const seen = new Set([right.id])
  const distinct = wrong.filter((o) => !seen.has(o.id) && (seen.add(o.id), true))
  // Shuffled with the rest: the right answer must not always sit in the same place.
  return {
    options: shuffled(rng, [right, ...sample(rng, distinct, DISTRACTORS)]),
    answer: [right.id],
  }
}

/** Cause to result: "the peer sent FIN; what does recv() return?" */
export function causeToResult(source: QuizSource, rng: Rng): QuizQuestion[] {
  return source.rows.map((row) => {
    const id = rowClass(row)
    const others = source.rows
      .filter((r) => r.call === row.call && rowClass(r) !== id)
      .map((r) => ({ id: rowClass(r), text: classText(rowClass(r)) }))
    return {
      id: `cause-to-result:${row.id}`,
      type: 'cause-to-result',
      topic: row.topic,
      prompt: {
        en: `${row.cause.en} What does ${call(row.call)} return (Linux, as the article reports)?`,
        zh: `${row.cause.zh}此时 ${call(row.call)} 返回什么（Linux，按文章的说法）？`,
      },
      kind: 'choice',
      ...choice(rng, { id, text: classText(id) }, others),
      explanation: rowExplanation(row),
      caseId: row.cases[0],
      section: row.section,
      rowId: row.id,
    }
  })
}

/** Result to cause: "connect() returned -1 ECONNREFUSED; why?" Distractors return otherwise. */
export function resultToCause(source: QuizSource, rng: Rng): QuizQuestion[] {
  return source.rows.flatMap((row): QuizQuestion[] => {
    const others = source.rows
      .filter((r) => r.call === row.call && rowClass(r) !== rowClass(row))
      .map((r) => ({ id: r.id, text: r.cause }))
    if (others.length === 0) return []
    const result = classText(rowClass(row))
    return [
      {
        id: `result-to-cause:${row.id}`,
        type: 'result-to-cause',
        topic: row.topic,
        prompt: {
          en: `${call(row.call)} ${result.en}. Which cause fits?`,
          zh: `${call(row.call)}${result.zh}。哪个原因相符？`,
        },
        kind: 'choice',
        ...choice(rng, { id: row.id, text: row.cause }, others),
        explanation: rowExplanation(row),
        caseId: row.cases[0],
        section: row.section,
        rowId: row.id,
      },
    ]
  })
}

function tableErrnos(source: QuizSource): ErrnoName[] {
  return [...new Set(source.rows.flatMap((r) => (r.errno ? [r.errno] : [])))]
}

/** errno name to number on each system, and number to name back. */
export function errnoQuestions(source: QuizSource, rng: Rng): QuizQuestion[] {
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
      out.push({
        id: `errno-number:${system}:${name}`,
        type: 'errno-number',
        topic: 'errno',
        prompt: {
          en: `On ${sys.en}, which number is ${entry.name}?`,
          zh: `在 ${sys.zh} 上，${entry.name} 的错误码是多少？`,
        },
        kind: 'choice',
        ...choice(rng, num(entry.number), numbers.map(num)),
        explanation,
      })
      const otherNames = names.flatMap((n) => {
        const e = errnoOn(system, n)
        return e && e.number !== entry.number ? [e.name] : []
      })
      const label = (n: string): QuizOption => ({ id: n, text: { en: n, zh: n } })
      if (otherNames.length === 0) continue
      out.push({
        id: `errno-name:${system}:${name}`,
        type: 'errno-name',
        topic: 'errno',
        prompt: {
          en: `On ${sys.en}, a socket call fails with error ${entry.number}. Which error is it?`,
          zh: `在 ${sys.zh} 上，套接字调用失败，错误码为 ${entry.number}。这是哪个错误？`,
        },
        kind: 'choice',
        ...choice(rng, label(entry.name), otherNames.map(label)),
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

/** Which TCP state a side is in when the call returns (the article's states). */
export function stateQuestions(source: QuizSource, rng: Rng): QuizQuestion[] {
  return source.rows.flatMap((row) =>
    (['client', 'server'] as const).flatMap((side): QuizQuestion[] => {
      const state: TcpState | undefined = row.states?.[side]
      if (!state) return []
      const text = (s: TcpState): QuizOption => ({ id: s, text: { en: s, zh: s } })
      const result = classText(rowClass(row))
      return [
        {
          id: `state:${row.id}:${side}`,
          type: 'state',
          topic: row.topic,
          prompt: {
            en: `${row.cause.en} When ${call(row.call)} ${result.en}, which TCP state is the ${SIDE[side].en} in?`,
            zh: `${row.cause.zh}当 ${call(row.call)}${result.zh}时，${SIDE[side].zh}处于哪个 TCP 状态？`,
          },
          kind: 'choice',
          ...choice(rng, text(state), TCP_STATES.filter((s) => s !== state).map(text)),
          explanation: {
            en: `The ${SIDE[side].en} is ${state}. ${rowExplanation(row).en}`,
            zh: `${SIDE[side].zh}处于 ${state}。${rowExplanation(row).zh}`,
          },
          caseId: row.cases[0],
          section: row.section,
          rowId: row.id,
        },
      ]
    }),
  )
}

function segmentText(s: WireSegment): Localized {
  const arrow = s.dir === 'c2s' ? 'client → server' : 'server → client'
  const arrowZh = s.dir === 'c2s' ? '客户端 → 服务端' : '服务端 → 客户端'
  const note = s.note === 'lost' ? ' (lost)' : s.note === 'retransmit' ? ' (retransmitted)' : ''
  const noteZh = s.note === 'lost' ? '（丢失）' : s.note === 'retransmit' ? '（重传）' : ''
  return { en: `${arrow}: ${s.what}${note}`, zh: `${arrowZh}：${s.what}${noteZh}` }
}

/** A shuffle that is never the original order (which would give the answer away). */
function scrambled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = shuffled(rng, items)
  return out.every((item, i) => item === items[i]) ? [...out.slice(1), ...out.slice(0, 1)] : out
}

/** Put the segments of a row's case in the order they cross the wire. */
export function orderQuestions(source: QuizSource, rng: Rng): QuizQuestion[] {
  return source.rows.flatMap((row): QuizQuestion[] => {
    const wire = row.wire ?? []
    const options = wire.map((s, i) => ({
      id: `${i + 1}:${s.dir}:${s.what}`,
      text: segmentText(s),
    }))
    // Only when every item reads differently: identical lines cannot be put in one order.
    const distinct = new Set(options.map((o) => o.text.en)).size === options.length
    if (options.length < 3 || !distinct) return []
    return [
      {
        id: `order:${row.id}`,
        type: 'order',
        topic: row.topic,
        prompt: {
          en: `${row.cause.en} Put these segments in the order they cross the network.`,
          zh: `${row.cause.zh}请把这些报文段按它们在网络上出现的顺序排列。`,
        },
        kind: 'order',
        options: scrambled(rng, options),
        answer: options.map((o) => o.id),
        explanation: {
          en: `${options.map((o) => o.text.en).join(', then ')}. ${gist(row).en}`,
          zh: `${options.map((o) => o.text.zh).join('，然后 ')}。${gist(row).zh}`,
        },
        caseId: row.cases[0],
        section: row.section,
        rowId: row.id,
      },
    ]
  })
}

/** The step of a script whose result a predict question asks about: the last call of that kind. */
export function predictedStep(script: LabScriptInput, c: SummaryCall): number | undefined {
  const indexes = script.steps.flatMap((s, i) => (s.op === c ? [i] : []))
  const byClient = indexes.filter((i) => script.steps[i]?.actor === 'client')
  return (byClient.length > 0 ? byClient : indexes).at(-1)
}

/** The options of a predict question about one call: every result that call's table lists. */
export function predictOptions(rows: readonly SummaryRow[], c: SummaryCall): QuizOption[] {
  const ids = [...new Set(rows.filter((r) => r.call === c).map((r) => stepClassOfRow(r)))]
  return ids.map((id) => ({ id, text: classText(id) }))
}

/**
 * Predict then run: for every (case, call) the tables name and the catalog has, predict what
 * that call returns, then run the case; the run decides, the table's claim is shown beside it.
 */
export function predictQuestions(source: QuizSource, rng: Rng): QuizQuestion[] {
  const seen = new Set<string>()
  const out: QuizQuestion[] = []
  for (const row of source.rows) {
    for (const caseId of row.cases) {
      const key = `${caseId}:${row.call}`
      const script = source.cases.get(caseId)
      if (seen.has(key) || !script) continue
      const step = predictedStep(script, row.call)
      if (step === undefined) continue
      seen.add(key)
      const claimRows = source.rows.filter((r) => r.call === row.call && r.cases.includes(caseId))
      const claim = [...new Set(claimRows.map((r) => stepClassOfRow(r)))]
      const title = script.title ?? { en: caseId, zh: caseId }
      out.push({
        id: `predict-run:${caseId}:${row.call}`,
        type: 'predict-run',
        topic: row.topic,
        prompt: {
          en: `Case "${title.en}": predict what ${call(row.call)} (step ${step}) returns, then run it.`,
          zh: `案例“${title.zh}”：先预测 ${call(row.call)}（第 ${step} 步）的返回值，再运行它。`,
        },
        kind: 'choice',
        options: sample(rng, predictOptions(source.rows, row.call), Number.MAX_SAFE_INTEGER),
        answer: [],
        claim,
        // The claim itself travels in `claim` (the UI and the CLI show it beside the run); the
        // explanation says why, row by row, with any condition under which a row holds.
        explanation: {
          en: claimRows
            .map(
              (r) =>
                `${call(r.call)} ${classText(rowClass(r)).en}: ${r.cause.en}${r.condition ? ` (${r.condition.en})` : ''}`,
            )
            .join(' '),
          zh: claimRows
            .map(
              (r) =>
                `${call(r.call)}${classText(rowClass(r)).zh}：${r.cause.zh}${r.condition ? `（${r.condition.zh}）` : ''}`,
            )
            .join(''),
        },
        caseId,
        section: row.section,
        rowId: row.id,
        run: { scenarioId: caseId, step, call: row.call },
      })
    }
  }
  return out
}

/** Every generator, in a fixed order, under a fixed label (its seed derives from the label). */
export const GENERATORS = {
  'cause-to-result': causeToResult,
  'result-to-cause': resultToCause,
  errno: errnoQuestions,
  state: stateQuestions,
  order: orderQuestions,
  'predict-run': predictQuestions,
} as const satisfies Record<string, (source: QuizSource, rng: Rng) => QuizQuestion[]>

/** Section keys the generators may cite (for tests). */
export const SECTION_KEYS = Object.keys(ARTICLE_SECTIONS)
