/**
 * Grading a student's program by a program lab (shared/program-lab.ts, docs/program-labs.md):
 * the program is run as the lab's role under every case on the kernel lab
 * (main/kernel/program), each run is graded by the case's expectations, and the whole is a
 * report document (`programLabResult: 1`, shared/program-report.ts) the CLI writes to a file
 * and the Classroom's gradebook imports.
 */
import type { HostInfo } from '../../shared/lab-result'
import { gradeCase, type ProgramLab, type ResolvedCase } from '../../shared/program-lab'
import type { CaseGrade, GradeReport } from '../../shared/program-report'
import type { Backend } from '../backend/backend'
import { createProgramBackend, PROGRAM_START_MS, type ProgramSpec } from '../kernel/program/index'
import { runScript } from './session'
import { APP_VERSION } from './version'

export type { CaseGrade, GradeReport } from '../../shared/program-report'

/** What {@link gradeProgram} needs besides the lab and the command. */
export interface GradeOptions {
  signal?: AbortSignal
  cwd?: string
  /** Each case's grade, as it is known. */
  onCase?(grade: CaseGrade, index: number): void
  /** The backend for a program (tests inject one). */
  backend?(spec: ProgramSpec): Backend
  /** Whose program it is, written into the report (`--student`, `--class`, a folder's name). */
  student?: string
  classCode?: string
}

/** The answer: a report, or why no case could run on this host at all. */
export type GradeAnswer = { ok: true; report: GradeReport } | { ok: false; unsupported: string }

/** Runs and grades `command` under every case of the lab, one after another. */
export async function gradeProgram(
  lab: ProgramLab,
  cases: ResolvedCase[],
  command: string[],
  options: GradeOptions = {},
): Promise<GradeAnswer> {
  const make = options.backend ?? createProgramBackend
  const grades: CaseGrade[] = []
  let host: HostInfo | undefined
  for (const [i, c] of cases.entries()) {
    if (options.signal?.aborted) break
    const backend = make({
      role: lab.role,
      command,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      // The program is ended at its own limit; the run's is a safety net past it and the
      // script's, with room for the program's start-up.
      timeLimitMs: c.timeLimitMs,
      limitMs: Math.max(c.script.limitMs, c.timeLimitMs) + PROGRAM_START_MS,
    })
    const run = await runScript(c.script, backend, options.signal ? { signal: options.signal } : {})
    let grade: CaseGrade
    if (!run.ok) {
      if (run.error.code === 'unsupported' && i === 0)
        return { ok: false, unsupported: run.error.message }
      grade = { case: c.name, passed: false, checks: [], error: run.error.message }
    } else {
      host ??= run.value.host
      const checks = gradeCase(c, run.value)
      const p = run.value.program
      grade = { case: c.name, passed: checks.every((v) => v.passed), checks }
      if (p) {
        const { command: _c, role: _r, ...rest } = p
        grade.program = rest
      }
    }
    grades.push(grade)
    options.onCase?.(grade, i)
  }
  const passedCases = grades.filter((g) => g.passed).length
  const report: GradeReport = {
    programLabResult: 1,
    ...(options.student ? { student: options.student } : {}),
    ...(options.classCode ? { classCode: options.classCode } : {}),
    lab: lab.id,
    title: lab.title,
    role: lab.role,
    command,
    gradedAt: new Date().toISOString(),
    appVersion: APP_VERSION,
    passed: grades.length === cases.length && passedCases === cases.length,
    score: { passed: passedCases, total: cases.length },
    cases: grades,
  }
  if (host) report.host = { ...host }
  return { ok: true, report }
}
