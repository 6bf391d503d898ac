/**
 * The grade report of a program lab (docs/program-labs.md, "The report file"): what
 * `socklab grade` writes and the Classroom's gradebook imports beside quiz result files. A
 * versioned JSON document (`programLabResult: 1`) with whose program it was (`student`,
 * `classCode`), the lab, the command, when, the app's version, the verdict and reasons of
 * every check of every case, and each case's run (exit, output, socket calls).
 *
 * The schema is the reader's: a file is refused unless every field is what the app writes,
 * and unless its verdicts add up (a case passes when all its checks do, the score counts the
 * cases that passed). The checks themselves cannot be graded again here, since the lab's
 * expectations are not in the file: see docs/decisions/012-program-labs-in-the-classroom.md.
 */
import { z } from 'zod'
import { localizedSchema } from './lab-script'
import { CHECK_KINDS } from './program-lab'
import { PROGRAM_OPS } from './program-result'
import { formatTextProblem, readJson } from './text-file'

/** The report format's version. */
export const GRADE_REPORT_VERSION = 1

/** When, as the app writes it (`2026-03-01T09:30:00.000Z`; an offset is accepted). */
const isoDate = z.iso.datetime({
  offset: true,
  message: 'is not an ISO 8601 date and time (like 2026-03-01T09:30:00Z)',
})

const endpoint = z.string().regex(/^(client[234]?|server)$/, 'client, client2-4 or server')

/** One socket call of the program (shared/program-result.ts `ProgramCall`). */
const callSchema = z.strictObject({
  actor: endpoint,
  pid: z.number().int(),
  syscall: z.string().max(64),
  op: z.enum(PROGRAM_OPS),
  fd: z.number().int(),
  startMs: z.number(),
  endMs: z.number(),
  outcome: z.enum(['returned', 'blocked']),
  ret: z.number().optional(),
  errno: z.string().max(64).optional(),
  errnoNumber: z.number().int().optional(),
  message: z.string().max(500).optional(),
  signal: z.literal('SIGPIPE').optional(),
  value: z.string().max(500).optional(),
  detail: z.string().max(500).optional(),
})

/** A case's run of the program, without its command and role (the report's). */
const runSchema = z.strictObject({
  exitCode: z.number().int().nullable(),
  exitSignal: z.string().max(32).nullable(),
  killed: z.enum(['limit', 'cancelled']).optional(),
  startMs: z.number(),
  endMs: z.number().nullable(),
  stdout: z.string().max(100_000),
  stderr: z.string().max(100_000),
  stdoutCut: z.boolean(),
  stderrCut: z.boolean(),
  calls: z.array(callSchema).max(10_000),
  callsCut: z.boolean(),
})

/** The verdict on one requirement, with its reason in both languages. */
const verdictSchema = z.strictObject({
  check: z.enum(CHECK_KINDS),
  passed: z.boolean(),
  reason: localizedSchema,
})

/** The grade of one case. */
export const caseGradeSchema = z.strictObject({
  /** The catalog id (or the script's id, or `case N`). */
  case: z.string().min(1).max(200),
  passed: z.boolean(),
  checks: z.array(verdictSchema).max(200),
  /** The program's run (absent when the run itself failed). */
  program: runSchema.optional(),
  /** Why the case could not be run (the lab's or the host's fault), or the program not built. */
  error: z.string().max(4000).optional(),
})
/** One {@link caseGradeSchema}. */
export type CaseGrade = z.output<typeof caseGradeSchema>

/** A whole grade report, version 1. */
export const gradeReportSchema = z.strictObject({
  programLabResult: z.literal(GRADE_REPORT_VERSION),
  /** Whose program it is (`socklab grade --student`, or the submission's folder name). */
  student: z.string().trim().min(1).max(120).optional(),
  /** The class (`--class`, or the code the teacher gave when grading a folder). */
  classCode: z.string().trim().min(1).max(64).optional(),
  lab: z.string().min(1).max(200),
  title: localizedSchema,
  role: z.enum(['client', 'server']),
  /** The command as given, before `{host}` and `{port}` were replaced. */
  command: z.array(z.string().max(4096)).min(1).max(200),
  gradedAt: isoDate,
  /** The version of the app that graded it. */
  appVersion: z.string().min(1).max(64).optional(),
  host: z
    .strictObject({
      platform: z.string().max(64),
      release: z.string().max(200),
      isolation: z.enum(['netns', 'loopback', 'none']),
      lateMs: z.number().optional(),
    })
    .optional(),
  /** True when every check of every case passed. */
  passed: z.boolean(),
  /** Cases passed, of all the lab's cases. */
  score: z.strictObject({ passed: z.number().int().min(0), total: z.number().int().min(0) }),
  cases: z.array(caseGradeSchema).min(1).max(50),
})
/** A validated grade report. */
export type GradeReport = z.output<typeof gradeReportSchema>

/** The answer of {@link parseGradeReport}. */
export type GradeReportRead = { ok: true; report: GradeReport } | { ok: false; message: string }

/** True when the text declares itself a grade report (its first-level key). */
export function isGradeReportText(text: string): boolean {
  return /"programLabResult"\s*:/.test(text.slice(0, 4096))
}

/**
 * Whether a report's verdicts add up: each case passed exactly when it ran and all its checks
 * passed, the score counts those cases, and the report passed when all of them did. Undefined
 * when they do, else the field that does not and why.
 */
export function inconsistency(report: GradeReport): { field: string; why: string } | undefined {
  for (const [i, c] of report.cases.entries()) {
    const earned = c.error === undefined && c.checks.length > 0 && c.checks.every((v) => v.passed)
    if (c.passed !== earned)
      return {
        field: `cases.${i}.passed`,
        why: `case ${c.case} is marked ${c.passed ? 'passed' : 'failed'}, its checks say ${earned ? 'passed' : 'failed'}`,
      }
  }
  const passed = report.cases.filter((c) => c.passed).length
  if (report.score.total !== report.cases.length)
    return {
      field: 'score.total',
      why: `the score counts ${report.score.total} cases, the report has ${report.cases.length}`,
    }
  if (report.score.passed !== passed)
    return {
      field: 'score.passed',
      why: `the score says ${report.score.passed} cases passed, ${passed} did`,
    }
  if (report.passed !== (passed === report.cases.length))
    return {
      field: 'passed',
      why: `it is marked ${report.passed ? 'passed' : 'failed'}, ${passed} of ${report.cases.length} cases passed`,
    }
  return undefined
}

/**
 * Reads a grade report; a problem names the field (or the line, for broken JSON). A report
 * whose verdicts do not add up is refused as edited. Never throws.
 */
export function parseGradeReport(text: string): GradeReportRead {
  try {
    const read = readJson(text)
    if (!read.ok) {
      const p = read.problem
      return {
        ok: false,
        message: p.line === undefined ? p.message : `not JSON: ${formatTextProblem(p)}`,
      }
    }
    const data = read.value
    if (
      data &&
      typeof data === 'object' &&
      'programLabResult' in data &&
      data.programLabResult !== GRADE_REPORT_VERSION
    )
      return {
        ok: false,
        message: `field "programLabResult": report version ${JSON.stringify(data.programLabResult)?.slice(0, 40)} is not supported (${GRADE_REPORT_VERSION} is)`,
      }
    const parsed = gradeReportSchema.safeParse(data)
    if (!parsed.success)
      return {
        ok: false,
        message: parsed.error.issues
          .slice(0, 10)
          .map((i) => {
            const field = i.path.map(String).join('.') || '(file)'
            const message =
              i.code === 'unrecognized_keys'
                ? `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`
                : i.message
            return `field "${field}": ${message}`
          })
          .join('; '),
      }
    const report = parsed.data
    const wrong = inconsistency(report)
    if (wrong)
      return {
        ok: false,
        message: `field "${wrong.field}": ${wrong.why}, so the report was edited; not imported.`,
      }
    return { ok: true, report }
  } catch (error) {
    return {
      ok: false,
      message: `the file could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    }
  }
}

/** How much of a case's run the gradebook keeps: the verdicts whole, the evidence cut. */
export const KEPT = { calls: 200, outputChars: 8000 } as const

/** The marker the gradebook puts where it cut an output stream. */
export const KEPT_MARKER = '\n[socklab: cut for the gradebook]'

function cut(text: string): { text: string; cut: boolean } {
  return text.length <= KEPT.outputChars
    ? { text, cut: false }
    : { text: `${text.slice(0, KEPT.outputChars)}${KEPT_MARKER}`, cut: true }
}

/**
 * A report as the gradebook keeps it: every verdict and reason as written, each case's run cut
 * to its first {@link KEPT} calls and characters of output (a program stuck in a loop of
 * calls would otherwise make every gradebook read megabytes). Still a valid report.
 */
export function keptReport(report: GradeReport): GradeReport {
  return {
    ...report,
    cases: report.cases.map((c) => {
      if (!c.program) return c
      const p = c.program
      const stdout = cut(p.stdout)
      const stderr = cut(p.stderr)
      return {
        ...c,
        program: {
          ...p,
          stdout: stdout.text,
          stderr: stderr.text,
          stdoutCut: p.stdoutCut || stdout.cut,
          stderrCut: p.stderrCut || stderr.cut,
          calls: p.calls.slice(0, KEPT.calls),
          callsCut: p.callsCut || p.calls.length > KEPT.calls,
        },
      }
    }),
  }
}

/** Why a report cannot enter the gradebook as a student's grade, or undefined. */
export function whoseMissing(report: GradeReport): string | undefined {
  if (report.student) return undefined
  return `this report of lab "${report.lab}" does not say whose program it graded (no "student"): grade it with socklab grade --student NAME --class CODE, or grade the folder of submissions in the Classroom`
}
