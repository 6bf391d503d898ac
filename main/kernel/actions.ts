/**
 * What each step does on the real kernel: socket calls go to the actor's peer process, net
 * steps become nft rules (or relay commands for the middlebox), crashes and freezes are
 * signals to the peer's process group.
 */
import type { Endpoint, Step } from '../../shared/lab-script'
import { faultRules, healRules, silenceRules } from './nft'
import type { NftShell } from './nft-shell'
import type { CallReturn, PeerCall } from './peer-protocol'
import type { PeerProcess } from './peer-process'
import { parseTcpTable, type EndpointPorts } from './states'

/** What the actions need from the run. */
export interface ActionContext {
  peers: Partial<Record<Endpoint | 'relay', PeerProcess>>
  dead: Set<Endpoint>
  ports: EndpointPorts
  /** The namespace's nft (null off a namespace or without nft). */
  nft: NftShell | null
  /** The namespace's TCP table text (for a silent crash of the client). */
  tcpTable: (() => string) | null
  keepalive: { idleS: number; intervalS: number; count: number }
}

/** Ops that are not calls a program makes: their result has no return value. */
const NOT_CALLS: ReadonlySet<Step['op']> = new Set<Step['op']>([
  'sleep',
  'crash',
  'freeze',
  'thaw',
  'cut',
  'drop',
  'reject',
  'heal',
  'hold',
  'release',
])

/** True when a step is a socket call (it has a return value and maybe an errno). */
export function isCall(op: Step['op']): boolean {
  return !NOT_CALLS.has(op)
}

const never = new Promise<CallReturn>(() => undefined)

/** Does one step; resolves with what the call returned. `issued`: it entered the kernel. */
export async function perform(
  run: ActionContext,
  s: Step,
  index: number,
  issued: () => void,
): Promise<CallReturn> {
  if (s.actor === 'net') return performNet(run, s, index)
  const peer = run.peers[s.actor]!
  const call = async (req: PeerCall): Promise<CallReturn> => {
    const r = await peer.call(req, issued)
    // The process is gone (it cannot have been the script: its own crash is its last call).
    return r ?? never
  }
  switch (s.op) {
    case 'listen':
      return call({ call: 'listen', port: run.ports.serverPort })
    case 'connect':
      return call({ call: 'connect', port: run.ports.frontPort })
    case 'accept':
    case 'close':
    case 'abort':
      return call({ call: s.op })
    case 'send':
      return call({ call: 'send', bytes: s.bytes })
    case 'recv':
      return call({
        call: 'recv',
        bytes: s.bytes ?? 65536,
        ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      })
    case 'shutdown':
      return call({ call: 'shutdown', how: s.how })
    case 'keepalive':
      return call({ call: 'keepalive', ...run.keepalive })
    case 'sleep':
      issued()
      await new Promise((r) => setTimeout(r, s.ms))
      return { ret: 0 }
    case 'freeze': {
      peer.signal('SIGSTOP')
      // SIGSTOP takes effect when the process is next scheduled: wait until it has.
      await peer.stopped()
      return { ret: 0, notes: ['kernel.sigstop'] }
    }
    case 'thaw':
      peer.signal('SIGCONT')
      return { ret: 0, notes: ['kernel.sigcont'] }
    case 'crash':
      return crash(run, s.actor, s.mode, peer)
    default:
      return { ret: -1, code: 'EINVAL' }
  }
}

async function crash(
  run: ActionContext,
  actor: Endpoint,
  mode: 'fin' | 'rst' | 'silent',
  peer: PeerProcess,
): Promise<CallReturn> {
  run.dead.add(actor)
  if (mode === 'rst') {
    await peer.call({ call: 'reset-all-and-exit' })
    await Promise.race([peer.exited, new Promise((r) => setTimeout(r, 1000))])
  } else if (mode === 'silent') {
    // Every segment to or from that end is dropped first, so nothing it sends when it dies
    // (its FIN) is ever seen: the host vanished.
    if (!run.nft) throw new Error(`crash mode silent of the ${actor} needs nft in a namespace`)
    const ports = actor === 'server' ? [run.ports.serverPort] : clientPorts(run)
    const r = await run.nft.apply(ports.map((p) => silenceRules(p)).join(''))
    if (!r.ok) throw new Error(`nft could not silence the ${actor}: ${r.error}`)
  }
  // kill -9 of the whole group: the kernel closes its sockets (FIN, or RST with unread data).
  await peer.kill()
  return { ret: 0, notes: [`kernel.crash-${mode}`] }
}

/** The client's local ports, from the socket table. */
function clientPorts(run: ActionContext): number[] {
  const rows = run.tcpTable ? parseTcpTable(run.tcpTable()) : []
  const ports = rows.filter(
    (r) => r.remotePort === run.ports.frontPort && r.localPort !== run.ports.frontPort,
  )
  return [...new Set(ports.map((r) => r.localPort))]
}

async function performNet(run: ActionContext, s: Step, index: number): Promise<CallReturn> {
  if (s.op === 'hold' || s.op === 'release') {
    const relay = run.peers.relay
    const r = relay ? await relay.call({ call: s.op }) : null
    if (!r) throw new Error(`step ${index} (${s.op}): the middlebox relay is not running`)
    return r
  }
  if (!run.nft) throw new Error(`step ${index} (${s.op}) needs nft in a private namespace`)
  const hop = { serverPort: run.ports.serverPort }
  let rules: string
  if (s.op === 'heal') rules = healRules()
  else if (s.op === 'cut' || s.op === 'drop' || s.op === 'reject') rules = faultRules(index, s, hop)
  else throw new Error(`step ${index}: ${s.op} is not a net op`)
  const r = await run.nft.apply(rules)
  if (!r.ok) throw new Error(`nft rejected step ${index} (${s.op}): ${r.error}`)
  return { ret: 0 }
}
