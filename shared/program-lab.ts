/**
 * Program labs (docs/program-labs.md): a teacher's list of cases a student's program is run
 * under, and per case what it must do (exit status, output, time, the errno its calls saw,
 * how many connect attempts). This file is the format (a zod schema), the reading of a file
 * with problems placed on their line, and the checks: pure, so the CLI and the app grade
 * alike. The grade report is written by main/lab/program-grade.ts.
 */
import { z } from 'zod'
import { findCase } from './catalog/index'
import type { LabResult } from './lab-result'
import { localizedSchema, parseLabScript, type LabScript, type Localized } from './lab-script'
import { PROGRAM_OPS, type ProgramCall, type ProgramRun } from './program-result'
import { readYaml, type TextProblem } from './text-file'

/** The versions of the format. */
export const PROGRAM_LAB_VERSIONS = [1] as const

const countSchema = z.union([
  z.number().int().min(0),
  z.strictObject({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
])

/** One requirement on the program's calls: how many calls of `op` ended so. */
export const callCheckSchema = z.strictObject({
  /** The call (`recv` counts read/recvfrom/recvmsg on a socket, `send` write/sendto...). */
  op: z.enum(PROGRAM_OPS),
  /** The errno it returned (`ECONNRESET`), or `none`: it succeeded. Absent: any end. */
  errno: z
    .string()
    .regex(/^(E[A-Z0-9]+|none)$/, 'an errno name such as ECONNRESET, or none')
    .optional(),
  /** Its return value (0: recv saw the end of the stream). */
  ret: z.number().int().optional(),
  /** How many such calls at least (default 1) and at most. */
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(0).optional(),
})
/** One {@link callCheckSchema}. */
export type CallCheck = z.output<typeof callCheckSchema>

/** What the program must do in one case. */
export const expectSchema = z.strictObject({
  /** Its exit status: a number, or `nonzero` (it must report failure). */
  exitCode: z.union([z.number().int().min(0).max(255), z.literal('nonzero')]).optional(),
  /** Texts its output (stdout and stderr) must contain. */
  output: z.array(z.string().min(1)).optional(),
  /** Texts its output must not contain (a stack trace: `Traceback`). */
  notOutput: z.array(z.string().min(1)).optional(),
  /** Its calls: each entry must hold. */
  calls: z.array(callCheckSchema).optional(),
  /** How many connect() attempts it makes: a number, or `{ min, max }`. */
  connects: countSchema.optional(),
})
/** One {@link expectSchema}. */
export type ProgramExpect = z.output<typeof expectSchema>

/** One case of a program lab. */
export const programCaseSchema = z
  .strictObject({
    /** A catalog case id (`peer.crash-rst`). */
    case: z.string().min(1).optional(),
    /** Or a whole lab script written here (docs/lab-script-format.md). */
    script: z.unknown().optional(),
    /** The program must end by itself within this (ms from its start). */
    timeLimitMs: z.number().int().min(100).max(600_000).optional(),
    expect: expectSchema,
  })
  .refine((c) => (c.case === undefined) !== (c.script === undefined), {
    message: 'give either "case" (a catalog id) or "script", not both',
  })

/** A whole program lab file. */
export const programLabSchema = z.strictObject({
  programLab: z.literal(PROGRAM_LAB_VERSIONS),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_", "-"'),
  title: localizedSchema,
  /** The role the program plays in every case. */
  role: z.enum(['client', 'server']),
  /** The default time limit of a case (ms). */
  timeLimitMs: z.number().int().min(100).max(600_000).optional(),
  cases: z.array(programCaseSchema).min(1).max(50),
})
/** A parsed program lab. */
export type ProgramLab = z.output<typeof programLabSchema>

/** A case ready to run: its script resolved. */
export interface ResolvedCase {
  /** The catalog id, or the script's id, or `case N`. */
  name: string
  script: LabScript
  timeLimitMs: number
  expect: ProgramExpect
}

/** A lab read from a file: resolved cases, or every problem with its line. */
export type ProgramLabRead =
  { ok: true; lab: ProgramLab; cases: ResolvedCase[] } | { ok: false; problems: string[] }

/** The default time limit of a case when neither the case nor the lab gives one. */
export const DEFAULT_TIME_LIMIT_MS = 10_000

/**
 * Reads a program lab (YAML or JSON: JSON is YAML) from its text. Every problem names the file,
 * the line and the field. Never throws.
 */
export function readProgramLab(text: string, file: string): ProgramLabRead {
  const read = readYaml(text)
  if (!read.ok) return { ok: false, problems: [`${file}: ${placed(read.problem)}`] }
  const { doc, lines, value } = read.value
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined
      if (node?.range) return lines.linePos(node.range[0]).line
    }
    return undefined
  }
  const parsed = programLabSchema.safeParse(value)
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const line = lineOf(i.path as (string | number)[])
        const field = i.path.length ? i.path.join('.') : '(the lab)'
        const message =
          i.code === 'unrecognized_keys'
            ? `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`
            : i.message
        return `${file}${line ? `:${line}` : ''}: ${field}: ${message}`
      }),
    }
  }
  const lab = parsed.data
  const problems: string[] = []
  const cases: ResolvedCase[] = []
  lab.cases.forEach((c, i) => {
    const at = (field: string): string => {
      const line = lineOf(['cases', i, field])
      return `${file}${line ? `:${line}` : ''}: cases.${i}.${field}`
    }
    let script: LabScript | undefined
    if (c.case !== undefined) {
      const found = findCase(c.case)
      if (!found) problems.push(`${at('case')}: there is no case "${c.case}" in the catalog`)
      else if (!found.backends.includes('kernel'))
        problems.push(
          `${at('case')}: "${c.case}" cannot run on the real kernel, so not with a program`,
        )
      else {
        const p = parseLabScript(found.script)
        if (p.ok) script = p.script
      }
    } else {
      const p = parseLabScript(c.script)
      if (!p.ok) for (const m of p.message.split('\n')) problems.push(`${at('script')}: ${m}`)
      else script = p.script
    }
    for (const [k, check] of (c.expect.calls ?? []).entries())
      if (check.min !== undefined && check.max !== undefined && check.min > check.max)
        problems.push(`${at('expect')}.calls.${k}: min ${check.min} is more than max ${check.max}`)
    if (script)
      cases.push({
        name: c.case ?? script.id ?? `case ${i + 1}`,
        script,
        timeLimitMs: c.timeLimitMs ?? lab.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
        expect: c.expect,
      })
  })
  return problems.length ? { ok: false, problems } : { ok: true, lab, cases }
}

function placed(p: TextProblem): string {
  return `${p.line ? `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ` : ''}${p.message}`
}

/** Which requirements a verdict can be about. */
export const CHECK_KINDS = [
  'timeLimit',
  'exitCode',
  'output',
  'notOutput',
  'calls',
  'connects',
] as const
/** One of {@link CHECK_KINDS}. */
export type CheckKind = (typeof CHECK_KINDS)[number]

/** The verdict on one requirement, with a reason a student can read. */
export interface CheckVerdict {
  check: CheckKind
  passed: boolean
  reason: Localized
}

/** How long the program ran (ms), or null when its end was not seen. */
function ranMs(p: ProgramRun): number | null {
  return p.endMs === null ? null : Math.max(0, p.endMs - p.startMs)
}

function howItEnded(p: ProgramRun): Localized {
  if (p.killed === 'limit') {
    // Where it hung, when a socket call was still waiting: the student's first clue.
    const waiting = p.calls.findLast((c) => c.outcome === 'blocked')
    const where = waiting
      ? { en: `, blocked in ${waiting.op}(),`, zh: `（阻塞在 ${waiting.op}() 中）` }
      : { en: '', zh: '' }
    return {
      en: `was still running at the time limit${where.en} and was stopped by the lab`,
      zh: `到时间上限时仍在运行${where.zh}，被实验室终止`,
    }
  }
  if (p.exitSignal === 'SIGPIPE')
    return {
      en: 'was killed by SIGPIPE (a send() raises it when it fails with EPIPE: the connection was already reset or shut down)',
      zh: '被信号 SIGPIPE 终止（连接已被重置或关闭后，send() 以 EPIPE 失败时会引发它）',
    }
  if (p.exitSignal)
    return { en: `was killed by ${p.exitSignal}`, zh: `被信号 ${p.exitSignal} 终止` }
  return { en: `exited with status ${p.exitCode}`, zh: `以状态 ${p.exitCode} 退出` }
}

/** `recv()`, or `recv() returning -1 ECONNRESET`, for the reasons. */
function describeCheck(c: CallCheck): Localized {
  const what =
    c.errno === 'none'
      ? { en: ' succeeding', zh: '成功' }
      : c.errno
        ? { en: ` returning -1 ${c.errno}`, zh: `返回 -1 ${c.errno}` }
        : { en: '', zh: '' }
  const ret =
    c.ret !== undefined ? { en: ` returning ${c.ret}`, zh: `返回 ${c.ret}` } : { en: '', zh: '' }
  return { en: `${c.op}()${what.en}${ret.en}`, zh: `${c.op}()${what.zh}${ret.zh}` }
}

function matches(call: ProgramCall, c: CallCheck): boolean {
  if (call.op !== c.op || call.outcome !== 'returned') return false
  if (c.errno === 'none' && call.errno !== undefined) return false
  if (c.errno !== undefined && c.errno !== 'none' && call.errno !== c.errno) return false
  if (c.ret !== undefined && call.ret !== c.ret) return false
  return true
}

/** What the calls of one op returned, for a failing reason (`5, -1 EAGAIN, blocked`). */
function summary(calls: readonly ProgramCall[], op: string): string {
  const of = calls.filter((c) => c.op === op)
  if (of.length === 0) return ''
  const shown = of.slice(0, 6).map((c) =>
    c.outcome === 'blocked'
      ? 'blocked'
      : c.errno
        ? `-1 ${c.errno}`
        : // socket() and accept() return a descriptor, not a count.
          `${c.op === 'socket' || c.op === 'accept' ? 'fd ' : ''}${c.ret}`,
  )
  return `${shown.join(', ')}${of.length > 6 ? ', ...' : ''}`
}

function range(count: number | { min?: number; max?: number }): { min: number; max: number } {
  return typeof count === 'number'
    ? { min: count, max: count }
    : { min: count.min ?? 0, max: count.max ?? Infinity }
}

function rangeText(r: { min: number; max: number }): Localized {
  if (r.min === r.max) return { en: `exactly ${r.min}`, zh: `恰好 ${r.min} 次` }
  if (r.max === Infinity) return { en: `at least ${r.min}`, zh: `至少 ${r.min} 次` }
  return { en: `${r.min} to ${r.max}`, zh: `${r.min} 到 ${r.max} 次` }
}

/** Grades one case's run by its expectations. */
export function gradeCase(
  c: Pick<ResolvedCase, 'expect' | 'timeLimitMs'>,
  result: LabResult,
): CheckVerdict[] {
  const p = result.program
  if (!p)
    return [
      {
        check: 'exitCode',
        passed: false,
        reason: { en: 'the program did not run', zh: '程序没有运行' },
      },
    ]
  const out: CheckVerdict[] = []
  const e = c.expect
  const ended = howItEnded(p)
  // The time limit is always a requirement: a program that hangs fails it.
  const ran = ranMs(p) === null ? null : Math.round(ranMs(p)!)
  const inTime = !p.killed && ran !== null && ran <= c.timeLimitMs
  out.push({
    check: 'timeLimit',
    passed: inTime,
    reason: inTime
      ? {
          en: `ended after ${ran} ms, within ${c.timeLimitMs} ms`,
          zh: `${ran} 毫秒后结束，未超过 ${c.timeLimitMs} 毫秒`,
        }
      : {
          en: `did not end by itself within ${c.timeLimitMs} ms: it ${ended.en}`,
          zh: `没有在 ${c.timeLimitMs} 毫秒内自行结束：它${ended.zh}`,
        },
  })
  if (e.exitCode !== undefined) {
    const want = e.exitCode
    const passed =
      !p.killed &&
      p.exitSignal === null &&
      p.exitCode !== null &&
      (want === 'nonzero' ? p.exitCode !== 0 : p.exitCode === want)
    const wanted =
      want === 'nonzero'
        ? { en: 'a non-zero status (reporting the failure)', zh: '非零状态（报告失败）' }
        : { en: `status ${want}`, zh: `状态 ${want}` }
    out.push({
      check: 'exitCode',
      passed,
      reason: passed
        ? { en: `${ended.en}, as required`, zh: `${ended.zh}，符合要求` }
        : {
            en: `it ${ended.en}; the lab expects ${wanted.en}`,
            zh: `它${ended.zh}；要求${wanted.zh}`,
          },
    })
  }
  const text = `${p.stdout}\n${p.stderr}`
  for (const t of e.output ?? []) {
    const passed = text.includes(t)
    out.push({
      check: 'output',
      passed,
      reason: passed
        ? { en: `its output contains "${t}"`, zh: `输出中包含 "${t}"` }
        : { en: `its output does not contain "${t}"`, zh: `输出中没有 "${t}"` },
    })
  }
  for (const t of e.notOutput ?? []) {
    const passed = !text.includes(t)
    out.push({
      check: 'notOutput',
      passed,
      reason: passed
        ? { en: `its output does not contain "${t}"`, zh: `输出中没有 "${t}"` }
        : {
            en: `its output contains "${t}", which it must not`,
            zh: `输出中出现了不应出现的 "${t}"`,
          },
    })
  }
  for (const check of e.calls ?? []) {
    const n = p.calls.filter((call) => matches(call, check)).length
    // At least once by default; `max: 0` alone means never.
    const max = check.max ?? Infinity
    const r = { min: check.min ?? Math.min(1, max), max }
    const passed = n >= r.min && n <= r.max
    const what = describeCheck(check)
    const seen = summary(p.calls, check.op)
    const want = rangeText(r)
    out.push({
      check: 'calls',
      passed,
      reason: passed
        ? { en: `${what.en}: ${n} time${n === 1 ? '' : 's'}`, zh: `${what.zh}：${n} 次` }
        : {
            en: `${what.en}: ${n} time${n === 1 ? '' : 's'}, the lab expects ${want.en}${seen ? ` (its ${check.op}() calls returned ${seen})` : ` (it made no ${check.op}() call on a socket)`}`,
            zh: `${what.zh}：${n} 次，要求${want.zh}${seen ? `（它的 ${check.op}() 调用返回了 ${seen}）` : `（它没有在套接字上调用 ${check.op}()）`}`,
          },
    })
  }
  if (e.connects !== undefined) {
    const n = p.calls.filter((call) => call.op === 'connect').length
    const r = range(e.connects)
    const passed = n >= r.min && n <= r.max
    const want = rangeText(r)
    out.push({
      check: 'connects',
      passed,
      reason: passed
        ? {
            en: `made ${n} connect() attempt${n === 1 ? '' : 's'}`,
            zh: `进行了 ${n} 次 connect() 尝试`,
          }
        : {
            en: `made ${n} connect() attempt${n === 1 ? '' : 's'}; the lab expects ${want.en}`,
            zh: `进行了 ${n} 次 connect() 尝试；要求${want.zh}`,
          },
    })
  }
  return out
}
