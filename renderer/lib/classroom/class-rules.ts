/**
 * Rules a teacher sets for a pack on this computer, and what this computer remembers of the
 * class labs taken on it: whether a pack allows one attempt per student (a timed lab that can
 * be left and started again gets a fresh timer and the same questions), and which students
 * have handed in which pack. Kept in localStorage: the rule holds on the shared lab PC where
 * the students take the lab.
 */
import { reactive } from 'vue'

const KEYS = { oneAttempt: 'sal.oneAttemptPacks', taken: 'sal.packAttempts' } as const

function read(key: string): string[] {
  try {
    const value: unknown = JSON.parse(globalThis.localStorage?.getItem(key) ?? '[]')
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

function write(key: string, value: string[]): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value))
  } catch {
    // Storage disabled: the rule holds for this session only.
  }
}

const state = reactive({ oneAttempt: read(KEYS.oneAttempt), taken: read(KEYS.taken) })

/** How a student is known for a pack: class code and name, as the gradebook matches them. */
function who(packId: string, classCode: string, student: string): string {
  return `${packId}\u0000${classCode.trim()}\u0000${student.trim().toLowerCase()}`
}

/** True when the pack allows one attempt per student on this computer. */
export function oneAttempt(packId: string): boolean {
  return state.oneAttempt.includes(packId)
}

/** Sets or lifts the one-attempt rule of a pack. */
export function setOneAttempt(packId: string, on: boolean): void {
  state.oneAttempt = on
    ? [...new Set([...state.oneAttempt, packId])]
    : state.oneAttempt.filter((id) => id !== packId)
  write(KEYS.oneAttempt, state.oneAttempt)
}

/** True when this student has taken (handed in or left) this pack on this computer. */
export function hasTaken(packId: string, classCode: string, student: string): boolean {
  return state.taken.includes(who(packId, classCode, student))
}

/** Remembers that a student took a pack (at its start: leaving does not give a second go). */
export function recordTaken(packId: string, classCode: string, student: string): void {
  const key = who(packId, classCode, student)
  if (state.taken.includes(key)) return
  state.taken = [...state.taken, key]
  write(KEYS.taken, state.taken)
}
