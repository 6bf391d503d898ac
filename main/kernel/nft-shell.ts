/**
 * One `nft -i` process inside the run's namespace (the hub's `nft` role, perl-hub.ts), kept
 * for the whole run: a net step is then one line written to it (about a millisecond) instead
 * of a new nft (tens of milliseconds on a loaded machine), so a fault takes effect when the
 * script says. Its first batch is the base ruleset (nft.ts).
 *
 * nft prints nothing when a transaction succeeds, so every batch is followed by listing the
 * empty chain `ip lab ack`: when that listing arrives, the batch before it is done, and any
 * `Error:` printed before it (stderr is merged into stdout, in order) belongs to that batch.
 */
import { createInterface } from 'node:readline'
import type { Duplex } from 'node:stream'

/** What a batch did. */
export type NftAnswer = { ok: true } | { ok: false; error: string }

/** The chain listed as the end-of-batch marker (baseRuleset creates it). */
export const ACK_CHAIN = 'ack'

interface Pending {
  resolve(answer: NftAnswer): void
  errors: string[]
  inAck: boolean
}

/** A running `nft -i`. */
export class NftShell {
  private readonly queue: Pending[] = []
  private exited = false

  /** `channel` is `nft -i`'s stdin, and its stdout and stderr merged. */
  constructor(private readonly channel: Duplex) {
    createInterface({ input: channel }).on('line', (l) => this.line(l))
    channel.once('close', () => {
      this.exited = true
      for (const p of this.queue.splice(0)) p.resolve({ ok: false, error: 'nft exited' })
    })
  }

  private line(text: string): void {
    const head = this.queue[0]
    if (!head) return
    if (text === `\tchain ${ACK_CHAIN} {`) head.inAck = true
    else if (head.inAck && text === '}') {
      this.queue.shift()
      head.resolve(
        head.errors.length ? { ok: false, error: head.errors.join(' ').trim() } : { ok: true },
      )
    } else if (!head.inAck && !text.startsWith('table ip lab')) head.errors.push(text.trim())
  }

  /** Applies an nft script (one command a line) as one batch. */
  apply(script: string): Promise<NftAnswer> {
    const commands = script
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
    if (this.exited || !this.channel.writable) {
      return Promise.resolve({ ok: false, error: 'nft is not running' })
    }
    return new Promise((resolve) => {
      this.queue.push({ resolve, errors: [], inAck: false })
      this.channel.write(`${commands.join('; ')}\nlist chain ip lab ${ACK_CHAIN}\n`)
    })
  }
}
