/**
 * The misconception heatmap of a live class: for every summary-table row the quiz asked about
 * (or every question without a row), which wrong answers the class gave and how many times.
 * A cell is one wrong answer on one row; the row's case, opened in the Lab, shows why the right
 * answer is right (docs/live-class.md). Pure: built again from the answers at every look.
 */
import type { Localized } from '../lab-script'
import { SUMMARY_ROWS, type SummaryRow } from '../summary-tables'
import type { QuizQuestion } from '../quiz/types'
import type { HeatCell, HeatRow } from './status'

/** One graded answer, as the heatmap reads it. */
export interface HeatAnswer {
  questionId: string
  response: readonly string[]
  correct: boolean
}

const ROWS = new Map(SUMMARY_ROWS.map((r) => [r.id, r]))

/** A row's short name: `connect() → -1 ECONNREFUSED`. */
export function rowLabel(row: Pick<SummaryRow, 'call' | 'returns' | 'errno'>): Localized {
  const text = `${row.call}() → ${row.returns}${row.errno ? ` ${row.errno}` : ''}`
  return { en: text, zh: text }
}

function responseText(question: QuizQuestion, response: readonly string[]): Localized {
  const text = (lang: 'en' | 'zh'): string =>
    response.map((id) => question.options.find((o) => o.id === id)?.text[lang] ?? id).join(' → ')
  return { en: text('en'), zh: text('zh') }
}

/** The heatmap of `answers` to `questions`: rows in the quiz's order, hottest cells first. */
export function buildHeatmap(
  questions: readonly QuizQuestion[],
  answers: Iterable<HeatAnswer>,
): HeatRow[] {
  const byId = new Map(questions.map((q) => [q.id, q]))
  const rows = new Map<string, HeatRow & { byResponse: Map<string, HeatCell> }>()
  for (const q of questions) {
    const key = q.rowId ? `row:${q.rowId}` : `question:${q.id}`
    if (rows.has(key)) continue
    const row = q.rowId ? ROWS.get(q.rowId) : undefined
    rows.set(key, {
      key,
      ...(q.rowId ? { rowId: q.rowId } : {}),
      label: row ? rowLabel(row) : q.prompt,
      ...(q.caseId ? { caseId: q.caseId } : {}),
      answered: 0,
      wrong: 0,
      cells: [],
      byResponse: new Map(),
    })
  }
  for (const a of answers) {
    const q = byId.get(a.questionId)
    if (!q) continue
    const row = rows.get(q.rowId ? `row:${q.rowId}` : `question:${q.id}`)!
    row.answered += 1
    if (a.correct) continue
    row.wrong += 1
    const key = a.response.join('\u0000')
    let cell = row.byResponse.get(key)
    if (!cell) {
      cell = {
        response: [...a.response],
        text: responseText(q, a.response),
        count: 0,
        questionIds: [],
      }
      row.byResponse.set(key, cell)
    }
    cell.count += 1
    if (!cell.questionIds.includes(q.id)) cell.questionIds.push(q.id)
  }
  // Rows stay in the quiz's order, so the projector's table does not jump as answers come in.
  return [...rows.values()].map(({ byResponse, ...row }) => ({
    ...row,
    cells: [...byResponse.values()].sort(
      (a, b) => b.count - a.count || a.text.en.localeCompare(b.text.en),
    ),
  }))
}
