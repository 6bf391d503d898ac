/**
 * Linux system call numbers of the calls the lab's Perl programs make with Perl's `syscall()`
 * (docs/decisions/006-kernel-peers-make-real-syscalls.md): a call on a plain integer
 * descriptor goes straight to the kernel, so a descriptor the program closed gets the
 * kernel's EBADF, not Perl's. Numbers differ per architecture (x86_64 has its own table,
 * aarch64 uses the generic one); the socket option values the programs use are the same on
 * both.
 */

/** The calls the programs make. */
export const SYSCALL_NAMES = [
  'socket',
  'bind',
  'listen',
  'accept4',
  'connect',
  'getsockname',
  'sendto',
  'recvfrom',
  'shutdown',
  'setsockopt',
  'getsockopt',
  'fcntl',
  'ppoll',
  'close',
  'clock_gettime',
  'prctl',
  'getpid',
  'unshare',
  'rt_sigaction',
] as const
/** One of {@link SYSCALL_NAMES}. */
export type SyscallName = (typeof SYSCALL_NAMES)[number]

/** Node's name of each architecture the lab knows (`process.arch`). */
export type SyscallArch = 'x64' | 'arm64'

/** arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h. */
export const SYSCALLS: Record<SyscallArch, Record<SyscallName, number>> = {
  x64: {
    socket: 41,
    bind: 49,
    listen: 50,
    accept4: 288,
    connect: 42,
    getsockname: 51,
    sendto: 44,
    recvfrom: 45,
    shutdown: 48,
    setsockopt: 54,
    getsockopt: 55,
    fcntl: 72,
    ppoll: 271,
    close: 3,
    clock_gettime: 228,
    prctl: 157,
    getpid: 39,
    unshare: 272,
    rt_sigaction: 13,
  },
  arm64: {
    socket: 198,
    bind: 200,
    listen: 201,
    accept4: 242,
    connect: 203,
    getsockname: 204,
    sendto: 206,
    recvfrom: 207,
    shutdown: 210,
    setsockopt: 208,
    getsockopt: 209,
    fcntl: 25,
    ppoll: 73,
    close: 57,
    clock_gettime: 113,
    prctl: 167,
    getpid: 172,
    unshare: 97,
    rt_sigaction: 134,
  },
}

/** The table for this architecture, or null where the lab has none. */
export function syscallArch(arch: string = process.arch): SyscallArch | null {
  return arch === 'x64' || arch === 'arm64' ? arch : null
}

/** The table as a Perl hash body (`socket => 41, ...`), for the programs' source. */
export function perlSyscallTable(arch: SyscallArch): string {
  return SYSCALL_NAMES.map((n) => `${n} => ${SYSCALLS[arch][n]}`).join(', ')
}
