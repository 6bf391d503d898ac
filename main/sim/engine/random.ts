/**
 * The injected random source: a small seeded generator (mulberry32), so the same script and
 * seed give the same run byte for byte. Nothing in the simulator may call Math.random().
 */

/** A deterministic random source. */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number
}

/** mulberry32 (a class, not closures: one is made per run). */
class Mulberry32 implements Random {
  private a: number

  constructor(seed: number) {
    this.a = seed >>> 0
  }

  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0
    let t = this.a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
}

/** Creates a seeded generator. */
export function seededRandom(seed: number): Random {
  return new Mulberry32(seed)
}
