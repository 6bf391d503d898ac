/**
 * Parses one shell line into a lab-script step or a session command. Steps are checked with
 * the shared lab-script schema, so the shell accepts exactly what a script may contain and
 * explains what is wrong in the same words.
 */
import type { Localized } from '../../../shared/lab-script'
import { ACTORS, isClient, stepSchema, type Actor } from '../../../shared/lab-script'
import { ALL_COMMANDS, META_COMMANDS, NET_COMMANDS, STEP_COMMANDS } from './commands'

/** What a line asks for. */
export type ShellAction =
  | { kind: 'empty' }
  | { kind: 'step'; step: Record<string, unknown>; at?: number }
  | { kind: 'meta'; name: string; args: string[] }
  | { kind: 'error'; message: Localized }

function error(en: string, zh: string): ShellAction {
  return { kind: 'error', message: { en, zh } }
}

function int(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d+$/.test(word)) return undefined
  return Number(word)
}

/** Splits a line into words (no quoting: the language has no strings). */
export function words(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean)
}

/**
 * Parses a line. `actor` is who commands without a prefix act on; `defaultPort` is the
 * session's listening port, used when `listen`, `bind` or `connect` name none; `bound`: the
 * server's socket is bound by a `bind` since its last listen, so `listen` names no port.
 */
export function parseLine(
  line: string,
  actor: 'client' | 'server',
  defaultPort: number,
  bound = false,
): ShellAction {
  let w = words(line)
  if (w.length === 0 || w[0]!.startsWith('#')) return { kind: 'empty' }
  let at: number | undefined
  const time = /^@(\d+)(ms)?$/.exec(w[0]!)
  if (time) {
    at = Number(time[1])
    w = w.slice(1)
    if (w.length === 0)
      return error('"@<ms>" must be followed by a command.', '“@<毫秒>”后面必须跟一个命令。')
  }
  let who: Actor | undefined
  if ((ACTORS as readonly string[]).includes(w[0]!)) {
    who = w[0] as Actor
    w = w.slice(1)
    if (w.length === 0)
      return error(`"${who}" must be followed by a command.`, `“${who}”后面必须跟一个命令。`)
  }
  const [name, ...args] = w as [string, ...string[]]
  const meta = META_COMMANDS[name]
  if (meta) {
    if (who || at !== undefined)
      return error(
        `"${name}" is a shell command: it takes no actor or time.`,
        `“${name}”是终端命令，不能指定执行者或时间。`,
      )
    return { kind: 'meta', name, args }
  }
  const command = ALL_COMMANDS[name]
  if (!command) {
    return error(
      `Unknown command "${name}". Type help for the list.`,
      `未知命令“${name}”。输入 help 查看命令列表。`,
    )
  }
  const allowed = command.actors ?? []
  const performer: Actor = who ?? (allowed.includes(actor) ? actor : allowed[0]!)
  // A further client (version 2: client2...) may do what the client does.
  if (!allowed.includes(isClient(performer) ? 'client' : performer)) {
    return error(
      `"${name}" is done by ${allowed.join(' or ')}, not ${performer}.`,
      `“${name}”只能由 ${allowed.join(' 或 ')} 执行，不能由 ${performer} 执行。`,
    )
  }
  const step: Record<string, unknown> = { actor: performer, op: name }
  const bad = fill(step, name, args, defaultPort, bound && performer === 'server')
  if (bad) return bad
  const checked = stepSchema.safeParse(at !== undefined ? { ...step, at } : step)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    const field = issue.path.map(String).join('.') || name
    return error(
      `${name}: ${field}: ${issue.message}. Usage: ${command.usage}`,
      `${name}：${field}：${issue.message}。用法：${command.usage}`,
    )
  }
  return at !== undefined ? { kind: 'step', step, at } : { kind: 'step', step }
}

/** Fills a step's fields from the words after its name; an error when a word is wrong. */
function fill(
  step: Record<string, unknown>,
  name: string,
  args: string[],
  defaultPort: number,
  bound: boolean,
): ShellAction | undefined {
  const usage = ALL_COMMANDS[name]!.usage
  const wrong = (word: string) =>
    error(
      `${name}: unexpected "${word}". Usage: ${usage}`,
      `${name}：无法理解“${word}”。用法：${usage}`,
    )
  const need = (what: string) =>
    error(`${name} needs ${what}. Usage: ${usage}`, `${name} 需要${what}。用法：${usage}`)
  const rest = [...args]
  switch (name) {
    case 'listen':
    case 'bind':
    case 'connect': {
      const listenBound = name === 'listen' && bound
      // Options first: `listen backlog=1`, `bind 7001 reuseaddr`.
      for (let i = rest.length - 1; i >= 0; i--) {
        const backlog = /^backlog=(\d+)$/.exec(rest[i]!)
        if (rest[i] === 'reuseaddr' && name !== 'connect' && !listenBound) step.reuseaddr = true
        else if (backlog && name === 'listen') step.backlog = Number(backlog[1])
        else continue
        rest.splice(i, 1)
      }
      if (listenBound) break
      const port = rest.length && rest[0] !== 'nonblock' ? int(rest.shift()) : defaultPort
      if (port === undefined) return wrong(args[0]!)
      step.port = port
      if (name === 'connect' && rest[0] === 'nonblock') {
        rest.shift()
        step.nonblocking = true
      }
      break
    }
    case 'poll': {
      const events = rest.shift()
      if (events !== 'in' && events !== 'out') return need('in or out')
      step.events = events
      const timeout = /^timeout=(\d+)(ms)?$/.exec(rest[0] ?? '')
      if (timeout) {
        rest.shift()
        step.timeoutMs = Number(timeout[1])
      }
      break
    }
    case 'getsockopt':
      step.opt = rest[0] === 'SO_ERROR' ? rest.shift() : 'SO_ERROR'
      break
    case 'send': {
      const bytes = int(rest.shift())
      if (bytes === undefined) return need('a byte count')
      step.bytes = bytes
      break
    }
    case 'sleep': {
      const ms = int(rest.shift()?.replace(/ms$/, ''))
      if (ms === undefined) return need('milliseconds')
      step.ms = ms
      break
    }
    case 'recv': {
      for (const word of rest.splice(0)) {
        const timeout = /^timeout=(\d+)(ms)?$/.exec(word)
        if (timeout) step.timeoutMs = Number(timeout[1])
        else if (int(word) !== undefined && step.bytes === undefined) step.bytes = int(word)
        else return wrong(word)
      }
      break
    }
    case 'reboot':
    case 'usertimeout': {
      const ms = int(rest.shift()?.replace(/ms$/, ''))
      if (ms === undefined) return need('milliseconds')
      step.ms = ms
      break
    }
    case 'signal':
      if (rest[0] === 'restart') {
        rest.shift()
        step.restart = true
      }
      break
    case 'shutdown':
      step.how = rest.shift() ?? 'wr'
      break
    case 'crash':
      step.mode = rest.shift() ?? 'fin'
      break
    case 'cut':
      step.dir = rest.shift() ?? 'both'
      break
    case 'drop': {
      const match = rest.shift()
      if (!match) return need('a segment class')
      step.match = match
      if (rest[0] && !/^\d+$/.test(rest[0])) step.dir = rest.shift()
      if (rest[0]) {
        const count = int(rest.shift())
        if (count === undefined) return wrong(args.at(-1)!)
        step.count = count
      }
      break
    }
    case 'reject': {
      const icmp = rest.shift()
      if (!icmp) return need('an ICMP type')
      step.icmp = icmp
      if (rest[0]) step.dir = rest.shift()
      break
    }
    default:
      break
  }
  if (rest.length > 0) return wrong(rest[0]!)
  return undefined
}

/** True for commands that are steps (socket calls, process actions, net faults). */
export function isStepCommand(name: string): boolean {
  return name in STEP_COMMANDS || name in NET_COMMANDS
}
