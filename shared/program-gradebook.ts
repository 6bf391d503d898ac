/**
 * The program-lab part of the teacher's gradebook (shared/quiz/gradebook.ts holds the whole):
 * per student their latest grade of each lab (cases passed of all, each case's verdict), and
 * per case of each lab how many passed and the most common reasons of those that did not.
 */
import type { Localized } from './lab-script'
import type { GradeReport } from './program-report'

/** Where a grade came from: graded in this app from a folder, or a report file imported. */
export type GradeOrigin = 'folder' | 'file'

/** A report as the store keeps it. */
export interface StoredGrade {
  report: GradeReport
  origin: GradeOrigin
}

/** One student's latest grade of one lab. */
export interface ProgramStudent {
  /** Empty when the report names no class. */
  classCode: string
  student: string
  lab: string
  title: Localized
  gradedAt: string
  /** Cases passed, of all. */
  passed: number
  total: number
  /** case -> passed */
  cases: Record<string, boolean>
  /** The command that was graded (as given, `{host}` and `{port}` in it). */
  command: string[]
  origin: GradeOrigin
}

/** A reason cases failed for, and how many failed cases gave it. */
export interface FailureReason {
  reason: Localized
  count: number
}

/** One case of one lab over every student. */
export interface ProgramCaseRow {
  lab: string
  case: string
  graded: number
  passed: number
  /** Most common first. */
  failures: FailureReason[]
}

/** The program-lab gradebook. */
export interface ProgramBook {
  students: ProgramStudent[]
  /** Per lab (in id order), its cases in the lab's order. */
  cases: ProgramCaseRow[]
  labs: { lab: string; title: Localized }[]
  /** Reports replaced by a later one of the same student, class and lab. */
  replaced: number
}

/** The key a student's grades of a lab share (names compared without case). */
export function programKey(g: { classCode?: string; student?: string; lab: string }): string {
  return `${g.classCode ?? ''}\u0000${(g.student ?? '').toLowerCase()}\u0000${g.lab}`
}

/**
 * The reasons one failed case gives: its failed checks', or why it could not run (its first
 * line: a compiler's whole complaint is in the student's own row).
 */
function reasonsOf(c: GradeReport['cases'][number]): Localized[] {
  if (c.error !== undefined) {
    const line = c.error.split('\n')[0]!.slice(0, 300)
    return [{ en: line, zh: line }]
  }
  return c.checks.filter((v) => !v.passed).map((v) => v.reason)
}

/** Builds the program-lab gradebook; a student's later report of a lab replaces an earlier one. */
export function buildProgramBook(grades: readonly StoredGrade[]): ProgramBook {
  const latest = new Map<string, StoredGrade>()
  for (const g of grades) {
    if (!g.report.student) continue
    const key = programKey(g.report)
    const prev = latest.get(key)
    if (!prev || prev.report.gradedAt <= g.report.gradedAt) latest.set(key, g)
  }
  const kept = [...latest.values()]
  const rows = new Map<string, ProgramCaseRow & { by: Map<string, FailureReason> }>()
  const labs = new Map<string, Localized>()
  const students = kept.map(({ report: r, origin }): ProgramStudent => {
    labs.set(r.lab, r.title)
    const cases: Record<string, boolean> = {}
    for (const c of r.cases) {
      cases[c.case] = c.passed
      const key = `${r.lab}\u0000${c.case}`
      let row = rows.get(key)
      if (!row) {
        row = { lab: r.lab, case: c.case, graded: 0, passed: 0, failures: [], by: new Map() }
        rows.set(key, row)
      }
      row.graded += 1
      if (c.passed) row.passed += 1
      else
        for (const reason of reasonsOf(c)) {
          const f = row.by.get(reason.en) ?? { reason, count: 0 }
          f.count += 1
          row.by.set(reason.en, f)
        }
    }
    return {
      classCode: r.classCode ?? '',
      student: r.student!,
      lab: r.lab,
      title: r.title,
      gradedAt: r.gradedAt,
      passed: r.score.passed,
      total: r.score.total,
      cases,
      command: r.command,
      origin,
    }
  })
  students.sort(
    (a, b) =>
      a.classCode.localeCompare(b.classCode) ||
      a.student.localeCompare(b.student) ||
      a.lab.localeCompare(b.lab),
  )
  // Cases in each lab's order as its latest report lists them, labs by id.
  const order = new Map<string, number>()
  for (const { report } of kept.sort((a, b) => b.report.gradedAt.localeCompare(a.report.gradedAt)))
    report.cases.forEach((c, i) => {
      const key = `${report.lab}\u0000${c.case}`
      if (!order.has(key)) order.set(key, i)
    })
  return {
    students,
    cases: [...rows.entries()]
      .sort(
        ([ka, a], [kb, b]) =>
          a.lab.localeCompare(b.lab) || (order.get(ka) ?? 0) - (order.get(kb) ?? 0),
      )
      .map(([, { by, ...row }]) => ({
        ...row,
        failures: [...by.values()].sort(
          (a, b) => b.count - a.count || a.reason.en.localeCompare(b.reason.en),
        ),
      })),
    labs: [...labs]
      .map(([lab, title]) => ({ lab, title }))
      .sort((a, b) => a.lab.localeCompare(b.lab)),
    replaced: grades.filter((g) => g.report.student).length - kept.length,
  }
}
