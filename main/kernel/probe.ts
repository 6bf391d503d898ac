/**
 * What the kernel lab can do on this host (`socklab doctor`, the UI's capabilities). It needs
 * Linux, perl (its programs are Perl making real system calls: perl-hub.ts), system call
 * numbers for this architecture, and unprivileged user namespaces (each run gets a private
 * network namespace); nft for net faults, writable namespace sysctls for shortened timers.
 * Where any of that is missing the backend refuses the scripts that need it, with one
 * sentence saying why: it never emulates what it cannot ask the kernel.
 */
import { release } from 'node:os'
import { CATALOG } from '../../shared/catalog/index'
import { parseLabScript, type LabScript } from '../../shared/lab-script'
import { runCommand, type CommandResult } from './netns'
import { needsNft } from './nft'
import { namespaceProgram } from './perl-hub'
import { SYSCALLS, syscallArch } from './syscalls'

/** One thing the probe checked. */
export interface ProbeCheck {
  name: string
  ok: boolean
  detail: string
}

/** The probe's report. */
export interface KernelProbe {
  /** True when runs can start here at all (Linux, perl, a known architecture, namespaces). */
  available: boolean
  isolation: 'netns' | 'loopback' | 'none'
  /** One sentence: what runs get, or why the lab cannot run here. */
  detail: string
  checks: ProbeCheck[]
  /** True when `nft` rules (net faults, silent crash) work inside the namespace. */
  nft: boolean
  /** True when per-namespace timer sysctls can be written. */
  sysctls: boolean
  /**
   * True when conntrack works inside the namespace (an nft `ct state` rule loads and its
   * net.netfilter sysctls can be written): the script's stateful firewall.
   */
  conntrack: boolean
  /** True when a packet socket inside the namespace sees the segments (with sequence numbers). */
  capture: boolean
  /** True when perl runs and its `syscall()` reaches this kernel with the lab's numbers. */
  perl: boolean
  platform: NodeJS.Platform
  arch: string
  release: string
  cases: { id: string; runnable: boolean; why?: string }[]
}

/** What the probe may ask of the host (injectable, so every refusal can be tested). */
export interface ProbeHost {
  platform: NodeJS.Platform
  /** `process.arch` of the host (default: this one). */
  arch?: string
  release: string
  run(cmd: string, args: string[]): Promise<CommandResult>
}

const realHost: ProbeHost = {
  platform: process.platform,
  arch: process.arch,
  release: release(),
  run: (c, a) => runCommand(c, a),
}

// perl's syscall() with the lab's number for getpid must answer its own pid.
const PERL_PROBE = 'print syscall($ARGV[0]) == $$ ? "ok" : "wrong number"'

// Every check inside a throwaway namespace, made the way a run makes its own (perl-hub.ts);
// each prints a marker.
const PROBE_SCRIPT = [
  'ip link set lo up && echo mark:lo',
  'nft add table ip probe && nft add chain ip probe c "{ type filter hook output priority 0; }" && nft add rule ip probe c tcp dport 9 drop && echo mark:nft',
  'echo 3 > /proc/sys/net/ipv4/tcp_syn_retries && echo mark:sysctl',
  'nft add rule ip probe c ct state invalid drop && echo 0 > /proc/sys/net/netfilter/nf_conntrack_tcp_loose && echo 5 > /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established && echo mark:conntrack',
  `perl -e 'socket(my $p, 17, 3, 0x0300) and print "mark:packet\\n"'`,
  'command -v tcpdump >/dev/null && echo mark:tcpdump',
  'true',
].join('\n')

/** Probes a host (the real one by default). */
export async function probeHost(host: ProbeHost = realHost): Promise<KernelProbe> {
  const checks: ProbeCheck[] = []
  const arch = host.arch ?? process.arch
  const table = syscallArch(arch)
  let perl = false
  let netns = false
  let nft = false
  let sysctls = false
  let capture = false
  let conntrack = false
  let blocker: string | null = null
  if (host.platform !== 'linux') {
    blocker = `${host.platform} has no Linux network namespaces, and the lab's programs make Linux system calls`
    checks.push({ name: 'linux', ok: false, detail: blocker })
  } else {
    checks.push({
      name: 'architecture',
      ok: table !== null,
      detail: table
        ? `system call numbers for ${arch}`
        : `no system call numbers for ${arch} (the lab knows x64 and arm64)`,
    })
    if (table) {
      const p = await host.run('perl', ['-e', PERL_PROBE, String(SYSCALLS[table].getpid)])
      perl = p.code === 0 && p.stdout.trim() === 'ok'
      const why = (p.stdout.trim() || p.stderr.trim().split('\n')[0]) ?? ''
      checks.push({
        name: 'perl',
        ok: perl,
        detail: perl
          ? "perl's syscall() reaches the kernel: the client and server make each call as one real system call"
          : `perl is missing or its syscall() does not work here${why ? ` (${why})` : ''}`,
      })
    }
    const r =
      table && perl
        ? await host.run('perl', ['-e', namespaceProgram(table), PROBE_SCRIPT])
        : { code: null, stdout: '', stderr: 'needs perl' }
    const marks = new Set(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('mark:'))
        .map((l) => l.slice(5)),
    )
    netns = r.code === 0 && marks.has('lo')
    const why = (r.stderr.trim().split('\n')[0] ?? '').trim()
    checks.push({
      name: 'user namespaces',
      ok: netns,
      detail: netns
        ? 'a user namespace and a private network namespace (what unshare -rn makes) for each run'
        : `no private network namespace here${why ? ` (${why})` : ''}`,
    })
    nft = netns && marks.has('nft')
    checks.push({
      name: 'nft',
      ok: nft,
      detail: nft
        ? 'nft rules load inside the namespace (cut, drop, reject, heal, silent crash, and their trace)'
        : netns
          ? 'nft is missing or cannot load rules inside the namespace: scripts with net faults cannot run'
          : 'needs a private network namespace',
    })
    sysctls = netns && marks.has('sysctl')
    checks.push({
      name: 'timer sysctls',
      ok: sysctls,
      detail: sysctls
        ? 'tcp_syn_retries and friends can be set per namespace (shortened timers)'
        : 'the namespace timer sysctls cannot be written: scripts that shorten timers cannot run',
    })
    conntrack = nft && marks.has('conntrack')
    checks.push({
      name: 'conntrack',
      ok: conntrack,
      detail: conntrack
        ? "conntrack tracks connections inside the namespace, with the namespace's own timeouts (the script's stateful firewall)"
        : nft
          ? 'conntrack cannot run or cannot be tuned inside the namespace: scripts with a firewall cannot run'
          : 'needs nft inside the namespace',
    })
    capture = netns && marks.has('packet')
    checks.push({
      name: 'capture',
      ok: capture,
      detail: capture
        ? `a packet socket (perl) inside the namespace sees every segment with its sequence numbers${nft ? ', and nft trace says what became of each' : ''}${marks.has('tcpdump') ? '; tcpdump is installed but cannot drop privileges in an unprivileged namespace' : ''}`
        : 'no packet socket inside the namespace: runs show no segments',
    })
    checks.push({
      name: 'socket table',
      ok: netns,
      detail: 'TCP states from /proc/<pid>/net/tcp inside the namespace (the table ss reads)',
    })
    if (!table) blocker = `the lab has no system call numbers for ${arch}`
    else if (!perl) blocker = 'perl is missing (its programs are Perl making real system calls)'
    else if (!netns)
      blocker = `unprivileged user namespaces are not permitted${why ? ` (${why})` : ''}`
  }
  const available = blocker === null
  const probe: KernelProbe = {
    available,
    isolation: available ? 'netns' : 'none',
    detail: available
      ? `Each run gets its own network namespace where two Perl programs make real system calls${nft ? ', with nft faults' : ''}${sysctls ? ' and per-namespace timers' : ''}.`
      : `The kernel lab cannot run on this host: ${blocker}.`,
    checks,
    nft,
    sysctls,
    conntrack,
    capture,
    perl,
    platform: host.platform,
    arch,
    release: host.release,
    cases: [],
  }
  probe.cases = CATALOG.filter((c) => c.backends.includes('kernel')).map((c) => {
    const parsed = parseLabScript(c.script)
    if (!parsed.ok) return { id: c.script.id, runnable: false, why: 'the script is invalid' }
    const why = whyNot(parsed.script, probe)
    return why ? { id: c.script.id, runnable: false, why } : { id: c.script.id, runnable: true }
  })
  return probe
}

/** Why this host cannot run a script (one sentence), or null when it can. */
export function whyNot(script: LabScript, probe: KernelProbe): string | null {
  if (!probe.available) return probe.detail
  if (needsNft(script) && !probe.nft) {
    const s = script.steps.find(
      (x) => x.op !== 'crash' && needsNft({ ...script, firewall: undefined, steps: [x] }),
    )
    const what = s ? `net op ${s.op}` : script.firewall ? 'the firewall' : 'crash mode silent'
    return `${what} needs nft rules in the run's namespace, and nft is missing or cannot load rules here.`
  }
  if (script.firewall && !probe.conntrack) {
    return "the script's firewall is the namespace's conntrack, which cannot run or cannot be tuned in this host's namespaces."
  }
  const t = script.timers
  const timed =
    t.synRetries !== undefined ||
    t.synackRetries !== undefined ||
    t.retries2 !== undefined ||
    t.keepalive !== undefined
  if (timed && !probe.sysctls) {
    return "the script shortens kernel timers, which needs per-namespace sysctls, and this host's namespaces cannot write them."
  }
  return null
}

let cached: Promise<KernelProbe> | null = null

/** The real host's probe, computed once per process. */
export function probeKernel(): Promise<KernelProbe> {
  cached ??= probeHost()
  return cached
}
