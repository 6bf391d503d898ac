import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { LabScript } from '../../shared/lab-script'
import type { RunOptions } from '../lab/session'

// A run that lasts until it is cancelled, then ends the way session.runScript ends a cancelled
// run: the backend's partial result marked `cancelled`.
vi.mock('../lab/session', () => ({
  runScript: (script: LabScript, _backend: unknown, options: RunOptions = {}) =>
    new Promise((resolve) =>
      options.signal?.addEventListener('abort', () =>
        resolve({ ok: true, value: { script, cancelled: true } }),
      ),
    ),
}))

const { EXIT, runCli } = await import('./run-cli')

const dir = mkdtempSync(join(tmpdir(), 'socklab-run-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Where the CLI writes, kept for the test to read. */
function io(): {
  out: string[]
  err: string[]
  io: { out(t: string): void; err(t: string): void }
} {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t) } }
}

describe('socklab run', () => {
  it('exits 130 and says the run was cancelled when Ctrl+C stops it', async () => {
    const seen = io()
    const code = runCli(['run', 'connect.refused', '--json'], seen.io)
    // Once the run is going (its SIGINT listener is in place), press Ctrl+C.
    await vi.waitFor(() => expect(process.listenerCount('SIGINT')).toBeGreaterThan(0))
    process.emit('SIGINT', 'SIGINT')
    expect(await code).toBe(EXIT.interrupted)
    expect(EXIT.interrupted).toBe(130)
    expect(seen.err.join('\n')).toMatch(/^Cancelled by Ctrl\+C \(SIGINT\): the run was stopped/)
    // --json promises one document or none: a cancelled run prints none.
    expect(seen.out).toEqual([])
    expect(process.listenerCount('SIGINT')).toBe(0)
  })

  it('refuses a YAML alias bomb with exit 2 and the line, never a stack trace', async () => {
    const levels = Array.from(
      { length: 9 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`,
    )
    const file = join(dir, 'bomb.yaml')
    writeFileSync(file, ['l0: &l0 [lol]', ...levels, 'labScript: 1', 'steps: *l9', ''].join('\n'))
    const seen = io()
    expect(await runCli(['run', file], seen.io)).toBe(EXIT.badInput)
    const message = seen.err.join('\n')
    expect(message).toMatch(/bomb\.yaml: line 2, column \d+: YAML aliases here expand to more/)
    expect(message).not.toMatch(/\n\s+at /)
  })
})
