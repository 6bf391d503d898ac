/**
 * The seeded quiz: the whole question pool from the generators, then a pick that mixes the
 * question types (round robin over a shuffled type order). Same seed, same source: same quiz.
 */
import { defaultSource, GENERATORS, type QuizSource } from './generators'
import { createRng, deriveSeed, shuffled } from './prng'
import type { QuestionType, Quiz, QuizQuestion } from './types'

/** Options of {@link generateQuiz}. */
export interface GenerateOptions {
  seed: number
  /** How many questions (default 10; fewer when the pool is smaller). */
  count?: number
  /** Only these types (default: all generated types). */
  types?: readonly QuestionType[]
  source?: QuizSource
}

/** Every question the source yields, options shuffled by the seed. */
export function questionPool(seed: number, source: QuizSource = defaultSource()): QuizQuestion[] {
  return Object.entries(GENERATORS).flatMap(([label, generate]) =>
    generate(source, createRng(deriveSeed(seed, label))),
  )
}

/** A quiz of `count` questions drawn from the pool with the seed. */
export function generateQuiz(options: GenerateOptions): Quiz {
  const seed = options.seed >>> 0
  const count = options.count ?? 10
  const pool = questionPool(seed, options.source).filter(
    (q) => !options.types || options.types.includes(q.type),
  )
  const rng = createRng(deriveSeed(seed, 'pick'))
  const byType = new Map<QuestionType, QuizQuestion[]>()
  for (const q of pool) byType.set(q.type, [...(byType.get(q.type) ?? []), q])
  const queues = shuffled(rng, [...byType.keys()]).map((t) => shuffled(rng, byType.get(t) ?? []))
  const picked: QuizQuestion[] = []
  while (picked.length < count && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift()
      if (next && picked.length < count) picked.push(next)
    }
  }
  return { seed, questions: shuffled(rng, picked) }
}
