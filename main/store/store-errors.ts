/**
 * What went wrong with the data file, said the way a user can act on it. SQLite under
 * node-sqlite3-wasm reports a full disk as "disk I/O error" (its file layer maps ENOSPC to
 * SQLITE_IOERR), so an I/O error is checked against the free space of the disk; a damaged
 * file is found by `PRAGMA quick_check` when the store opens (quiz-store.ts) and kept aside.
 */
import { copyFileSync, existsSync, statfsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/** Thrown when the data file is damaged: the message names the copy kept aside. */
export class StoreDamagedError extends Error {
  override readonly name = 'StoreDamagedError'
}

/** Free bytes below which an I/O error is taken for a full disk. */
export const DISK_FULL_BELOW = 1024 * 1024

/** The free bytes of the disk holding `path`, or undefined when it cannot be asked. */
export type FreeSpace = (path: string) => number | undefined

/** Free bytes for an unprivileged process on the disk holding `path`. */
export const freeSpace: FreeSpace = (path) => {
  try {
    const fs = statfsSync(path)
    return fs.bavail * fs.bsize
  } catch {
    return undefined
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** True when SQLite says the file is not a sound database. */
export function isCorruption(error: unknown): boolean {
  return /malformed|not a database|SQLITE_CORRUPT|SQLITE_NOTADB|corrupt/i.test(text(error))
}

/**
 * The error as a sentence: a full disk is called a full disk (with the space left), anything
 * else keeps SQLite's or the system's own words.
 */
export function describeStoreError(
  error: unknown,
  file: string,
  free: FreeSpace = freeSpace,
): string {
  const message = text(error)
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const full = code === 'ENOSPC' || /SQLITE_FULL|database or disk is full|ENOSPC/i.test(message)
  const io = /disk I\/O error|SQLITE_IOERR/i.test(message)
  if (full || io) {
    const left = free(dirname(file))
    if (full || (left !== undefined && left < DISK_FULL_BELOW)) {
      const kb = left === undefined ? '' : ` (${Math.floor(left / 1024)} KB left)`
      return `the disk holding ${dirname(file)} is full${kb}: free some space and try again. Nothing of this change was saved.`
    }
  }
  return message
}

/** The error itself, or one that says "the disk is full" in its place (with it as the cause). */
export function restated(error: unknown, file: string): unknown {
  const described = describeStoreError(error, file)
  return described === text(error) ? error : new Error(described, { cause: error })
}

/** `2026-03-01T07-59-00Z`: a time that can be part of a file name on every OS. */
function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')
}

/**
 * Copies a damaged data file (and its journal) aside, named by the file's last change, so
 * opening it again does not make another copy; returns the copy's path.
 */
export function keepDamagedCopy(file: string): string {
  const copy = `${file}.damaged-${fileStamp(statSync(file).mtime)}`
  if (!existsSync(copy)) {
    copyFileSync(file, copy)
    if (existsSync(`${file}-journal`)) copyFileSync(`${file}-journal`, `${copy}-journal`)
  }
  return copy
}

/** The error of a damaged file, after its copy is kept. */
export function damagedError(file: string, detail: string): StoreDamagedError {
  let kept: string
  try {
    kept = `a copy of it is kept as ${keepDamagedCopy(file)}`
  } catch (error) {
    kept = `no copy could be made (${describeStoreError(error, file)})`
  }
  return new StoreDamagedError(
    `The quiz data file ${file} is damaged (SQLite's quick_check: ${detail.split('\n')[0]}). ` +
      `Nothing more is written to it; ${kept}. To start afresh, delete ${file}: the app then ` +
      'makes a new, empty one (the copy keeps the old data for recovery, e.g. with "sqlite3 <copy> .recover").',
  )
}
