/**
 * The seeded quiz: the whole question pool from the generators, then a pick that mixes the
 * question types (round robin over a shuffled type order) and never asks about one table row
 * twice. Same seed, same source, same proof: same quiz.
 *
 * Questions about what a call returns are proved against the simulator's runs (`proof`, see
 * shared/quiz/proof.ts); main/lab/quiz-proof.ts computes it. Without a proof only the errno
 * questions are made.
 */
import { rowsOf } from './check'
import { defaultSource, GENERATORS, type QuizSource } from './generators'
import { createRng, deriveSeed, shuffled } from './prng'
import type { QuizProof } from './proof'
import type { QuestionType, Quiz, QuizQuestion } from './types'

/** Options of {@link generateQuiz}. */
export interface GenerateOptions {
  seed: number
  /** How many questions (default 10; fewer when the pool is smaller). */
  count?: number
  /** Only these types (default: all generated types). */
  types?: readonly QuestionType[]
  source?: QuizSource
  /** The simulator's runs of the catalog; without them only errno questions are made. */
  proof?: QuizProof
}

/** Every question the source yields, options shuffled by the seed, each one checked. */
export function questionPool(
  seed: number,
  source: QuizSource = defaultSource(),
  proof?: QuizProof,
): QuizQuestion[] {
  return Object.entries(GENERATORS).flatMap(([label, generate]) =>
    generate({ source, proof }, createRng(deriveSeed(seed, label))),
  )
}

/** A quiz of `count` questions drawn from the pool with the seed, no table row twice. */
export function generateQuiz(options: GenerateOptions): Quiz {
  const seed = options.seed >>> 0
  const count = options.count ?? 10
  const pool = questionPool(seed, options.source, options.proof).filter(
    (q) => !options.types || options.types.includes(q.type),
  )
  const rng = createRng(deriveSeed(seed, 'pick'))
  const byType = new Map<QuestionType, QuizQuestion[]>()
  for (const q of pool) byType.set(q.type, [...(byType.get(q.type) ?? []), q])
  const queues = shuffled(rng, [...byType.keys()]).map((t) => shuffled(rng, byType.get(t) ?? []))
  const picked: QuizQuestion[] = []
  const usedRows = new Set<string>()
  const take = (queue: QuizQuestion[]): void => {
    // The next question of this type whose rows no picked question has asked about.
    const at = queue.findIndex((q) => rowsOf(q).every((r) => !usedRows.has(r)))
    if (at < 0) {
      queue.length = 0
      return
    }
    const [q] = queue.splice(at, 1)
    for (const r of rowsOf(q!)) usedRows.add(r)
    picked.push(q!)
  }
  while (picked.length < count && queues.some((q) => q.length > 0)) {
    for (const queue of queues) if (queue.length > 0 && picked.length < count) take(queue)
  }
  return { seed, questions: shuffled(rng, picked) }
}
