/**
 * `socklab grade <lab.yaml|.json> [--student NAME] [--class CODE] [--out FILE] [--lang en|zh]
 * [--json] -- <command> [args]`: runs the command under every case of a program lab
 * (docs/program-labs.md), prints a verdict per case with the reason of every check, writes
 * the report (`programLabResult: 1`, shared/program-report.ts) to FILE (default
 * `<lab id>.grade.json`), and exits 0 only when every check passed (1: some failed, 2: bad
 * input, 3: this host cannot run programs, 130: cancelled).
 *
 * `socklab grade <lab> --folder DIR [--class CODE] [--out DIR]` grades a folder of
 * submissions instead (one subfolder per student, main/lab/grade-folder.ts), one after
 * another, writes `<student>.grade.json` per student into the out folder (default
 * `<lab id>-grades`) and a summary line; 0 only when every submission passed every case.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { readProgramLab, type ProgramLab, type ResolvedCase } from '../../shared/program-lab'
import { gradeSubmissions, readSubmissions } from '../lab/grade-folder'
import { gradeProgram, type CaseGrade, type GradeReport } from '../lab/program-grade'
import { decodeFileBytes, readBounded } from './load-script'
import { EXIT, interruptible, type CliIo } from './run-cli'

/** The arguments of `grade`. */
export interface GradeArgs {
  lab: string
  /** The program (empty with `folder`). */
  command: string[]
  /** A folder of submissions, one subfolder per student. */
  folder?: string
  /** The report file (one program), or the reports' folder (`folder`). */
  out?: string
  lang: 'en' | 'zh'
  json: boolean
  student?: string
  classCode?: string
}

/** Reads `grade`'s arguments; a string says what is wrong. */
export function parseGradeArgs(argv: readonly string[]): GradeArgs | string {
  const dash = argv.indexOf('--')
  const own = dash < 0 ? argv : argv.slice(0, dash)
  const command = dash < 0 ? [] : argv.slice(dash + 1)
  const args: GradeArgs = { lab: '', command, lang: 'en', json: false }
  const positional: string[] = []
  const value = (i: number): string | undefined => {
    const v = own[i]
    return v && !v.startsWith('--') ? v : undefined
  }
  for (let i = 0; i < own.length; i++) {
    const a = own[i]!
    if (a === '--json') args.json = true
    else if (a === '--out' || a === '--folder' || a === '--student' || a === '--class') {
      const v = value(++i)
      if (v === undefined)
        return `${a} needs ${a === '--out' ? 'a file (or, with --folder, a folder) name' : a === '--folder' ? 'a folder' : a === '--student' ? 'a name' : 'a class code'}.`
      if (a === '--out') args.out = v
      else if (a === '--folder') args.folder = v
      else if (a === '--student') args.student = v.trim()
      else args.classCode = v.trim()
    } else if (a === '--lang') {
      const v = own[++i]
      if (v !== 'en' && v !== 'zh') return `--lang must be en or zh, got "${v ?? ''}".`
      args.lang = v
    } else if (a.startsWith('--')) return `Unknown option "${a}" for grade.`
    else positional.push(a)
  }
  if (positional.length !== 1) return 'Name exactly one program lab file (.yaml or .json).'
  args.lab = positional[0]!
  if (args.student !== undefined && (args.student.length === 0 || args.student.length > 120))
    return '--student must be 1 to 120 characters.'
  if (args.classCode !== undefined && (args.classCode.length === 0 || args.classCode.length > 64))
    return '--class must be 1 to 64 characters.'
  if (args.folder !== undefined) {
    if (dash >= 0)
      return 'Give either --folder DIR (each subfolder names its program) or a command after "--", not both.'
    if (args.student !== undefined)
      return '--student names the owner of one program; with --folder each subfolder is named after its student.'
    if (args.json) return '--json prints one report: grade one program with it, not a --folder.'
    return args
  }
  if (dash < 0)
    return 'Put the program after "--": socklab grade lab.yaml -- python3 client.py {host} {port} (or grade a folder of submissions with --folder DIR).'
  if (command.length === 0 || !command[0]) return 'Name the program to grade after "--".'
  return args
}

function caseLines(g: CaseGrade, lang: 'en' | 'zh'): string[] {
  const verdict = g.passed ? (lang === 'zh' ? '通过' : 'PASS') : lang === 'zh' ? '未通过' : 'FAIL'
  const lines = [`${verdict.padEnd(4)} ${g.case}`]
  if (g.error)
    lines.push(
      `     ${lang === 'zh' ? '无法运行' : 'could not run'}: ${g.error.replace(/\n/g, '\n       ')}`,
    )
  for (const c of g.checks) lines.push(`     ${c.passed ? 'ok ' : 'no '} ${c.reason[lang]}`)
  return lines
}

/** A student's name as a file name: no path separators or characters some systems refuse. */
export function reportFileName(student: string): string {
  const safe = [...student]
    .map((c) => (c.charCodeAt(0) < 32 ? '_' : c))
    .join('')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .replace(/^\.+/, '_')
  return `${safe}.grade.json`
}

async function writeReport(file: string, report: GradeReport, io: CliIo): Promise<boolean> {
  try {
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
    return true
  } catch (error) {
    io.err(`Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`)
    return false
  }
}

/** Reads the lab file; a string is the message for stderr. */
async function readLab(file: string): Promise<{ lab: ProgramLab; cases: ResolvedCase[] } | string> {
  const bytes = await readBounded(file)
  if (typeof bytes === 'string') return bytes
  const text = decodeFileBytes(bytes)
  if (!text.ok) return `${file}: ${text.problem.message}`
  const read = readProgramLab(text.value, file)
  if (!read.ok)
    return `${file} is not a valid program lab:\n${read.problems.map((p) => `  ${p}`).join('\n')}`
  return read
}

/** Runs `socklab grade`. */
export async function runGradeCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseGradeArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return EXIT.badInput
  }
  const read = await readLab(args.lab)
  if (typeof read === 'string') {
    io.err(read)
    return EXIT.badInput
  }
  if (args.folder !== undefined) return gradeFolderCli(args, args.folder, read, io)
  const controller = interruptible()
  if (!args.json)
    io.out(
      args.lang === 'zh'
        ? `# ${read.lab.title.zh} (${read.lab.id})：${args.command.join(' ')} 作为${read.lab.role === 'client' ? '客户端' : '服务端'}，共 ${read.cases.length} 个案例`
        : `# ${read.lab.title.en} (${read.lab.id}): ${args.command.join(' ')} as the ${read.lab.role}, ${read.cases.length} case${read.cases.length === 1 ? '' : 's'}`,
    )
  const answer = await gradeProgram(read.lab, read.cases, args.command, {
    signal: controller.signal,
    cwd: process.cwd(),
    ...(args.student ? { student: args.student } : {}),
    ...(args.classCode ? { classCode: args.classCode } : {}),
    onCase: (g) => {
      if (!args.json) for (const l of caseLines(g, args.lang)) io.out(l)
    },
  })
  controller.release()
  const cancelled = controller.cancelled(io)
  if (cancelled !== undefined) return cancelled
  if (!answer.ok) {
    io.err(answer.unsupported)
    return EXIT.unsupported
  }
  const report = answer.report
  const out = args.out ?? `${read.lab.id}.grade.json`
  if (!(await writeReport(out, report, io))) return EXIT.failed
  if (args.json) io.out(JSON.stringify(report, null, 2))
  else
    io.out(
      args.lang === 'zh'
        ? `# ${report.score.total} 个案例中通过 ${report.score.passed} 个；结果已写入 ${out}`
        : `# ${report.score.passed} of ${report.score.total} cases passed; the report is in ${out}`,
    )
  return report.passed ? EXIT.done : EXIT.different
}

/** `grade <lab> --folder DIR`: every subfolder's program, one after another. */
async function gradeFolderCli(
  args: GradeArgs,
  folder: string,
  read: { lab: ProgramLab; cases: ResolvedCase[] },
  io: CliIo,
): Promise<number> {
  const zh = args.lang === 'zh'
  const found = await readSubmissions(resolve(folder))
  if (!found.ok) {
    io.err(found.message)
    return EXIT.badInput
  }
  const outDir = args.out ?? `${read.lab.id}-grades`
  try {
    await mkdir(outDir, { recursive: true })
  } catch (error) {
    io.err(`Cannot create ${outDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`)
    return EXIT.failed
  }
  const n = found.submissions.length
  io.out(
    zh
      ? `# ${read.lab.title.zh} (${read.lab.id})：${folder} 中有 ${n} 份作业，作为${read.lab.role === 'client' ? '客户端' : '服务端'}，每份 ${read.cases.length} 个案例`
      : `# ${read.lab.title.en} (${read.lab.id}): ${n} submission${n === 1 ? '' : 's'} in ${folder}, as the ${read.lab.role}, ${read.cases.length} case${read.cases.length === 1 ? '' : 's'} each`,
  )
  for (const s of found.skipped) io.out(`# ${zh ? '跳过' : 'skipped'} ${s.student}: ${s.message}`)
  const controller = interruptible()
  let unwritten = 0
  const summary = await gradeSubmissions(read.lab, read.cases, found.submissions, {
    signal: controller.signal,
    ...(args.classCode ? { classCode: args.classCode } : {}),
    onStudent: (_i, sub) => io.out(`## ${sub.student} (${sub.command.join(' ')})`),
    onCase: (_i, g) => {
      for (const l of caseLines(g, args.lang)) io.out(l)
    },
    onSkipped: (_i, sub, message) =>
      io.out(`# ${zh ? '跳过' : 'skipped'} ${sub.student}: ${message}`),
    onGraded: async (_i, sub, report) => {
      if (!(await writeReport(join(outDir, reportFileName(sub.student)), report, io))) unwritten++
    },
  })
  controller.release()
  const cancelled = controller.cancelled(io)
  if (cancelled !== undefined) return cancelled
  if (summary.unsupported) {
    io.err(summary.unsupported)
    return EXIT.unsupported
  }
  const passed = summary.graded.filter((g) => g.report.passed).length
  const skipped = found.skipped.length + summary.skipped.length
  io.out(
    zh
      ? `# ${summary.graded.length} 份作业中 ${passed} 份通过全部案例${skipped ? `；跳过 ${skipped} 份` : ''}；报告已写入 ${outDir}`
      : `# ${passed} of ${summary.graded.length} submissions passed every case${skipped ? `; ${skipped} skipped` : ''}; the reports are in ${outDir}`,
  )
  if (unwritten > 0) return EXIT.failed
  return passed === summary.graded.length && skipped === 0 ? EXIT.done : EXIT.different
}
