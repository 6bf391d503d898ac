/**
 * What the kernel lab can do on this host (`socklab doctor`, the UI's capabilities): are
 * unprivileged network namespaces allowed, is nft there and usable inside one, can the
 * namespace's timer sysctls be written, is there a capture; and from that, which catalog
 * cases run on the real kernel here and why the others cannot.
 */
import { release } from 'node:os'
import { CATALOG } from '../../shared/catalog/index'
import { parseLabScript, type LabScript } from '../../shared/lab-script'
import { runCommand, type CommandResult } from './netns'

/** One thing the probe checked. */
export interface ProbeCheck {
  name: string
  ok: boolean
  detail: string
}

/** The probe's report. */
export interface KernelProbe {
  available: boolean
  isolation: 'netns' | 'loopback' | 'none'
  /** One sentence. */
  detail: string
  checks: ProbeCheck[]
  /** True when `nft` rules (net faults, silent crash) work inside the namespace. */
  nft: boolean
  /** True when per-namespace timer sysctls can be written. */
  sysctls: boolean
  /** True when segments can be captured (nft trace inside the namespace). */
  capture: boolean
  /**
   * True when the socket helper (sockctl.ts: Perl with its core Socket module, Linux) can make
   * the calls Node cannot: a blocking connect, exact keepalive timings, shutdown(SHUT_RD).
   */
  helper: boolean
  platform: NodeJS.Platform
  release: string
  cases: { id: string; runnable: boolean; why?: string }[]
}

/** What the probe may ask of the host (injectable, so the fallbacks can be tested). */
export interface ProbeHost {
  platform: NodeJS.Platform
  release: string
  run(cmd: string, args: string[]): Promise<CommandResult>
}

const realHost: ProbeHost = {
  platform: process.platform,
  release: release(),
  run: (c, a) => runCommand(c, a),
}

// The socket helper needs perl and these constants of its core Socket module.
const HELPER_PROBE =
  'use Socket qw(TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT MSG_NOSIGNAL MSG_DONTWAIT); print "ok"'

// One unshare does every check inside a throwaway namespace; each prints a marker.
const PROBE_SCRIPT = [
  'ip link set lo up && echo mark:lo',
  'nft add table ip probe && nft add chain ip probe c "{ type filter hook output priority 0; }" && nft add rule ip probe c tcp dport 9 drop && echo mark:nft',
  'echo 3 > /proc/sys/net/ipv4/tcp_syn_retries && echo mark:sysctl',
  'command -v ss >/dev/null && echo mark:ss',
  'command -v tcpdump >/dev/null && echo mark:tcpdump',
  'true',
].join('\n')

/** Probes a host (the real one by default). */
export async function probeHost(host: ProbeHost = realHost): Promise<KernelProbe> {
  const checks: ProbeCheck[] = []
  let netns = false
  let nft = false
  let sysctls = false
  let helper = false
  if (host.platform === 'linux') {
    const h = await host.run('perl', ['-e', HELPER_PROBE])
    helper = h.code === 0 && h.stdout.trim() === 'ok'
    checks.push({
      name: 'socket helper',
      ok: helper,
      detail: helper
        ? 'perl with its Socket module: blocking connect(), exact keepalive interval and count, shutdown(SHUT_RD)'
        : 'perl (with its core Socket module) is missing: Node alone cannot make a blocking connect(), set the keepalive interval and count, or shut the read side',
    })
    const r = await host.run('unshare', ['-rn', 'sh', '-c', PROBE_SCRIPT])
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
        ? 'unshare -rn gives a private network namespace with loopback'
        : `unshare -rn is not permitted here${why ? ` (${why})` : ''}`,
    })
    nft = netns && marks.has('nft')
    checks.push({
      name: 'nft',
      ok: nft,
      detail: nft
        ? 'nft rules load inside the namespace (cut, drop, reject, silent crash)'
        : netns
          ? 'nft is missing or cannot load rules inside the namespace'
          : 'needs a private network namespace',
    })
    sysctls = netns && marks.has('sysctl')
    checks.push({
      name: 'timer sysctls',
      ok: sysctls,
      detail: sysctls
        ? 'tcp_syn_retries and friends can be set per namespace (shortened timers)'
        : 'the namespace timer sysctls cannot be written',
    })
    checks.push({
      name: 'capture',
      ok: nft,
      detail: nft
        ? `${helper ? 'segments with sequence numbers from a packet socket (perl) and their fate from nft trace' : 'segments from nft trace (no sequence numbers without perl)'} inside the namespace${marks.has('tcpdump') ? '; tcpdump is installed but cannot drop privileges in an unprivileged namespace' : ''}`
        : 'no capture: nft trace needs nft inside a namespace',
    })
    checks.push({
      name: 'socket table',
      ok: true,
      detail: 'TCP states from /proc/<pid>/net/tcp inside the namespace (the table ss reads)',
    })
  } else {
    checks.push({
      name: 'user namespaces',
      ok: false,
      detail: `${host.platform} has no Linux network namespaces: plain loopback only`,
    })
  }
  const isolation: KernelProbe['isolation'] = netns ? 'netns' : 'loopback'
  const probe: KernelProbe = {
    available: true,
    isolation,
    detail: netns
      ? `Each run gets its own network namespace (unshare -rn) with nft faults${sysctls ? ' and per-namespace timers' : ''}.`
      : `No private network namespace here, so only the loopback cases run (no network faults, no shortened timers).`,
    checks,
    nft,
    sysctls,
    capture: nft,
    helper,
    platform: host.platform,
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
  if (!probe.available) return `The kernel lab is not available here: ${probe.detail}`
  const noNs =
    probe.isolation !== 'netns'
      ? 'unshare -rn is not permitted here'
      : 'nft cannot load rules in the namespace'
  for (const s of script.steps) {
    if (s.op === 'cut' || s.op === 'drop' || s.op === 'reject' || s.op === 'heal') {
      if (!probe.nft) return `net op ${s.op} needs a private network namespace with nft; ${noNs}.`
    }
    if (s.op === 'crash' && s.mode === 'silent' && !probe.nft) {
      return `crash mode silent needs a private network namespace with nft to make the host vanish; ${noNs}.`
    }
    if ((s.op === 'freeze' || s.op === 'thaw') && probe.platform === 'win32') {
      return `${s.op} needs SIGSTOP/SIGCONT, which Windows does not have.`
    }
  }
  const t = script.timers
  const timed =
    t.synRetries !== undefined ||
    t.synackRetries !== undefined ||
    t.retries2 !== undefined ||
    t.keepalive !== undefined
  if (timed && !probe.sysctls) {
    return 'the script shortens kernel timers, which needs per-namespace sysctls; this host has no private network namespace.'
  }
  if (!probe.helper) {
    const noHelper = `Node's own socket calls cannot do it and the socket helper (perl) is not available here`
    for (const s of script.steps) {
      if (s.op === 'keepalive' && t.keepalive !== undefined) {
        return `keepalive with the script's interval and count needs TCP_KEEPINTVL and TCP_KEEPCNT; ${noHelper}.`
      }
      if (s.op === 'shutdown' && s.how !== 'wr') {
        return `shutdown(SHUT_RD) has no Node call; ${noHelper}.`
      }
    }
    const connects = script.steps.some((s) => s.op === 'connect')
    if (connects && script.steps.some((s) => s.op === 'reject')) {
      return `an ICMP error during a blocking connect() is reported at the next SYN; Node's connect is non-blocking and sees it at once, and the socket helper (perl) for a blocking connect is not available here.`
    }
  }
  return null
}

let cached: Promise<KernelProbe> | null = null

/** The real host's probe, computed once per process. */
export function probeKernel(): Promise<KernelProbe> {
  cached ??= probeHost()
  return cached
}
