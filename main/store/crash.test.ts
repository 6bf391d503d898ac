/**
 * Durability: a child process saves attempts in a loop and is killed with SIGKILL while it
 * writes; every attempt it reported as committed must be there, whole, and the file sound.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILE, QuizStore } from './quiz-store'

const WRITER = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url))
const ANSWERS = 300
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

interface WriterRun {
  committed: string[]
  code: number | null
  signal: NodeJS.Signals | null
  hotJournal: boolean
}

/** Runs the writer; kills it with SIGKILL once `killAfter` commits were reported (if given). */
function runWriter(
  dir: string,
  max: number,
  killAfter?: number,
  killDelayMs = 0,
): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WRITER, dir, String(max), String(ANSWERS)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const committed: string[] = []
    let buffer = ''
    let stderr = ''
    let hotJournal = false
    let killing: NodeJS.Timeout | undefined
    const guard = setTimeout(() => child.kill('SIGKILL'), 25_000)
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice(10))
      if (killAfter !== undefined && committed.length >= killAfter && !killing) {
        // The parent reacts within microseconds, before the child has begun its next
        // transaction; a short delay lets the kill land while it writes.
        killing = setTimeout(() => child.kill('SIGKILL'), killDelayMs)
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      // A -journal file left behind means the kill landed inside a write transaction.
      hotJournal = existsSync(join(dir, `${DB_FILE}-journal`))
      if (killAfter === undefined && code !== 0) reject(new Error(`writer failed: ${stderr}`))
      else resolve({ committed, code, signal, hotJournal })
    })
  })
}

function checkIntact(dir: string, committed: string[]): number {
  const store = QuizStore.open(dir)
  try {
    expect(store.integrityCheck()).toBe('ok')
    for (const id of committed) {
      const a = store.getAttempt(id)
      expect(a, id).toBeDefined()
      expect(a?.answers).toHaveLength(ANSWERS)
      expect(a?.score).toBe(a?.answers.filter((x) => x.correct).length)
    }
    // Nothing partial either: every stored attempt has all its answers.
    for (const a of store.listAttempts(100_000)) expect(a.answers).toHaveLength(a.total)
    return store.countAttempts()
  } finally {
    store.close()
  }
}

describe('store durability', () => {
  it('keeps what a finished process wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-crash-'))
    dirs.push(dir)
    const run = await runWriter(dir, 5)
    expect(run.code).toBe(0)
    expect(checkIntact(dir, run.committed)).toBe(5)
  })

  it('loses no committed attempt when the writer is killed with SIGKILL mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-crash-'))
    dirs.push(dir)
    let committed: string[] = []
    let hot = 0
    // Kills at different points (at least three, more until one lands inside a transaction);
    // the store is reopened (and its journal rolled back) each time.
    let rounds = 0
    for (; rounds < 10 && (rounds < 3 || hot === 0); rounds++) {
      const run = await runWriter(dir, 100_000, 3 + rounds * 4, 3 + ((rounds * 7) % 17))
      expect(run.signal).toBe('SIGKILL')
      committed = [...committed, ...run.committed]
      if (run.hotJournal) hot += 1
      const stored = checkIntact(dir, committed)
      // At most the one attempt committed after the last line was printed, never fewer.
      expect(stored).toBeGreaterThanOrEqual(committed.length)
      expect(stored).toBeLessThanOrEqual(committed.length + 3)
    }
    // The test means something only if some kill hit a transaction (a hot journal on disk).
    console.info(`SIGKILL landed inside a transaction ${hot} of ${rounds} times`)
    expect(hot).toBeGreaterThanOrEqual(1)
  }, 90_000)
})
