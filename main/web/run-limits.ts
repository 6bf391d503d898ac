/**
 * How many runs browser mode lets go at once: a kernel run is about ten processes and a
 * network namespace, so a page (or anything that got the token) must not start them without
 * bound. A run counts from its startRun call until its last update (done or failed), which a
 * run sends after its cleanup; a connection that closes has its runs cancelled.
 */

/** The caps. */
export interface RunLimits {
  /** Runs one connection (one page) may have going. */
  perConnection: number
  /** Runs of all connections together. */
  total: number
}

/**
 * Defaults: a page runs one case, one comparison column and one quiz question at most, and a
 * run cancelled by a new click may still be cleaning up; four covers that with room.
 */
export const DEFAULT_RUN_LIMITS: RunLimits = { perConnection: 4, total: 8 }

/** The runs going, by connection. */
export class RunLedger<C> {
  private readonly owners = new Map<string, C>()

  constructor(private readonly limits: RunLimits) {}

  /** The runs of one connection. */
  runsOf(connection: C): string[] {
    return [...this.owners].filter(([, c]) => c === connection).map(([id]) => id)
  }

  /**
   * Counts a run as going before it starts (so two starts at once cannot both slip under the
   * cap); undefined when it may start, else the error message.
   */
  claim(connection: C, runId: string): string | undefined {
    if (this.owners.has(runId)) return `A run named "${runId}" is already going.`
    const mine = this.runsOf(connection).length
    if (mine >= this.limits.perConnection)
      return `This page already has ${mine} runs going, the most browser mode allows at once (${this.limits.perConnection}); wait for one to end or cancel one.`
    if (this.owners.size >= this.limits.total)
      return `Browser mode already has ${this.owners.size} runs going, the most it allows at once (${this.limits.total}, over every open page); wait for one to end.`
    this.owners.set(runId, connection)
    return undefined
  }

  /** The run ended, or never started. */
  release(runId: string): void {
    this.owners.delete(runId)
  }

  /** Runs going in all. */
  get size(): number {
    return this.owners.size
  }
}
