/**
 * Who owns the SQLite file. node-sqlite3-wasm locks a database with a `<file>.lock` directory
 * that a killed process never removes, so after a crash (or `kill -9`) every later open would
 * fail with "database is locked". The store therefore records its owner's pid beside the file:
 * an open finds either no owner, a dead owner (then the stale lock directory is removed and
 * SQLite rolls back any hot journal on first read), or a live one (then it refuses, naming it).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'

/** Thrown when another live process has the data file open. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError'
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function ownerOf(ownerFile: string): number | undefined {
  try {
    return Number(readFileSync(ownerFile, 'utf8').trim())
  } catch {
    return undefined
  }
}

/**
 * Takes ownership of `dbFile` for this process; returns the function that gives it back.
 * Throws {@link StoreBusyError} when another live process owns it.
 */
export function takeOwnership(dbFile: string): () => void {
  const ownerFile = `${dbFile}.owner`
  const owner = ownerOf(ownerFile)
  if (owner !== undefined && owner !== process.pid && alive(owner)) {
    throw new StoreBusyError(
      `The data file ${dbFile} is in use by another Socket Anomaly Lab process (pid ${owner}); close it first.`,
    )
  }
  if (owner !== process.pid) {
    // No owner, or a dead one: whatever lock it held is stale.
    rmSync(`${dbFile}.lock`, { recursive: true, force: true })
    writeFileSync(ownerFile, `${process.pid}\n`)
  }
  return () => {
    if (ownerOf(ownerFile) === process.pid) rmSync(ownerFile, { force: true })
  }
}
