/**
 * A small seeded pseudo-random generator (mulberry32): the quiz must be the same for the same
 * seed on every machine and in every process, so `Math.random` is never used.
 */

/** A source of numbers in [0, 1), deterministic for its seed. */
export type Rng = () => number

/** mulberry32: 32-bit state, good enough spread for shuffling a quiz, identical everywhere. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

/** A shuffled copy (Fisher-Yates), leaving the input alone. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1)
    const tmp = out[i] as T
    out[i] = out[j] as T
    out[j] = tmp
  }
  return out
}

/** Up to `n` distinct items, in random order. */
export function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  return shuffled(rng, items).slice(0, n)
}

/** Derives an independent seed for a sub-task, so adding one generator does not shift another. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0
  }
  return h
}

/** A fresh seed for "no seed given" (the caller shows it so the quiz can be repeated). */
export function seedFromTime(now: number): number {
  return (Math.floor(now) % 1_000_000_000) >>> 0
}
