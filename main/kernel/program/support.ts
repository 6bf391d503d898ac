/**
 * Whether this host can run a student's program in the lab (`socklab doctor`, the CLI's
 * refusals): it needs everything the kernel lab needs (Linux, perl, a private network
 * namespace per run: probe.ts) and strace, allowed to trace its own child (ptrace). Where
 * something is missing the answer says what, and what would make it work.
 */
import type { CommandResult } from '../netns'
import { runCommand } from '../netns'
import type { KernelProbe, ProbeCheck } from '../probe'

/** What the program feature can do here. */
export interface ProgramSupport {
  available: boolean
  /** One sentence: what works, or why not and what would make it work. */
  detail: string
  checks: ProbeCheck[]
}

/** Runs a command (injectable, so each refusal is tested). */
export type Runner = (cmd: string, args: string[]) => Promise<CommandResult>

/** Probes strace and ptrace, given the kernel lab's own probe. */
export async function probeProgramSupport(
  kernel: KernelProbe,
  run: Runner = (c, a) => runCommand(c, a),
): Promise<ProgramSupport> {
  const checks: ProbeCheck[] = []
  const version = await run('strace', ['-V'])
  const present = version.code === 0 && /strace/.test(version.stdout)
  checks.push({
    name: 'strace',
    ok: present,
    detail: present
      ? `${version.stdout.split('\n')[0]!.trim()} traces the program's socket calls`
      : "strace is not installed: install it (Debian and Ubuntu: apt-get install strace; Fedora: dnf install strace); the lab reads the program's socket calls from it",
  })
  let traces = false
  if (present) {
    const t = await run('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=getpid', 'true'])
    traces = t.code === 0
    const why = t.stderr.trim().split('\n')[0] ?? ''
    checks.push({
      name: 'ptrace',
      ok: traces,
      detail: traces
        ? 'strace may trace the programs it starts'
        : `strace cannot trace here${why ? ` (${why})` : ''}: ptrace is forbidden (a container needs CAP_SYS_PTRACE or a seccomp profile that allows ptrace; kernel.yama.ptrace_scope must be below 3)`,
    })
  }
  let blocker: string | null = null
  if (!kernel.available) blocker = kernel.detail.replace(/\.$/, '')
  else if (!present) blocker = 'strace is not installed (Debian and Ubuntu: apt-get install strace)'
  else if (!traces) blocker = 'strace cannot trace programs here (ptrace is forbidden)'
  return {
    available: blocker === null,
    detail:
      blocker === null
        ? "Your program can play the client or the server: it runs in the run's network namespace with the script's faults and timers, and strace records its socket calls."
        : `Your own program cannot run in the lab on this host: ${blocker}. It needs Linux, perl, unprivileged user namespaces (or root) and strace.`,
    checks,
  }
}

let cached: Promise<ProgramSupport> | null = null

/** This host's answer, computed once per process. */
export function programSupport(kernel: KernelProbe): Promise<ProgramSupport> {
  cached ??= probeProgramSupport(kernel)
  return cached
}
