/**
 * Grading a folder of students' submissions by a program lab (docs/program-labs.md, "A folder
 * of submissions"; decision 012): one subfolder per student, named after them, holding
 *
 * 1. a `socklab.json` naming the command (`{ "command": "python3 client.py {host} {port}" }`),
 * 2. or else an executable file called `run` (run as `./run {host} {port}`),
 * 3. or else exactly one program file, run by its extension: `.py` with `python3`, `.mjs` or
 *    `.js` with `node`, `.c` compiled with `cc -O2` into a temporary folder first.
 *
 * Each program runs in its own subfolder, one submission after another and one case after
 * another (each case a kernel-lab run with its own time limit, a build at most
 * {@link BUILD_TIMEOUT_MS}), so the time per student is bounded by the lab and every run has
 * the machine to itself: a program's timing is its own, not its neighbour's load.
 */
import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { access, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, isAbsolute, join } from 'node:path'
import { z } from 'zod'
import type { ProgramLab, ResolvedCase } from '../../shared/program-lab'
import type { GradeReport } from '../../shared/program-report'
import { gradeProgram, type CaseGrade, type GradeOptions } from './program-grade'
import { splitCommand } from './program-run'
import { APP_VERSION } from './version'

/** The file in a submission that names its command. */
export const SUBMISSION_FILE = 'socklab.json'
/** The executable a submission may hold instead. */
export const RUN_FILE = 'run'
/** How long a C submission may take to compile. */
export const BUILD_TIMEOUT_MS = 60_000
/** At most this many submissions in one folder. */
export const MAX_SUBMISSIONS = 500

/** How each kind of single program file is run. */
const BY_EXTENSION: Record<string, (file: string) => string[]> = {
  '.py': (f) => ['python3', f],
  '.mjs': (f) => ['node', f],
  '.js': (f) => ['node', f],
  '.c': (f) => [`./${basename(f, '.c')}`],
}

/** One student's submission, ready to grade. */
export interface Submission {
  /** The subfolder's name. */
  student: string
  /** The subfolder: the program runs there. */
  dir: string
  /** What named the command: `socklab.json`, `run` or the program file. */
  from: string
  /** The command, `{host}` and `{port}` still in it. */
  command: string[]
  /** A C source to compile first (its binary is the command's first word). */
  build?: string
}

/** A submission that cannot be graded, and why. */
export interface Skipped {
  student: string
  message: string
}

/** What a folder holds: the submissions, and the subfolders that are none. */
export type FolderRead =
  { ok: true; submissions: Submission[]; skipped: Skipped[] } | { ok: false; message: string }

const submissionFileSchema = z.strictObject({
  command: z.union([
    z.string().trim().min(1, 'name the program to run').max(2000),
    z.array(z.string().min(1).max(4096)).min(1).max(100),
  ]),
})

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/**
 * Why `folder` cannot be graded (it does not exist, is a file, cannot be read; a path from the
 * page must be absolute), or undefined.
 */
export async function folderProblem(
  folder: string,
  options: { absolute?: boolean } = {},
): Promise<string | undefined> {
  if (options.absolute && !isAbsolute(folder))
    return `Give the folder's full path (like /home/teacher/week5), not "${folder}".`
  try {
    const s = await stat(folder)
    if (!s.isDirectory())
      return `${folder} is a file, not a folder: choose the folder that holds one subfolder per student.`
    await access(folder, constants.R_OK | constants.X_OK)
    return undefined
  } catch (error) {
    const code = errnoOf(error)
    if (code === 'ENOENT') return `There is no folder ${folder}.`
    if (code === 'EACCES') return `${folder} cannot be read (permission denied).`
    if (code === 'ENOTDIR') return `${folder} is not a folder.`
    return `${folder} cannot be read: ${code ?? String(error)}.`
  }
}

/** Finds the command of one student's subfolder, or why there is none. */
async function readSubmission(dir: string, student: string): Promise<Submission | Skipped> {
  const entries = await readdir(dir, { withFileTypes: true })
  const names = new Set(entries.map((e) => e.name))
  if (names.has(SUBMISSION_FILE)) {
    const file = join(student, SUBMISSION_FILE)
    let value: unknown
    try {
      value = JSON.parse(await readFile(join(dir, SUBMISSION_FILE), 'utf8'))
    } catch (error) {
      return {
        student,
        message: `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      }
    }
    const parsed = submissionFileSchema.safeParse(value)
    if (!parsed.success)
      return {
        student,
        message: `${file}: ${parsed.error.issues
          .map((i) =>
            i.code === 'unrecognized_keys'
              ? `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`
              : `field "${i.path.map(String).join('.') || 'command'}": ${i.message}`,
          )
          .join('; ')}`,
      }
    const c = parsed.data.command
    const command = typeof c === 'string' ? splitCommand(c) : c
    if (!command) return { student, message: `${file}: the command has a quote that is not closed` }
    if (command.length === 0) return { student, message: `${file}: the command is empty` }
    return { student, dir, from: SUBMISSION_FILE, command }
  }
  const run = entries.find((e) => e.name === RUN_FILE && e.isFile())
  if (run) {
    const mode = (await stat(join(dir, RUN_FILE))).mode
    if ((mode & 0o111) === 0)
      return {
        student,
        message: `${join(student, RUN_FILE)} is not executable: chmod +x it, or name the command in ${SUBMISSION_FILE}`,
      }
    return { student, dir, from: RUN_FILE, command: [`./${RUN_FILE}`, '{host}', '{port}'] }
  }
  const programs = entries
    .filter((e) => e.isFile() && Object.hasOwn(BY_EXTENSION, extname(e.name)))
    .map((e) => e.name)
    .sort()
  if (programs.length === 0)
    return {
      student,
      message: `no program found: put a ${SUBMISSION_FILE} naming the command, an executable ${RUN_FILE}, or one .py, .mjs, .js or .c file in the folder`,
    }
  if (programs.length > 1)
    return {
      student,
      message: `several program files (${programs.join(', ')}): name the one to run in a ${SUBMISSION_FILE}`,
    }
  const file = programs[0]!
  const command = [...BY_EXTENSION[extname(file)]!(file), '{host}', '{port}']
  return extname(file) === '.c'
    ? { student, dir, from: file, command, build: file }
    : { student, dir, from: file, command }
}

/**
 * Reads a folder of submissions: every subfolder (not hidden) in name order, with its command
 * or why it has none. Files beside the subfolders are left alone.
 */
export async function readSubmissions(folder: string): Promise<FolderRead> {
  const problem = await folderProblem(folder)
  if (problem) return { ok: false, message: problem }
  const dirs = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
  if (dirs.length === 0)
    return {
      ok: false,
      message: `${folder} has no subfolders: put each student's submission in a subfolder named after them.`,
    }
  if (dirs.length > MAX_SUBMISSIONS)
    return {
      ok: false,
      message: `${folder} has ${dirs.length} subfolders; at most ${MAX_SUBMISSIONS} are graded at once.`,
    }
  const submissions: Submission[] = []
  const skipped: Skipped[] = []
  for (const name of dirs) {
    const student = name.trim()
    if (student.length === 0 || student.length > 120) {
      skipped.push({ student: name, message: 'a folder name must be 1 to 120 characters' })
      continue
    }
    try {
      const found = await readSubmission(join(folder, name), student)
      if ('command' in found) submissions.push(found)
      else skipped.push(found)
    } catch (error) {
      skipped.push({ student, message: `the folder cannot be read: ${errnoOf(error) ?? error}` })
    }
  }
  return { ok: true, submissions, skipped }
}

/** What building a C submission gave: the binary's folder, or the compiler's complaint. */
type Built = { ok: true; binDir: string } | { ok: false; student: boolean; message: string }

async function compile(sub: Submission, signal?: AbortSignal): Promise<Built> {
  const binDir = await mkdtemp(join(tmpdir(), 'socklab-build-'))
  const out = join(binDir, basename(sub.build!, '.c'))
  const failed = await new Promise<Built | undefined>((resolve) =>
    execFile(
      'cc',
      ['-O2', '-o', out, sub.build!],
      { cwd: sub.dir, timeout: BUILD_TIMEOUT_MS, maxBuffer: 1 << 20, signal },
      (error, _stdout, stderr) => {
        if (!error) return resolve(undefined)
        if (errnoOf(error) === 'ENOENT')
          return resolve({
            ok: false,
            student: false,
            message:
              'this host has no C compiler (cc): install one (Debian and Ubuntu: apt-get install gcc)',
          })
        const said = stderr.trim().split('\n').slice(0, 20).join('\n').slice(0, 3000)
        resolve({
          ok: false,
          student: true,
          message: (error as { killed?: boolean }).killed
            ? `${sub.build} did not compile within ${BUILD_TIMEOUT_MS / 1000} s`
            : `${sub.build} did not compile (cc -O2): ${said || error.message}`,
        })
      },
    ),
  )
  if (!failed) return { ok: true, binDir }
  await rm(binDir, { recursive: true, force: true })
  return failed
}

/** A report for a program that could not be built: every case fails with the reason. */
function unbuiltReport(
  lab: ProgramLab,
  cases: ResolvedCase[],
  sub: Submission,
  message: string,
  classCode: string | undefined,
): GradeReport {
  const grades: CaseGrade[] = cases.map((c) => ({
    case: c.name,
    passed: false,
    checks: [],
    error: message,
  }))
  return {
    programLabResult: 1,
    student: sub.student,
    ...(classCode ? { classCode } : {}),
    lab: lab.id,
    title: lab.title,
    role: lab.role,
    command: sub.command,
    gradedAt: new Date().toISOString(),
    appVersion: APP_VERSION,
    passed: false,
    score: { passed: 0, total: cases.length },
    cases: grades,
  }
}

/** What {@link gradeSubmissions} reports as it goes, and needs. */
export interface FolderGradeOptions {
  classCode?: string
  signal?: AbortSignal
  /** A submission's grading starts. */
  onStudent?(index: number, sub: Submission): void
  /** One of its cases is graded. */
  onCase?(index: number, grade: CaseGrade, caseIndex: number): void
  /** Its report is complete (a cancelled submission's never is). */
  onGraded?(index: number, sub: Submission, report: GradeReport): void | Promise<void>
  /** It could not be graded (no compiler here). */
  onSkipped?(index: number, sub: Submission, message: string): void
  /** The backend for a program (tests inject one). */
  backend?: GradeOptions['backend']
}

/** The end of a folder's grading. */
export interface FolderSummary {
  graded: { student: string; report: GradeReport }[]
  skipped: Skipped[]
  cancelled: boolean
  /** This host cannot run programs at all (then nothing was graded). */
  unsupported?: string
}

/** Grades every submission, one after another. */
export async function gradeSubmissions(
  lab: ProgramLab,
  cases: ResolvedCase[],
  submissions: readonly Submission[],
  options: FolderGradeOptions = {},
): Promise<FolderSummary> {
  const summary: FolderSummary = { graded: [], skipped: [], cancelled: false }
  for (const [index, sub] of submissions.entries()) {
    if (options.signal?.aborted) break
    options.onStudent?.(index, sub)
    let command = sub.command
    let binDir: string | undefined
    let report: GradeReport | undefined
    if (sub.build) {
      const built = await compile(sub, options.signal)
      if (options.signal?.aborted) {
        if (built.ok) await rm(built.binDir, { recursive: true, force: true })
        break
      }
      if (!built.ok && !built.student) {
        summary.skipped.push({ student: sub.student, message: built.message })
        options.onSkipped?.(index, sub, built.message)
        continue
      }
      if (built.ok) {
        binDir = built.binDir
        command = [join(binDir, basename(sub.build, '.c')), ...sub.command.slice(1)]
      } else {
        report = unbuiltReport(lab, cases, sub, built.message, options.classCode)
        report.cases.forEach((grade, caseIndex) => options.onCase?.(index, grade, caseIndex))
      }
    }
    try {
      if (!report) {
        const answer = await gradeProgram(lab, cases, command, {
          cwd: sub.dir,
          student: sub.student,
          ...(options.classCode ? { classCode: options.classCode } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.backend ? { backend: options.backend } : {}),
          onCase: (grade, caseIndex) => options.onCase?.(index, grade, caseIndex),
        })
        if (!answer.ok) return { ...summary, unsupported: answer.unsupported }
        // A cancelled submission's report lacks cases: it is no grade.
        if (options.signal?.aborted) break
        // The command as the folder gave it, not the temporary build's path.
        report = { ...answer.report, command: sub.command }
      }
    } finally {
      if (binDir) await rm(binDir, { recursive: true, force: true })
    }
    summary.graded.push({ student: sub.student, report })
    await options.onGraded?.(index, sub, report)
  }
  summary.cancelled = options.signal?.aborted === true
  return summary
}
