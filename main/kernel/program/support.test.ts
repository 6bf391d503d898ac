// What `socklab doctor` and the CLI say when this host cannot run a student's program: each
// missing piece by name, with what would make it work.
import { describe, expect, it } from 'vitest'
import type { KernelProbe } from '../probe'
import { probeProgramSupport, type Runner } from './support'

const kernel = {
  available: true,
  detail: 'Each run gets its own network namespace.',
} as KernelProbe

function host(
  answers: Record<string, { code: number | null; stdout?: string; stderr?: string }>,
): Runner {
  return async (cmd, args) => {
    const a = answers[args[0] === '-V' ? `${cmd} -V` : cmd] ?? { code: null, stderr: 'ENOENT' }
    return { code: a.code, stdout: a.stdout ?? '', stderr: a.stderr ?? '' }
  }
}

describe('probeProgramSupport', () => {
  it('is available with the kernel lab, strace and ptrace', async () => {
    const s = await probeProgramSupport(
      kernel,
      host({ 'strace -V': { code: 0, stdout: 'strace -- version 6.1\n' }, strace: { code: 0 } }),
    )
    expect(s.available).toBe(true)
    expect(s.checks.map((c) => `${c.name}:${c.ok}`)).toEqual(['strace:true', 'ptrace:true'])
  })

  it('names a missing strace and how to install it', async () => {
    const s = await probeProgramSupport(kernel, host({}))
    expect(s.available).toBe(false)
    expect(s.detail).toMatch(
      /strace is not installed \(Debian and Ubuntu: apt-get install strace\)/,
    )
    expect(s.detail).toMatch(
      /needs Linux, perl, unprivileged user namespaces \(or root\) and strace/,
    )
  })

  it('names forbidden ptrace with what strace said', async () => {
    const s = await probeProgramSupport(
      kernel,
      host({
        'strace -V': { code: 0, stdout: 'strace -- version 6.1\n' },
        strace: {
          code: 1,
          stderr: 'strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted\n',
        },
      }),
    )
    expect(s.available).toBe(false)
    expect(s.checks[1]!.detail).toMatch(/Operation not permitted.*CAP_SYS_PTRACE/)
    expect(s.detail).toMatch(/ptrace is forbidden/)
  })

  it('passes on why the kernel lab itself cannot run', async () => {
    const s = await probeProgramSupport(
      {
        available: false,
        detail: 'The kernel lab cannot run on this host: darwin has no Linux network namespaces.',
      } as KernelProbe,
      host({ 'strace -V': { code: 0, stdout: 'strace -- version 6.1\n' }, strace: { code: 0 } }),
    )
    expect(s.available).toBe(false)
    expect(s.detail).toMatch(/darwin has no Linux network namespaces/)
  })
})
