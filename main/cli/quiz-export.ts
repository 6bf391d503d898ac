/**
 * `socklab quiz --format moodle|gift [--pack FILE] [--seed N] [--lang zh|en]`: a generated
 * quiz, or a teacher's pack (YAML, JSON or GIFT), written as Moodle XML or GIFT on standard
 * output, in one language (docs/decisions/009-lms-one-file-per-language.md). Questions an LMS
 * cannot grade (a predict-then-run lab on the pack's own script) are named on standard error.
 */
import { generateQuiz } from '../../shared/quiz/generate'
import { giftText } from '../../shared/quiz/lms/gift'
import { isGiftFile, parseGift } from '../../shared/quiz/lms/gift-import'
import { lmsItems } from '../../shared/quiz/lms/items'
import { moodleXml } from '../../shared/quiz/lms/moodle-xml'
import { formatPackProblems, packQuiz, parsePack } from '../../shared/quiz/pack'
import type { Quiz } from '../../shared/quiz/types'
import { formatTextProblem } from '../../shared/text-file'
import { simulatorProof } from '../lab/quiz-proof'
import { decodeFileBytes, readBounded } from './load-script'
import type { CliIo } from './run-cli'

/** The two LMS formats. */
export const LMS_FORMATS = ['moodle', 'gift'] as const
/** One of {@link LMS_FORMATS}. */
export type LmsFormat = (typeof LMS_FORMATS)[number]

/** What to export. */
export interface QuizExportArgs {
  format: LmsFormat
  lang: 'zh' | 'en'
  seed: number
  pack?: string
}

/** A pack file's quiz and title, or the message of why it cannot be read. */
async function packOf(
  file: string,
  lang: 'zh' | 'en',
): Promise<{ quiz: Quiz; title: string } | string> {
  const bytes = await readBounded(file)
  if (typeof bytes === 'string') return bytes
  const text = decodeFileBytes(bytes)
  if (!text.ok) return `${file}: ${formatTextProblem(text.problem)}`
  const parsed = isGiftFile(file) ? parseGift(text.value, file) : parsePack(text.value)
  if (!parsed.ok)
    return `The question pack ${file} is not valid:\n${formatPackProblems(parsed.problems, file)}`
  return {
    quiz: packQuiz(parsed.pack, undefined, simulatorProof()),
    title: parsed.pack.title[lang],
  }
}

/** Writes the export; resolves with the exit code (0, or 2 for a pack that cannot be read). */
export async function runQuizExport(args: QuizExportArgs, io: CliIo): Promise<number> {
  const proof = simulatorProof()
  let quiz: Quiz
  let category: string
  if (args.pack) {
    const pack = await packOf(args.pack, args.lang)
    if (typeof pack === 'string') {
      io.err(pack)
      return 2
    }
    ;({ quiz, title: category } = pack)
  } else {
    quiz = generateQuiz({ seed: args.seed, proof })
    category =
      args.lang === 'zh'
        ? `网络异常实验室测验 种子 ${args.seed}`
        : `Socket Anomaly Lab quiz seed ${args.seed}`
  }
  const { items, skipped } = lmsItems(quiz, proof)
  const source = `Socket Anomaly Lab: ${args.pack ? `pack ${args.pack}` : `quiz --seed ${args.seed}`} (${args.lang}), ${items.length} questions`
  const options = { lang: args.lang, category, source }
  const text = args.format === 'moodle' ? moodleXml(items, options) : giftText(items, options)
  io.out(text.replace(/\n$/, ''))
  for (const s of skipped)
    io.err(
      args.lang === 'zh' ? `未导出 ${s.id}：${s.reason.zh}。` : `Left out ${s.id}: ${s.reason.en}.`,
    )
  return 0
}
