/** The sequence diagram's words in the reader's language (the layout measures and places them). */
import type { LabScript } from '../../shared/lab-script'
import { formatMs, stepHeadline } from '../components/format'
import type { SequenceTexts } from './sequence-layout'

/** A translation function (vue-i18n's `t`). */
type Translate = (key: string, params?: Record<string, unknown>) => string

/** The texts the view draws: calls as the script wrote them, drop reasons and waits translated. */
export function sequenceTexts(t: Translate, script: LabScript | null | undefined): SequenceTexts {
  return {
    call: (step, returned) =>
      returned
        ? `${stepHeadline(step, script)}${step.signal ? ` ⚡${step.signal}` : ''}`
        : `${stepHeadline({ ...step, outcome: 'blocked' }, script)} …`,
    fate: (e) => {
      const word = e.fate === 'held' ? t('labView.seq.held') : t(`labView.seq.${e.fate}`)
      return e.ruleStep !== undefined ? `${word} (#${e.ruleStep})` : word
    },
    gap: (ms) => t('labView.seq.gap', { ms: formatMs(ms) }),
  }
}
