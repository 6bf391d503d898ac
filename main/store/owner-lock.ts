/**
 * Who owns the SQLite file. node-sqlite3-wasm locks a database with a `<file>.lock` directory
 * that a killed process never removes, so after a crash (or `kill -9`) every later open would
 * fail with "database is locked". The store therefore records its owner beside the file
 * (`<file>.owner`: the pid and the process's start time): an open finds either no owner, a
 * dead owner (then the stale lock directory is removed and SQLite rolls back any hot journal
 * on first read), or a live one (then it refuses, naming it).
 *
 * A pid alone is not an identity: after a crash and a reboot (or just enough processes) the
 * recorded pid can belong to an unrelated process, and the store would refuse forever. So the
 * owner file also holds the start time of the process, field 22 of /proc/<pid>/stat (clock
 * ticks after boot), and an owner counts as alive only while that pid has that start time.
 * Where there is no /proc (macOS, Windows) the start time is written as `-` and the pid
 * alone decides, as before: a reused pid then refuses until that other process ends, and the
 * message names it so the user can see which.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'

/** Thrown when another live process has the data file open. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError'
}

/** The start time of a process from /proc (field 22 of its stat), or undefined without /proc. */
export function startTimeOf(pid: number, procRoot = '/proc'): string | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8')
    // Field 2 (the command name, in parentheses) may hold spaces and ')': count after the last.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const start = fields[22 - 3]
    return start && /^\d+$/.test(start) ? start : undefined
  } catch {
    return undefined
  }
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

/** A recorded owner: its pid and, where /proc exists, its start time. */
interface Owner {
  pid: number
  start?: string
}

function ownerOf(ownerFile: string): Owner | undefined {
  let text: string
  try {
    text = readFileSync(ownerFile, 'utf8')
  } catch {
    return undefined
  }
  const [pid, start] = text.trim().split(/\s+/)
  return { pid: Number(pid), ...(start && start !== '-' ? { start } : {}) }
}

/**
 * Is the recorded owner the same process as the one now running under its pid? Without a
 * recorded start time (an old owner file, or no /proc) only the pid can be compared.
 */
function stillRunning(owner: Owner, procRoot: string): boolean {
  if (!alive(owner.pid)) return false
  if (owner.start === undefined) return true
  const now = startTimeOf(owner.pid, procRoot)
  return now === undefined || now === owner.start
}

/**
 * Takes ownership of `dbFile` for this process; returns the function that gives it back.
 * Throws {@link StoreBusyError} when another live process owns it.
 */
export function takeOwnership(dbFile: string, procRoot = '/proc'): () => void {
  const ownerFile = `${dbFile}.owner`
  const me: Owner = { pid: process.pid, start: startTimeOf(process.pid, procRoot) }
  const isMe = (o: Owner | undefined): boolean =>
    o !== undefined && o.pid === me.pid && (o.start === undefined || o.start === me.start)
  const owner = ownerOf(ownerFile)
  if (owner && !isMe(owner) && stillRunning(owner, procRoot)) {
    throw new StoreBusyError(
      `The data file ${dbFile} is in use by another Socket Anomaly Lab process (pid ${owner.pid}); close it first.`,
    )
  }
  if (!isMe(owner)) {
    // No owner, a dead one, or a pid now used by another process: its lock is stale.
    rmSync(`${dbFile}.lock`, { recursive: true, force: true })
    writeFileSync(ownerFile, `${me.pid} ${me.start ?? '-'}\n`)
  }
  return () => {
    if (isMe(ownerOf(ownerFile))) rmSync(ownerFile, { force: true })
  }
}
