/**
 * A pack as a file for an LMS (Moodle XML or GIFT, one language: docs/decisions/009): the
 * file's name, text and type, and the questions that had to be left out.
 */
import { giftText } from '../../../shared/quiz/lms/gift'
import { lmsItems, type LmsSkipped } from '../../../shared/quiz/lms/items'
import { moodleXml } from '../../../shared/quiz/lms/moodle-xml'
import { packQuiz, type QuestionPack } from '../../../shared/quiz/pack'
import type { QuizProof } from '../../../shared/quiz/proof'

/** The formats the Classroom view saves. */
export type LmsFileFormat = 'moodle' | 'gift'

/** One file to save. */
export interface LmsFile {
  name: string
  text: string
  type: string
  questions: number
  skipped: LmsSkipped[]
}

/**
 * The pack's quiz (the same questions students get for its seed, generated ones proved by
 * `proof`) as a Moodle XML or GIFT file in `lang`. GIFT is saved as `.gift.txt`: Moodle's
 * import takes a text file.
 */
export function lmsFile(
  pack: QuestionPack,
  proof: QuizProof,
  format: LmsFileFormat,
  lang: 'zh' | 'en',
): LmsFile {
  const { items, skipped } = lmsItems(packQuiz(pack, undefined, proof), proof)
  const options = {
    lang,
    category: pack.title[lang],
    source: `Socket Anomaly Lab: pack ${pack.id} (${lang}), ${items.length} questions`,
  }
  return format === 'moodle'
    ? {
        name: `${pack.id}.${lang}.moodle.xml`,
        text: moodleXml(items, options),
        type: 'application/xml',
        questions: items.length,
        skipped,
      }
    : {
        name: `${pack.id}.${lang}.gift.txt`,
        text: giftText(items, options),
        type: 'text/plain',
        questions: items.length,
        skipped,
      }
}
