/**
 * `socklab run <case|script> --backend kernel --client -- <command> [args]` (or `--server`):
 * the student's command plays that role in the kernel lab (main/kernel/program, issue 14).
 * `{host}` and `{port}` in its arguments become the address (SOCKLAB_HOST, SOCKLAB_PORT in its
 * environment too). Exit codes as `run`: 0 done (whatever the program's own status), 2 bad
 * input, 3 this host cannot run programs (the message says why and what would help), 4 failed.
 */
import type { Endpoint, LabScript } from '../../shared/lab-script'
import { formatProgramTrace } from '../../shared/program-text'
import { createProgramBackend } from '../kernel/program/index'
import { runScript } from '../lab/session'
import { loadScript } from './load-script'
import { EXIT, interruptible, type CliIo } from './run-cli'

/** A program run's arguments: before `--` the lab's, after it the command. */
export interface ProgramArgs {
  target: string
  role: Endpoint
  command: string[]
  json: boolean
  limitMs?: number
}

/** True when `run`'s arguments ask for a program (`--client` or `--server` before `--`). */
export function wantsProgram(argv: readonly string[]): boolean {
  const dash = argv.indexOf('--')
  const lab = dash < 0 ? argv : argv.slice(0, dash)
  return lab.includes('--client') || lab.includes('--server')
}

/** Reads the arguments of a program run; a string says what is wrong. */
export function parseProgramArgs(argv: readonly string[]): ProgramArgs | string {
  const dash = argv.indexOf('--')
  if (dash < 0)
    return 'Put the program after "--": socklab run <case> --backend kernel --client -- python3 client.py {host} {port}'
  const lab = argv.slice(0, dash)
  const command = argv.slice(dash + 1)
  let role: Endpoint | undefined
  let json = false
  let limitMs: number | undefined
  const positional: string[] = []
  for (let i = 0; i < lab.length; i++) {
    const a = lab[i]!
    if (a === '--client' || a === '--server') {
      const r = a === '--client' ? 'client' : 'server'
      if (role && role !== r) return 'Choose one role: --client or --server, not both.'
      role = r
    } else if (a === '--json') json = true
    else if (a === '--backend') {
      const v = lab[++i] ?? ''
      if (v !== 'kernel')
        return `A program runs only on the kernel backend (real sockets); got --backend "${v}".`
    } else if (a === '--limit') {
      const v = Number(lab[++i])
      if (!Number.isInteger(v) || v < 100 || v > 600_000)
        return '--limit is the run time limit in ms, 100 to 600000.'
      limitMs = v
    } else if (a.startsWith('--')) return `Unknown option "${a}" for a program run.`
    else positional.push(a)
  }
  if (!role) return 'Say which role the program plays: --client or --server.'
  if (positional.length !== 1) return 'Name exactly one scenario id or script file.'
  if (command.length === 0 || !command[0])
    return `Name the ${role} program after "--", e.g. -- python3 ${role}.py {host} {port}.`
  return { target: positional[0]!, role, command, json, ...(limitMs ? { limitMs } : {}) }
}

/** Runs `socklab run ... --client|--server -- command`. */
export async function runProgramCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseProgramArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return EXIT.badInput
  }
  const loaded = await loadScript(args.target)
  if (!loaded.ok) {
    io.err(loaded.message)
    return EXIT.badInput
  }
  const script: LabScript = loaded.script
  const backend = createProgramBackend({
    role: args.role,
    command: args.command,
    cwd: process.cwd(),
    ...(args.limitMs ? { limitMs: args.limitMs } : {}),
  })
  const controller = interruptible()
  const result = await runScript(script, backend, { signal: controller.signal })
  controller.release()
  const cancelled = controller.cancelled(io)
  if (cancelled !== undefined) return cancelled
  if (!result.ok) {
    io.err(result.error.message)
    return result.error.code === 'unsupported'
      ? EXIT.unsupported
      : result.error.code === 'bad-input'
        ? EXIT.badInput
        : EXIT.failed
  }
  const r = result.value
  if (args.json) {
    io.out(JSON.stringify(r, null, 2))
    return EXIT.done
  }
  io.out(
    `# ${script.id ?? '(script)'} on the kernel, your program as the ${args.role}${r.host ? `, host ${r.host.platform} ${r.host.release} (${r.host.isolation})` : ''}`,
  )
  for (const line of formatProgramTrace(r, script)) io.out(line)
  return EXIT.done
}
