/**
 * What each step does on the real kernel: socket calls are one line to the actor's program
 * (one system call there, perl-peer.ts), net steps become nft rules (or relay commands for
 * the middlebox), crashes and freezes are signals to the program's process.
 */
import {
  isClient,
  type Actor,
  type ClientActor,
  type Endpoint,
  type Step,
} from '../../shared/lab-script'
import { clientAddr, lastOctet } from './addresses'
import { errnoFromLinux, POLL_BITS, type CallValue, type PollBit } from '../backend/result'
import type { StepDone } from './host'
import { downRules, faultRules, healRules, silenceRules, upRules } from './nft'
import type { NftShell } from './nft-shell'
import type { Peer, PeerReply } from './peer'
import { parseTcpTable, type EndpointPorts, type SocketBook } from './states'

/** What the actions need from the run. */
export interface ActionContext {
  peers: Partial<Record<Endpoint | 'relay', Peer>>
  dead: Set<Endpoint>
  frozen: Set<Actor>
  ports: EndpointPorts
  book: SocketBook
  /** The namespace's nft (null for a script without net faults). */
  nft: NftShell | null
  /** The namespace's TCP table text. */
  tcpTable(): string
  keepalive: { idleS: number; intervalS: number; count: number }
}

const never = new Promise<PeerReply>(() => undefined)
const SHUT = { rd: 0, wr: 1, rdwr: 2 } as const

/** Does one step; resolves with what the call returned. `issued`: it is entering the kernel. */
export async function perform(
  run: ActionContext,
  s: Step,
  index: number,
  issued: () => void,
): Promise<StepDone> {
  if (s.actor === 'net') return performNet(run, s, index)
  const actor = s.actor
  const peer = run.peers[actor]!
  const call = async (command: string): Promise<PeerReply> => {
    const r = await peer.call(command, issued)
    // The process is gone (it cannot have been the script: its own crash is its last call).
    return r ?? never
  }
  const done = (r: PeerReply): StepDone => ({
    ret: r.ret,
    errno: r.errno,
    sigpipe: r.sigpipe,
    doneAt: r.doneAt,
  })
  switch (s.op) {
    case 'listen': {
      // A port: bind it first (the server's, moved behind a relay); none: a bind step did.
      const port = s.port === undefined ? -1 : run.ports.serverPort
      const extra =
        s.backlog !== undefined || s.reuseaddr !== undefined
          ? ` ${s.backlog ?? -1}${s.reuseaddr !== undefined ? ` ${s.reuseaddr ? 1 : 0}` : ''}`
          : ''
      const r = await call(`listen ${port}${extra}`)
      if (r.ret === 0) run.book.listening(r.fd, r.extra)
      return done(r)
    }
    case 'bind': {
      // The server binds where it listens (one port up behind a relay); a client as written.
      const port = actor === 'server' ? run.ports.serverPort : s.port
      return done(await call(`bind ${port} ${s.reuseaddr ? 1 : 0}`))
    }
    case 'connect': {
      run.book.connecting(s.actor)
      // A non-blocking connect returns EINPROGRESS with its port bound: the book keeps it.
      const r = await call(`connect ${run.ports.frontPort}${s.nonblocking ? ' nb' : ''}`)
      run.book.connected(Math.max(0, r.extra), r.fd, s.actor)
      return done(r)
    }
    case 'accept': {
      const r = await call('accept')
      if (r.ret >= 0) run.book.acceptedFrom(r.extra, r.ret, `127.0.0.${r.peer || 1}`)
      return done(r)
    }
    case 'close':
    case 'abort': {
      const r = await call(s.op)
      if (r.ret === 0) run.book.closed(actor, r.fd)
      return done(r)
    }
    case 'send':
      return done(await call(`send ${s.bytes}`))
    case 'recv':
      return done(
        await call(`recv ${s.bytes ?? 65536}${s.timeoutMs !== undefined ? ` ${s.timeoutMs}` : ''}`),
      )
    case 'poll': {
      const r = await call(`poll ${s.events}${s.timeoutMs !== undefined ? ` ${s.timeoutMs}` : ''}`)
      return r.ret >= 0 ? { ...done(r), value: { revents: pollBits(r.extra) } } : done(r)
    }
    case 'getsockopt': {
      const r = await call('so-error')
      return r.ret === 0 ? { ...done(r), value: soError(r.extra) } : done(r)
    }
    case 'shutdown':
      return done(await call(`shutdown ${SHUT[s.how]}`))
    case 'keepalive': {
      const k = run.keepalive
      return done(await call(`keepalive ${k.idleS} ${k.intervalS} ${k.count}`))
    }
    case 'usertimeout':
      return done(await call(`usertimeout ${s.ms}`))
    case 'signal':
      // perl-peer.ts: SIGUSR1's handler has no SA_RESTART, SIGUSR2's has it. kill() returns
      // at once; a call it interrupts answers on its own line.
      peer.signal(s.restart ? 'SIGUSR2' : 'SIGUSR1')
      return { ret: 0 }
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
      return crash(run, actor, s.mode, peer)
    case 'reboot':
      return reboot(run, actor, s.ms, index, peer, issued)
    default:
      throw new Error(`step ${index}: ${(s as Step).op} is not an op of the ${actor}`)
  }
}

/** Linux's poll bits (include/uapi/asm-generic/poll.h), in the order of POLL_BITS. */
const POLL_VALUES: Record<PollBit, number> = {
  POLLIN: 0x1,
  POLLOUT: 0x4,
  POLLERR: 0x8,
  POLLHUP: 0x10,
  POLLNVAL: 0x20,
}

/** The names of the bits of a revents word (bits the lab does not ask about are left out). */
export function pollBits(revents: number): PollBit[] {
  return POLL_BITS.filter((b) => (revents & POLL_VALUES[b]) !== 0)
}

/** The value getsockopt(SO_ERROR) wrote: a Linux errno number, or 0. */
export function soError(value: number): CallValue {
  return { soError: value === 0 ? null : errnoFromLinux(value) }
}

async function crash(
  run: ActionContext,
  actor: Endpoint,
  mode: 'fin' | 'rst' | 'silent',
  peer: Peer,
): Promise<StepDone> {
  run.dead.add(actor)
  run.book.died(actor)
  if (mode === 'rst') {
    // Every socket it holds gets SO_LINGER {1, 0}; its exit then resets them all. A stopped
    // program must run to do that.
    if (run.frozen.has(actor)) peer.signal('SIGCONT')
    await peer.call('reset-exit')
    await peer.gone(1000)
  } else if (mode === 'silent') {
    // Every segment to or from that end is dropped first, so nothing it sends when it dies
    // (its FIN) is ever seen: the host vanished.
    if (!run.nft) throw new Error(`crash mode silent of the ${actor} needs nft in the namespace`)
    const ports = isClient(actor) ? clientPorts(run, actor) : [run.ports.serverPort]
    const r = await run.nft.apply(ports.map((p) => silenceRules(p)).join(''))
    if (!r.ok) throw new Error(`nft could not silence the ${actor}: ${r.error}`)
    run.book.vanished(actor)
  }
  // SIGKILL: its kernel closes the sockets (FIN, or RST with unread data).
  await peer.kill()
  return { ret: 0, notes: [`kernel.crash-${mode}`] }
}

/**
 * `reboot`: the host goes down and comes back `ms` later knowing nothing. A host cannot lose
 * power here, so: every segment to and from its ports is dropped first (nothing it sends on
 * the way down is seen), then its program destroys every socket of the host (those it holds
 * with SO_LINGER 0, those only its kernel keeps by SOCK_DESTROY) and starts afresh; after `ms`
 * the drop is lifted, and a segment for an old connection finds no socket: RST.
 */
async function reboot(
  run: ActionContext,
  actor: Endpoint,
  ms: number,
  index: number,
  peer: Peer,
  issued: () => void,
): Promise<StepDone> {
  if (!run.nft) throw new Error(`step ${index} (reboot) needs nft in the namespace`)
  const ports = isClient(actor) ? clientPorts(run, actor) : [run.ports.serverPort]
  const down = await run.nft.apply(downRules(index, ports))
  if (!down.ok) throw new Error(`nft could not take the ${actor} down: ${down.error}`)
  // The host's own sockets: on its ports and its address (the server and `client` share
  // 127.0.0.1; a further client has its own, addresses.ts).
  const own = isClient(actor) ? clientAddr(actor) : '127.0.0.1'
  const rows = parseTcpTable(run.tcpTable()).filter(
    (r) => ports.includes(r.localPort) && r.localAddr === own,
  )
  const pairs = rows.map(
    (r) => `${r.localPort} ${r.state === 'LISTEN' ? 0 : r.remotePort} ${lastOctet(r.remoteAddr)}`,
  )
  issued()
  const r = await peer.call(['reboot', ...pairs].join(' '))
  if (!r) throw new Error(`step ${index} (reboot): the ${actor}'s program is gone`)
  run.book.rebooted(actor)
  await new Promise((ok) => setTimeout(ok, ms))
  const up = await run.nft.apply(upRules(index))
  if (!up.ok) throw new Error(`nft could not bring the ${actor} back: ${up.error}`)
  return { ret: 0, notes: ['kernel.reboot'] }
}

/** A client's local ports: those its connects reported, and any still connecting. */
function clientPorts(run: ActionContext, actor: ClientActor): number[] {
  const rows = parseTcpTable(run.tcpTable())
  const ports = rows.filter(
    (r) =>
      r.remotePort === run.ports.frontPort &&
      r.localPort !== run.ports.frontPort &&
      r.localAddr === clientAddr(actor),
  )
  return [...new Set([...run.book.clientPorts(actor), ...ports.map((r) => r.localPort)])]
}

async function performNet(run: ActionContext, s: Step, index: number): Promise<StepDone> {
  if (s.op === 'hold' || s.op === 'release') {
    const relay = run.peers.relay
    const r = relay ? await relay.call(s.op) : null
    if (!r) throw new Error(`step ${index} (${s.op}): the middlebox relay is not running`)
    return { ret: 0 }
  }
  if (!run.nft) throw new Error(`step ${index} (${s.op}) needs nft in the namespace`)
  const hop = { serverPort: run.ports.serverPort }
  let rules: string
  if (s.op === 'heal') rules = healRules()
  else if (s.op === 'cut' || s.op === 'drop' || s.op === 'reject') rules = faultRules(index, s, hop)
  else throw new Error(`step ${index}: ${s.op} is not a net op`)
  const r = await run.nft.apply(rules)
  if (!r.ok) throw new Error(`nft rejected step ${index} (${s.op}): ${r.error}`)
  return { ret: 0 }
}
