/**
 * A run request's `program` (the Lab's "Your program" panel) as a backend: the command line
 * split into words, then the kernel lab with that program playing its role
 * (main/kernel/program). Errors come back as data naming what was wrong.
 */
import { fail, ok, type Result, type RunRequest } from '../../shared/contract'
import type { BackendId } from '../../shared/lab-script'
import type { Backend } from '../backend/backend'
import { createProgramBackend } from '../kernel/program/index'

/**
 * Splits a command line into words as a POSIX shell does for a simple command: blanks
 * separate words, single quotes keep everything, double quotes keep all but `\\"` and `\\\\`,
 * a backslash outside quotes keeps the next character. No variables, globs or operators:
 * the program is started directly, never through a shell. Null when a quote is not closed.
 */
export function splitCommand(line: string): string[] | null {
  const words: string[] = []
  let word = ''
  let inWord = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) return null
      word += line.slice(i + 1, end)
      i = end
      inWord = true
    } else if (c === '"') {
      let j = i + 1
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++
        word += line[j]
      }
      if (j >= line.length) return null
      i = j
      inWord = true
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (inWord) words.push(word)
  return words
}

/** The backend that runs `program` as its role, or why it cannot. */
export function programBackend(
  program: NonNullable<RunRequest['program']>,
  backendId: BackendId,
  cwd?: string,
): Result<Backend> {
  if (backendId !== 'kernel')
    return fail(
      'bad-input',
      'Your own program runs on the real kernel only: choose the Kernel backend.',
    )
  const command = splitCommand(program.command)
  if (!command)
    return fail('bad-input', `The command line has a quote that is not closed: ${program.command}`)
  if (command.length === 0) return fail('bad-input', 'Name the program to run.')
  return ok(createProgramBackend({ role: program.role, command, ...(cwd ? { cwd } : {}) }))
}
