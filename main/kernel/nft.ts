/**
 * nftables rules for the kernel lab's `net` steps (run inside the run's private namespace).
 *
 * On loopback a segment crosses the output hook (when it is sent) and then the input hook
 * (when it arrives). The lab loses segments on the way *in*, as a network would: the sender
 * sent it (its TCP sees nothing unusual, the packet capture sees it leave, with its
 * sequence numbers) and the receiver never gets it. Rejects act on the way in too, as a
 * router next to the destination would: the sender's transmission succeeds and an ICMP error
 * comes back. (On the way out the sender's own transmission would fail with EPERM, and Linux
 * would then count its data give-up budget from the original send instead of from the first
 * retransmission, which no real network does.) On loopback the ICMP still arrives while a
 * blocking connect() holds the socket, so it is reported at the next SYN tick, as measured.
 *
 * Table `ip lab`:
 * - chains `trace` (output) and `trace_in` (input), priority -300, mark every TCP segment
 *   for `nft monitor`; one rule per TCP data offset, so the trace says the header length and
 *   the payload length can be computed (trace prints the IP length but not the data offset).
 * - chain `faults` (input, priority 0) holds one jump per active drop, cut or reject step, in
 *   the order the steps ran: the first rule that matches a segment decides, as in the
 *   simulator (docs/lab-script-format.md, "net operations"); `heal` flushes it. (Rejects
 *   once had a chain of their own at a higher priority, so a later reject overrode an
 *   earlier cut; the fuzzer found the simulator disagreeing.)
 * - chain `firewall` (input, priority -1; only with the script's `firewall`) is the stateful
 *   firewall: the namespace's conntrack tracks every connection (conntrack sees each segment
 *   once, on its way out; runner.ts sets its timeouts to `idleS` and `tcp_loose` to 0, so a
 *   segment of an expired entry that is not a SYN is INVALID instead of picked up again), and
 *   an INVALID segment that is not an RST is dropped or answered with `reject with tcp reset`
 *   (nf_send_reset) on its way in, before the faults, as simulator's path does
 *   (main/sim/net/firewall.ts). RSTs pass: the firewall's own reset is INVALID too.
 * - chain `gone` (input, priority 1) silences a crashed host (crash mode `silent`); heal
 *   keeps it.
 * - chain `ack` stays empty: the persistent `nft -i` lists it to mark the end of a batch.
 * - chain `s<i>` per net step: `return` rules skip segments the step does not match, then a
 *   `drop` (with `numgen inc` as the counter when the step has a count) or a `reject`.
 */
import type { Firewall, LabScript, StepOf } from '../../shared/lab-script'
import { ACK_CHAIN } from './nft-shell'

/** TCP data offsets (header length in 32-bit words) that can occur. */
const DOFFS = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]

/** Ports that tell the two directions apart on the faulted hop. */
export interface HopPorts {
  /** The port the server side listens on for this hop: c2s segments go to it. */
  serverPort: number
}

/** True when a script needs nft in its namespace: net faults, a firewall, or a silent crash. */
export function needsNft(script: Pick<LabScript, 'steps' | 'firewall'>): boolean {
  if (script.firewall) return true
  return script.steps.some(
    (s) =>
      s.op === 'cut' ||
      s.op === 'drop' ||
      s.op === 'reject' ||
      s.op === 'heal' ||
      (s.op === 'crash' && s.mode === 'silent') ||
      s.op === 'reboot',
  )
}

/**
 * The base ruleset, as the first batch of the run's `nft -i` (one command a line, so the
 * shell can send it as one line).
 */
export function baseRuleset(firewall?: Firewall): string {
  const chain = (name: string, hook: string, priority: number): string =>
    `add chain ip lab ${name} { type filter hook ${hook} priority ${priority}; policy accept; }`
  const marks = (name: string): string[] =>
    DOFFS.map((k) => `add rule ip lab ${name} tcp doff ${k} meta nftrace set 1`)
  return [
    'add table ip lab',
    chain('trace', 'output', -300),
    ...marks('trace'),
    chain('trace_in', 'input', -300),
    ...marks('trace_in'),
    ...(firewall
      ? [
          chain('firewall', 'input', -1),
          `add rule ip lab firewall tcp flags & rst == 0 ct state invalid ${FORGET_NFT[firewall.forget]}`,
        ]
      : []),
    chain('faults', 'input', 0),
    chain('gone', 'input', 1),
    // Empty: nft-shell.ts lists it to know a batch is done.
    `add chain ip lab ${ACK_CHAIN} { }`,
  ].join('\n')
}

/** What the firewall chain does with a segment of a forgotten connection. */
const FORGET_NFT: Record<Firewall['forget'], string> = {
  drop: 'drop',
  reset: 'reject with tcp reset',
}

/**
 * The net.netfilter sysctls a firewall needs: every TCP conntrack timeout is `idleS` (so an
 * entry in any state lives `idleS` after its last segment), conntrack does not pick up a
 * connection mid-stream (`tcp_loose` 0), and it does not judge windows (`tcp_be_liberal` 1:
 * the simulator's firewall does not either; a retransmission the faults provoke must not turn
 * INVALID).
 */
export function firewallSysctls(firewall: Firewall): Record<string, number> {
  const out: Record<string, number> = {
    nf_conntrack_tcp_loose: 0,
    nf_conntrack_tcp_be_liberal: 1,
  }
  for (const state of CONNTRACK_TCP_TIMEOUTS)
    out[`nf_conntrack_tcp_timeout_${state}`] = firewall.idleS
  return out
}

/** conntrack's per-state TCP timeouts (/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_*). */
const CONNTRACK_TCP_TIMEOUTS = [
  'syn_sent',
  'syn_recv',
  'established',
  'fin_wait',
  'close_wait',
  'last_ack',
  'time_wait',
  'close',
  'max_retrans',
  'unacknowledged',
] as const

function dirMatches(dir: 'both' | 'c2s' | 's2c', hop: HopPorts): string[] {
  const c2s = `tcp dport ${hop.serverPort}`
  const s2c = `tcp sport ${hop.serverPort}`
  if (dir === 'c2s') return [c2s]
  if (dir === 's2c') return [s2c]
  return [c2s, s2c]
}

/** `return` rules that let through what a drop `match` does not cover. */
function matchFilter(match: StepOf<'drop'>['match']): string[] {
  switch (match) {
    case 'SYN':
      return ['tcp flags & (syn | ack) != syn return']
    case 'SYN-ACK':
      return ['tcp flags & (syn | ack) != syn | ack return']
    case 'FIN':
      return ['tcp flags & fin != fin return']
    case 'RST':
      return ['tcp flags & rst != rst return']
    case 'ACK':
      // A pure ACK: ACK set, no SYN/FIN/RST, and no payload (IP length = 20 + 4 * doff).
      return [
        'tcp flags & ack != ack return',
        'tcp flags & (syn | fin | rst) != 0 return',
        ...DOFFS.map((k) => `tcp doff ${k} ip length != ${20 + 4 * k} return`),
      ]
    case 'data':
      return DOFFS.map((k) => `tcp doff ${k} ip length ${20 + 4 * k} return`)
    case 'any':
      return []
  }
}

/** nft names of the ICMP errors a reject step can send. */
const ICMP_NFT: Record<StepOf<'reject'>['icmp'], string> = {
  'host-unreachable': 'host-unreachable',
  'net-unreachable': 'net-unreachable',
  'port-unreachable': 'port-unreachable',
  'admin-prohibited': 'admin-prohibited',
}

/** A net step that installs rules. */
export type FaultStep = StepOf<'cut'> | StepOf<'drop'> | StepOf<'reject'>

/**
 * The nft script (for `nft -f -`) that installs one net step as chain `s<index>`.
 * `count` uses `numgen inc`: the rule's own counter, which only advances for segments that
 * reached it (every filter before it has let them through).
 */
export function faultRules(index: number, step: FaultStep, hop: HopPorts): string {
  const chain = `s${index}`
  const body: string[] = []
  let verdict = 'drop'
  if (step.op === 'drop') {
    body.push(...matchFilter(step.match))
    if (step.count !== undefined) verdict = `numgen inc mod 1000000000 < ${step.count} drop`
  } else if (step.op === 'reject') {
    verdict = `reject with icmp type ${ICMP_NFT[step.icmp]}`
  }
  body.push(verdict)
  const lines = [`add chain ip lab ${chain}`]
  for (const rule of body) lines.push(`add rule ip lab ${chain} ${rule}`)
  for (const m of dirMatches(step.dir, hop)) lines.push(`add rule ip lab faults ${m} jump ${chain}`)
  return lines.join('\n') + '\n'
}

/** Drops everything to and from one local port (crash mode `silent`: the host vanishes). */
export function silenceRules(port: number): string {
  // Chain `gone`, not `faults`: a later heal must not bring a vanished host back.
  return `add rule ip lab gone tcp sport ${port} drop\nadd rule ip lab gone tcp dport ${port} drop\n`
}

/**
 * A host that is down for a `reboot` step: chain `down<index>` (input, priority 1, like
 * `gone`) drops every segment to and from its ports; {@link upRules} empties it when the host
 * is back. Its own chain, so neither `heal` nor another host's fate touches it.
 */
export function downRules(index: number, ports: readonly number[]): string {
  const chain = `down${index}`
  const lines = [`add chain ip lab ${chain} { type filter hook input priority 1; policy accept; }`]
  for (const p of ports)
    lines.push(
      `add rule ip lab ${chain} tcp sport ${p} drop`,
      `add rule ip lab ${chain} tcp dport ${p} drop`,
    )
  return lines.join('\n') + '\n'
}

/** The host of `reboot` step `index` is back: its segments pass again. */
export function upRules(index: number): string {
  return `flush chain ip lab down${index}\n`
}

/** `heal`: removes every net rule (the per-step chains stay, unreferenced). */
export function healRules(): string {
  return 'flush chain ip lab faults\n'
}
