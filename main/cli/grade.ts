/**
 * `socklab grade <lab.yaml|.json> [--out FILE] [--lang en|zh] [--json] -- <command> [args]`:
 * runs the command under every case of a program lab (docs/program-labs.md), prints a verdict
 * per case with the reason of every failed check, writes the report (`programLabResult: 1`)
 * to FILE (default `<lab id>.grade.json`), and exits 0 only when every check passed
 * (1: some failed, 2: bad input, 3: this host cannot run programs, 130: cancelled).
 */
import { writeFile } from 'node:fs/promises'
import { readProgramLab } from '../../shared/program-lab'
import { gradeProgram, type CaseGrade } from '../lab/program-grade'
import { decodeFileBytes, readBounded } from './load-script'
import { EXIT, interruptible, type CliIo } from './run-cli'

/** The arguments of `grade`. */
export interface GradeArgs {
  lab: string
  command: string[]
  out?: string
  lang: 'en' | 'zh'
  json: boolean
}

/** Reads `grade`'s arguments; a string says what is wrong. */
export function parseGradeArgs(argv: readonly string[]): GradeArgs | string {
  const dash = argv.indexOf('--')
  if (dash < 0)
    return 'Put the program after "--": socklab grade lab.yaml -- python3 client.py {host} {port}'
  const own = argv.slice(0, dash)
  const command = argv.slice(dash + 1)
  const args: GradeArgs = { lab: '', command, lang: 'en', json: false }
  const positional: string[] = []
  for (let i = 0; i < own.length; i++) {
    const a = own[i]!
    if (a === '--json') args.json = true
    else if (a === '--out') {
      const v = own[++i]
      if (!v) return '--out needs a file name.'
      args.out = v
    } else if (a === '--lang') {
      const v = own[++i]
      if (v !== 'en' && v !== 'zh') return `--lang must be en or zh, got "${v ?? ''}".`
      args.lang = v
    } else if (a.startsWith('--')) return `Unknown option "${a}" for grade.`
    else positional.push(a)
  }
  if (positional.length !== 1) return 'Name exactly one program lab file (.yaml or .json).'
  if (command.length === 0 || !command[0]) return 'Name the program to grade after "--".'
  args.lab = positional[0]!
  return args
}

function caseLines(g: CaseGrade, lang: 'en' | 'zh'): string[] {
  const verdict = g.passed ? (lang === 'zh' ? '通过' : 'PASS') : lang === 'zh' ? '未通过' : 'FAIL'
  const lines = [`${verdict.padEnd(4)} ${g.case}`]
  if (g.error) lines.push(`     ${lang === 'zh' ? '无法运行' : 'could not run'}: ${g.error}`)
  for (const c of g.checks) lines.push(`     ${c.passed ? 'ok ' : 'no '} ${c.reason[lang]}`)
  return lines
}

/** Runs `socklab grade`. */
export async function runGradeCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseGradeArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return EXIT.badInput
  }
  const bytes = await readBounded(args.lab)
  if (typeof bytes === 'string') {
    io.err(bytes)
    return EXIT.badInput
  }
  const text = decodeFileBytes(bytes)
  if (!text.ok) {
    io.err(`${args.lab}: ${text.problem.message}`)
    return EXIT.badInput
  }
  const read = readProgramLab(text.value, args.lab)
  if (!read.ok) {
    io.err(
      `${args.lab} is not a valid program lab:\n${read.problems.map((p) => `  ${p}`).join('\n')}`,
    )
    return EXIT.badInput
  }
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
  try {
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`)
  } catch (error) {
    io.err(`Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`)
    return EXIT.failed
  }
  if (args.json) io.out(JSON.stringify(report, null, 2))
  else
    io.out(
      args.lang === 'zh'
        ? `# ${report.score.total} 个案例中通过 ${report.score.passed} 个；结果已写入 ${out}`
        : `# ${report.score.passed} of ${report.score.total} cases passed; the report is in ${out}`,
    )
  return report.passed ? EXIT.done : EXIT.different
}
