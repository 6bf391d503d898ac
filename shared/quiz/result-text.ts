/**
 * Result classes as answer options: one id per thing a call can do (`zero`, `positive`,
 * `blocks`, `error:<ERRNO>`), their text in both languages, and the class of a step that a
 * backend really ran, so a prediction and a run compare id to id.
 */
import { errnoOn, isErrnoName } from '../errno'
import type { Localized } from '../lab-script'
import type { StepResult } from '../lab-result'
import type { SummaryRow } from '../summary-tables'

/** The class id of a row's result for one call (a two-step row counts its failing call). */
export function stepClassOfRow(row: Pick<SummaryRow, 'returnClass' | 'errno'>): string {
  if (row.returnClass === 'positive-then-error' || row.returnClass === 'error')
    return `error:${row.errno ?? 'unknown'}`
  return row.returnClass
}

/** The class id of a row's whole result (as the summary table writes it). */
export function rowClass(row: Pick<SummaryRow, 'returnClass' | 'errno'>): string {
  if (row.returnClass === 'positive-then-error') return `then-error:${row.errno ?? 'unknown'}`
  return stepClassOfRow(row)
}

function errnoLabel(name: string, lang: keyof Localized = 'en'): string {
  const linux = isErrnoName(name) ? errnoOn('linux', name) : null
  if (!linux) return name
  return lang === 'zh' ? `${name}（${linux.number}）` : `${name} (${linux.number})`
}

/** Text of a class id in both languages. */
export function classText(id: string): Localized {
  if (id === 'zero') return { en: 'returns 0', zh: '返回 0' }
  if (id === 'positive') return { en: 'returns n > 0 (a byte count)', zh: '返回 n > 0（字节数）' }
  if (id === 'blocks') return { en: 'blocks: does not return', zh: '阻塞，不返回' }
  if (id === 'skipped') return { en: 'never ran (skipped)', zh: '没有执行（被跳过）' }
  if (id.startsWith('then-error:')) {
    const e = id.slice('then-error:'.length)
    return {
      en: `n > 0 at first, then -1 with errno ${errnoLabel(e)}`,
      zh: `先返回 n > 0，之后返回 -1，errno 为 ${errnoLabel(e, 'zh')}`,
    }
  }
  if (id.startsWith('error:')) {
    const e = id.slice('error:'.length)
    return { en: `-1 with errno ${errnoLabel(e)}`, zh: `返回 -1，errno 为 ${errnoLabel(e, 'zh')}` }
  }
  return { en: id, zh: id }
}

/**
 * A class id as a sentence about a call, for prompts ("send() returns -1 with errno ETIMEDOUT
 * (110)", "recv() 阻塞，不返回"): a prompt is a sentence, never "send() -1 ...".
 */
export function classSentence(call: string, id: string): Localized {
  const c = `${call}()`
  if (id === 'zero') return { en: `${c} returns 0`, zh: `${c} 返回 0` }
  if (id === 'positive')
    return { en: `${c} returns n > 0 (a byte count)`, zh: `${c} 返回 n > 0（字节数）` }
  if (id === 'blocks') return { en: `${c} blocks and does not return`, zh: `${c} 阻塞，不返回` }
  if (id.startsWith('then-error:')) {
    const e = id.slice('then-error:'.length)
    return {
      en: `${c} returns n > 0 at first, then -1 with errno ${errnoLabel(e)}`,
      zh: `${c} 先返回 n > 0，之后返回 -1，errno 为 ${errnoLabel(e, 'zh')}`,
    }
  }
  if (id.startsWith('error:')) {
    const e = id.slice('error:'.length)
    return {
      en: `${c} returns -1 with errno ${errnoLabel(e)}`,
      zh: `${c} 返回 -1，errno 为 ${errnoLabel(e, 'zh')}`,
    }
  }
  return { en: `${c}: ${id}`, zh: `${c}：${id}` }
}

/** The class id of a step a backend ran. */
export function classOfStep(step: Pick<StepResult, 'outcome' | 'ret' | 'errno'>): string {
  if (step.outcome === 'blocked') return 'blocks'
  if (step.outcome === 'skipped') return 'skipped'
  if (step.ret === undefined) return 'zero'
  if (step.ret < 0) return `error:${step.errno ?? 'unknown'}`
  return step.ret === 0 ? 'zero' : 'positive'
}

/** One line describing what a step really returned, as the feedback shows it. */
export function describeStep(
  call: string,
  step: Pick<StepResult, 'outcome' | 'ret' | 'errno' | 'errnoNumber' | 'signal'>,
): string {
  if (step.outcome === 'blocked') return `${call}() was still blocked when the run ended`
  if (step.outcome === 'skipped') return `${call}() never ran (its actor had died or was stuck)`
  const errno = step.errno
    ? ` ${step.errno}${step.errnoNumber ? ` (${step.errnoNumber})` : ''}`
    : ''
  const signal = step.signal ? ` + ${step.signal}` : ''
  return `${call}() = ${step.ret ?? 0}${errno}${signal}`
}

const CJK = '\u3400-\u9fff'
const BEFORE_CODE = new RegExp(`([${CJK}])([A-Za-z0-9({\\[])`, 'g')
const AFTER_CODE = new RegExp(`([A-Za-z0-9)}\\]])([${CJK}])`, 'g')

/**
 * Chinese text with one spacing rule: a space between Chinese and code or numbers, none
 * around full-width punctuation ("当 recv() 返回 0 时", "ECONNRESET（104）时").
 */
export function zhSpaced(text: string): string {
  return text
    .replace(BEFORE_CODE, '$1 $2')
    .replace(AFTER_CODE, '$1 $2')
    .replace(/ *([，。：；（）“”、？！]) */g, '$1')
}
