/**
 * The teacher's gradebook over many result files: per student, per question (with the most
 * common wrong answers), per topic; beside it the program labs' grades
 * (shared/program-gradebook.ts) and one line per student with both; and its CSV export.
 *
 * CSV is written here (RFC 4180 quoting: fields with a comma, quote or line break are quoted,
 * quotes doubled, CRLF line ends) rather than with a library: the app only writes CSV, never
 * reads it, and the writer is a dozen lines. Cells a spreadsheet would run as a formula are
 * prefixed with an apostrophe (OWASP "CSV injection"), since student names are free text.
 */
import type { Localized } from '../lab-script'
import { buildProgramBook, type ProgramBook, type StoredGrade } from '../program-gradebook'
import type { ResultFile } from './result-file'

/** One student's line. */
export interface GradebookStudent {
  classCode: string
  student: string
  packId: string
  finishedAt: string
  score: number
  total: number
  /** topic -> answered/correct */
  topics: Record<string, { answered: number; correct: number }>
  /** questionId -> right or wrong */
  questions: Record<string, boolean>
}

/** One wrong answer and how many gave it. */
export interface WrongAnswer {
  response: string[]
  text: string
  count: number
}

/** One question's line. */
export interface GradebookQuestion {
  questionId: string
  prompt: Localized
  topic: string
  answered: number
  correct: number
  /** Most common first. */
  wrong: WrongAnswer[]
}

/** The whole gradebook. */
export interface Gradebook {
  students: GradebookStudent[]
  questions: GradebookQuestion[]
  topics: { topic: string; answered: number; correct: number }[]
  /** Files replaced by a later file of the same student, class and pack. */
  replaced: number
  /** The program labs' grades. */
  programs: ProgramBook
  /** One line per student: their quiz scores and program-lab scores side by side. */
  overview: StudentOverview[]
}

/** A student's quiz and program-lab scores side by side. */
export interface StudentOverview {
  classCode: string
  student: string
  quizzes: { packId: string; score: number; total: number }[]
  programs: { lab: string; passed: number; total: number }[]
}

/** Every student of either part, once (names compared without case), with both scores. */
function overviewOf(quiz: readonly GradebookStudent[], programs: ProgramBook): StudentOverview[] {
  const byKey = new Map<string, StudentOverview>()
  const entry = (classCode: string, student: string): StudentOverview => {
    const key = `${classCode}\u0000${student.toLowerCase()}`
    let o = byKey.get(key)
    if (!o) {
      o = { classCode, student, quizzes: [], programs: [] }
      byKey.set(key, o)
    }
    return o
  }
  for (const s of quiz)
    entry(s.classCode, s.student).quizzes.push({ packId: s.packId, score: s.score, total: s.total })
  for (const s of programs.students)
    entry(s.classCode, s.student).programs.push({ lab: s.lab, passed: s.passed, total: s.total })
  return [...byKey.values()].sort(
    (a, b) => a.classCode.localeCompare(b.classCode) || a.student.localeCompare(b.student),
  )
}

/**
 * Builds the gradebook; a student's later file for the same pack replaces an earlier one, and
 * a later report of the same program lab an earlier one.
 */
export function buildGradebook(
  files: readonly ResultFile[],
  grades: readonly StoredGrade[] = [],
): Gradebook {
  const latest = new Map<string, ResultFile>()
  for (const f of files) {
    const key = `${f.classCode}\u0000${f.student.toLowerCase()}\u0000${f.packId}`
    const prev = latest.get(key)
    if (!prev || prev.finishedAt <= f.finishedAt) latest.set(key, f)
  }
  const kept = [...latest.values()]
  const questions = new Map<string, GradebookQuestion & { wrongBy: Map<string, WrongAnswer> }>()
  const topics = new Map<string, { answered: number; correct: number }>()
  const students = kept.map((f): GradebookStudent => {
    const st: GradebookStudent = {
      classCode: f.classCode,
      student: f.student,
      packId: f.packId,
      finishedAt: f.finishedAt,
      score: f.score,
      total: f.total,
      topics: {},
      questions: {},
    }
    for (const a of f.answers) {
      const t = (st.topics[a.topic] ??= { answered: 0, correct: 0 })
      t.answered += 1
      if (a.correct) t.correct += 1
      st.questions[a.questionId] = a.correct
      const all = topics.get(a.topic) ?? { answered: 0, correct: 0 }
      all.answered += 1
      if (a.correct) all.correct += 1
      topics.set(a.topic, all)
      let q = questions.get(a.questionId)
      if (!q) {
        q = {
          questionId: a.questionId,
          prompt: a.prompt,
          topic: a.topic,
          answered: 0,
          correct: 0,
          wrong: [],
          wrongBy: new Map(),
        }
        questions.set(a.questionId, q)
      }
      q.answered += 1
      if (a.correct) q.correct += 1
      else {
        const key = a.response.join('\u0000')
        const w = q.wrongBy.get(key) ?? {
          response: a.response,
          text: a.responseText || '(no answer)',
          count: 0,
        }
        w.count += 1
        q.wrongBy.set(key, w)
      }
    }
    return st
  })
  students.sort(
    (a, b) => a.classCode.localeCompare(b.classCode) || a.student.localeCompare(b.student),
  )
  const programs = buildProgramBook(grades)
  return {
    students,
    questions: [...questions.values()]
      .map(({ wrongBy, ...q }) => ({
        ...q,
        wrong: [...wrongBy.values()].sort(
          (a, b) => b.count - a.count || a.text.localeCompare(b.text),
        ),
      }))
      .sort(
        (a, b) =>
          a.correct / a.answered - b.correct / b.answered ||
          a.questionId.localeCompare(b.questionId),
      ),
    topics: [...topics]
      .map(([topic, c]) => ({ topic, ...c }))
      .sort((a, b) => a.topic.localeCompare(b.topic)),
    replaced: files.length - kept.length,
    programs,
    overview: overviewOf(students, programs),
  }
}

/**
 * One CSV field, quoted when needed and defused when a spreadsheet would run it. Every text
 * field that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets the apostrophe,
 * `-2+3` included: a spreadsheet evaluates `-2+3+cmd|' /C calc'!A0` as a formula. Only a
 * number (a score, a percent) is written as it is, negative or not.
 */
export function csvField(value: string | number): string {
  let s = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Rows to CSV text (CRLF, RFC 4180). */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/**
 * The gradebook as CSV: one row per student and pack, columns per topic and per question.
 * With program-lab grades, one row per student and lab follows (its `pack` cell empty, `lab`
 * filled, `finished` the grading time, `score` the cases passed) and a column per case
 * (`case:<lab>/<case>`, 1 or 0); without them the columns are the quiz's alone.
 */
export function gradebookCsv(book: Gradebook): string {
  const topicIds = book.topics.map((t) => t.topic)
  const questionIds = book.questions.map((q) => q.questionId).sort()
  const labs = book.programs.students
  const caseIds = book.programs.cases.map((c) => [c.lab, c.case] as const)
  const withLabs = labs.length > 0
  const header = [
    'class',
    'student',
    'pack',
    'finished',
    'score',
    'total',
    'percent',
    ...topicIds.map((t) => `topic:${t}`),
    ...questionIds.map((q) => `q:${q}`),
    ...(withLabs ? ['lab', ...caseIds.map(([l, c]) => `case:${l}/${c}`)] : []),
  ]
  const pct = (c: number, n: number): string | number => (n === 0 ? '' : Math.round((100 * c) / n))
  const rows = book.students.map((s) => [
    s.classCode,
    s.student,
    s.packId,
    s.finishedAt,
    s.score,
    s.total,
    pct(s.score, s.total),
    ...topicIds.map((t) => {
      const c = s.topics[t]
      return c ? pct(c.correct, c.answered) : ''
    }),
    ...questionIds.map((q) => (s.questions[q] === undefined ? '' : s.questions[q] ? 1 : 0)),
    ...(withLabs ? ['', ...caseIds.map(() => '')] : []),
  ])
  const labRows = labs.map((s) => [
    s.classCode,
    s.student,
    '',
    s.gradedAt,
    s.passed,
    s.total,
    pct(s.passed, s.total),
    ...topicIds.map(() => ''),
    ...questionIds.map(() => ''),
    s.lab,
    ...caseIds.map(([l, c]) => (l !== s.lab || s.cases[c] === undefined ? '' : s.cases[c] ? 1 : 0)),
  ])
  return toCsv([header, ...rows, ...labRows])
}
