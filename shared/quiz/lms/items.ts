/**
 * A quiz as an LMS sees it: each question with its options marked right or wrong, in one
 * language-neutral shape that the Moodle XML and GIFT writers share (docs/decisions/009).
 * A predict-then-run question has no fixed answer in the app (the student's own run grades
 * it); for a catalog case the simulator's run on Linux, from the quiz's proof, gives one, and
 * a question without such a run is left out and listed, never given a made-up answer.
 */
import type { Localized } from '../../lab-script'
import type { QuizProof } from '../proof'
import { classText } from '../result-text'
import type { Quiz, QuizQuestion } from '../types'

/** The profile an exported predict-then-run question's answer comes from. */
export const LMS_PROFILE = 'linux' as const

/** One option of an exported question. */
export interface LmsOption {
  text: Localized
  /** Right (Moodle fraction 100) or wrong (0); for `order`, every option is in its place. */
  correct: boolean
}

/** One exported question. */
export interface LmsItem {
  /** Name and ID number in the LMS: the pack's own question id, or the generated id. */
  name: string
  topic: string
  /** `truefalse`: a choice whose option ids are exactly `true` and `false`. */
  kind: 'choice' | 'truefalse' | 'order'
  prompt: Localized
  /** `choice`: in the quiz's order; `truefalse`: true, then false; `order`: the right order. */
  options: LmsOption[]
  explanation: Localized
}

/** A question left out of an export, and why. */
export interface LmsSkipped {
  id: string
  reason: Localized
}

/** What {@link lmsItems} gives. */
export interface LmsItems {
  items: LmsItem[]
  skipped: LmsSkipped[]
}

/** The name a pack question had in its pack (`custom:<pack>:<id>` -> `<id>`). */
export function lmsName(question: Pick<QuizQuestion, 'id' | 'type'>): string {
  return question.type === 'custom' ? question.id.replace(/^custom:[^:]+:/, '') : question.id
}

function isTrueFalse(q: QuizQuestion): boolean {
  const ids = q.options.map((o) => o.id).sort()
  return q.kind === 'choice' && ids.length === 2 && ids[0] === 'false' && ids[1] === 'true'
}

/** The answer of a predict-then-run question on Linux, from the proof's run of its case. */
function provedAnswer(q: QuizQuestion, proof: QuizProof | undefined): string | undefined {
  const scenario = q.run?.scenarioId
  if (!scenario || !q.run) return undefined
  const cls = proof?.runs[scenario]?.[LMS_PROFILE]?.steps.find((s) => s.index === q.run?.step)?.cls
  return cls && q.options.some((o) => o.id === cls) ? cls : undefined
}

function withRun(explanation: Localized, cls: string): Localized {
  const said = classText(cls)
  return {
    en: `${explanation.en}\n\nThe simulator's run of this case on Linux: ${said.en}.`,
    zh: `${explanation.zh}\n\n模拟器在 Linux 上运行这个案例的结果：${said.zh}。`,
  }
}

/**
 * The questions of a quiz (a pack's or a generated one) ready to export. `proof` supplies the
 * answers of predict-then-run questions about catalog cases; a teacher's own lab script has
 * no proof run, so it is listed in `skipped`.
 */
export function lmsItems(quiz: Pick<Quiz, 'questions'>, proof?: QuizProof): LmsItems {
  const items: LmsItem[] = []
  const skipped: LmsSkipped[] = []
  for (const q of quiz.questions) {
    const base = { name: lmsName(q), topic: q.topic, prompt: q.prompt }
    if (q.type === 'predict-run') {
      const cls = provedAnswer(q, proof)
      if (!cls) {
        skipped.push({
          id: q.id,
          reason: {
            en: 'a predict-then-run lab on a script of its own: only the student’s run can grade it, which an LMS cannot do',
            zh: '这是一个在自带脚本上先预测再运行的实验：只有学生自己的运行结果才能判分，LMS 做不到',
          },
        })
        continue
      }
      items.push({
        ...base,
        kind: 'choice',
        options: q.options.map((o) => ({ text: o.text, correct: o.id === cls })),
        explanation: withRun(q.explanation, cls),
      })
    } else if (q.kind === 'order') {
      const byId = new Map(q.options.map((o) => [o.id, o]))
      items.push({
        ...base,
        kind: 'order',
        options: q.answer.map((id) => ({
          text: byId.get(id)?.text ?? { en: id, zh: id },
          correct: true,
        })),
        explanation: q.explanation,
      })
    } else {
      // A true/false question lists "true" first, so the writers know which one the answer is.
      const tf = isTrueFalse(q)
      const options = tf
        ? ['true', 'false'].flatMap((id) => q.options.filter((o) => o.id === id))
        : q.options
      items.push({
        ...base,
        kind: tf ? 'truefalse' : 'choice',
        options: options.map((o) => ({ text: o.text, correct: q.answer.includes(o.id) })),
        explanation: q.explanation,
      })
    }
  }
  return { items, skipped }
}
