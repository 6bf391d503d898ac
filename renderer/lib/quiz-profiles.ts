/**
 * Students sharing one lab PC: who is taking the quiz, and whose each stored attempt is, so
 * that the history and the mastery are one student's, not everyone's pooled. Kept in this
 * browser's localStorage beside the attempts the store keeps (see the report of issue 16 for
 * the store's own student field, which would carry this across browsers).
 */
import { reactive } from 'vue'

const KEYS = { names: 'sal.quizStudents', current: 'sal.quizStudent', owner: 'sal.attemptOwner' }

function read<T>(key: string, fallback: T, ok: (v: unknown) => v is T): T {
  try {
    const raw = globalThis.localStorage?.getItem(key)
    const value: unknown = raw === null || raw === undefined ? fallback : JSON.parse(raw)
    return ok(value) ? value : fallback
  } catch {
    return fallback
  }
}

function write(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value))
  } catch {
    // Storage disabled: profiles last for this session.
  }
}

const isNames = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string')
const isName = (v: unknown): v is string => typeof v === 'string'
const isOwners = (v: unknown): v is Record<string, string> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isName)

/** The profiles of this PC. `current` is '' for "everyone" (nothing filtered). */
export const profiles = reactive({
  names: read(KEYS.names, [] as string[], isNames),
  current: read(KEYS.current, '', isName),
  owner: read(KEYS.owner, {} as Record<string, string>, isOwners),
})

/** Adds a student (trimmed; the same name in other letter case is the same student). */
export function addStudent(name: string): string | null {
  const clean = name.trim().slice(0, 120)
  if (!clean) return null
  const known = profiles.names.find((n) => n.toLowerCase() === clean.toLowerCase())
  if (!known) {
    profiles.names = [...profiles.names, clean].sort((a, b) => a.localeCompare(b))
    write(KEYS.names, profiles.names)
  }
  return known ?? clean
}

/** Chooses whose quizzes are taken and shown ('' for everyone). */
export function chooseStudent(name: string): void {
  profiles.current = name
  write(KEYS.current, name)
}

/** Records whose attempt a finished attempt is. */
export function ownAttempt(attemptId: string, student: string): void {
  if (!student) return
  profiles.owner = { ...profiles.owner, [attemptId]: student }
  write(KEYS.owner, profiles.owner)
}

/** True when an attempt belongs to the chosen student (every attempt when none is chosen). */
export function isShown(attemptId: string, student: string = profiles.current): boolean {
  if (!student) return true
  return profiles.owner[attemptId]?.toLowerCase() === student.toLowerCase()
}
