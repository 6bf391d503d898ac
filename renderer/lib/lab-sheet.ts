/**
 * A printable lab sheet of one case: page 1 lists its steps with blank boxes for the student's
 * prediction of each call's return value and errno; page 2 has the answers, read from a run
 * of the case (the simulator's, on the profile the teacher picked: never a table written by
 * hand), each call's teaching notes and the article's explanation.
 */
import { articleSection, type ArticleSection } from '../../shared/article'
import type { LabResult, StepResult } from '../../shared/lab-result'
import type { LabScript, Localized, ProfileId, Step, StepOp } from '../../shared/lab-script'
import { formatCall } from '../../shared/trace-text'
import { runNotes } from './explain'
import { stepNotes, type StepNote } from './step-notes'

/**
 * The steps a student predicts: the system calls a program makes. What the network or the
 * OS does (a crash, a cut cable, a signal) and sleep() have nothing to predict.
 */
export const PREDICTED_OPS: ReadonlySet<StepOp> = new Set<StepOp>([
  'listen',
  'bind',
  'connect',
  'accept',
  'send',
  'recv',
  'close',
  'shutdown',
  'abort',
  'poll',
  'getsockopt',
  'keepalive',
  'usertimeout',
])

/** One step of the sheet. */
export interface SheetStep {
  index: number
  actor: Step['actor']
  /** `connect(7002)`, `crash --mode fin`: as the trace writes it. */
  call: string
  /** When the script starts it (ms on the run's clock), if it says. */
  at?: number
  /** True for a call whose result the student predicts. */
  predicted: boolean
}

/** The answer to one predicted call, from the run. */
export interface SheetAnswer {
  index: number
  /** The return value as written on the sheet (`-1`, `0`, `5`, `blocks`...). */
  ret: string
  /** `ECONNREFUSED (111)`, `+SIGPIPE`, or `—`. */
  errno: string
  notes: StepNote[]
}

/** The words a sheet needs for what is not a number. */
export interface SheetWords {
  blocks: string
  skipped: string
  none: string
}

/** The steps of a case, calls marked for prediction. */
export function sheetSteps(script: LabScript): SheetStep[] {
  return script.steps.map((s, index) => ({
    index,
    actor: s.actor,
    call: formatCall(s, s),
    ...(s.at !== undefined ? { at: s.at } : {}),
    predicted: PREDICTED_OPS.has(s.op),
  }))
}

function retText(step: StepResult | undefined, words: SheetWords): string {
  if (!step || step.outcome === 'skipped') return words.skipped
  if (step.outcome === 'blocked') return words.blocks
  if (step.ret === undefined) return words.none
  return step.value !== undefined ? `${step.ret} [${step.value}]` : String(step.ret)
}

function errnoText(step: StepResult | undefined, words: SheetWords): string {
  const parts = [
    step?.errno
      ? `${step.errno}${step.errnoNumber !== undefined ? ` (${step.errnoNumber})` : ''}`
      : '',
    step?.signal ? `+${step.signal}` : '',
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(' ') : words.none
}

/**
 * The answers of the predicted calls from a run of the case, with the teaching notes the Lab
 * view shows for each (the run's own note events, worded for its profile).
 */
export function sheetAnswers(
  script: LabScript,
  result: LabResult,
  lang: keyof Localized,
  words: SheetWords,
): SheetAnswer[] {
  const placed = runNotes(result.events, result.steps, script, result.profile)
  return sheetSteps(script)
    .filter((s) => s.predicted)
    .map((s) => {
      const step = result.steps.find((r) => r.index === s.index)
      return {
        index: s.index,
        ret: retText(step, words),
        errno: errnoText(step, words),
        notes: step
          ? stepNotes(step, lang, {
              profile: result.profile,
              placed: placed.filter((n) => n.step === s.index),
            }).teaching
          : [],
      }
    })
}

/** The article section a case belongs to. */
export function sheetSection(section: string): ArticleSection {
  return articleSection(section)
}

/** A file name for the sheet's PDF: `connect.refused-linux-lab-sheet-en.pdf`. */
export function sheetFileName(caseId: string, profile: ProfileId, lang: keyof Localized): string {
  return `${caseId}-${profile}-lab-sheet-${lang}.pdf`.replace(/[^A-Za-z0-9._-]+/g, '_')
}
