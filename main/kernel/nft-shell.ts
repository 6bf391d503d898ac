/**
 * One `nft -i` process inside the run's namespace, kept for the whole run: a net step is then
 * one line written to it (about a millisecond) instead of a new nsenter + nft (tens of
 * milliseconds on a loaded machine), so a fault takes effect when the script says.
 *
 * nft prints nothing when a transaction succeeds, so every batch is followed by listing the
 * empty chain `ip lab ack`: when that listing arrives, the batch before it is done, and any
 * `Error:` printed before it (stderr is merged into stdout, in order) belongs to that batch.
 */
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { waitExit } from './netns'

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

  /** `child` runs `nft -i` with stderr merged into stdout. */
  constructor(private readonly child: ChildProcess) {
    child.stdin?.on('error', () => undefined)
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => this.line(l))
    child.once('exit', () => {
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
    if (this.exited || !this.child.stdin?.writable) {
      return Promise.resolve({ ok: false, error: 'nft is not running' })
    }
    return new Promise((resolve) => {
      this.queue.push({ resolve, errors: [], inAck: false })
      this.child.stdin!.write(`${commands.join('; ')}\nlist chain ip lab ${ACK_CHAIN}\n`)
    })
  }

  /** Ends nft (EOF) and waits for it. */
  async close(): Promise<void> {
    this.child.stdin?.end()
    await waitExit(this.child, 500)
  }
}
