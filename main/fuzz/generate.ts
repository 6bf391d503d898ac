/**
 * The differential fuzzer's script generator: random valid lab scripts over every op and
 * fault the kernel lab can express (drops by flag and count, cuts each way, rejects with each
 * ICMP type, the three crash modes, abort, shutdown each way, keepalive, receive timeouts,
 * freeze and thaw, the middlebox, sleeps, shortened timers; from lab script version 2: bind
 * with and without SO_REUSEADDR, a listen backlog, a server that binds its port again,
 * signals with and without SA_RESTART, TCP_USER_TIMEOUT, non-blocking connect, poll and
 * getsockopt(SO_ERROR), a host that reboots, a stateful firewall with a short idle timeout),
 * deterministic for a seed. A script that uses a version 2 feature
 * says `"labScript": 2`; the others stay version 1.
 *
 * A signal lands in the slot after its actor's previous action, so it interrupts that action
 * when it is still blocked; a signal that would race the call's return (data arriving next to
 * it) is what the perturbation check rejects.
 *
 * A script is a *story*, not a bag of ops: a server that listens (or not), a client that
 * connects, perhaps through faults, then a handful of actions. Every action gets its own slot
 * on a grid of {@link SLOT_MS} so that no two actors act at the same moment: the kernel runs
 * them in real time, and two things that happen "at once" there happen in whichever order the
 * CPU picks. That alone does not make a script race-free (a timer can fire next to an
 * action), so every script is also checked by perturbation (robust.ts) before it is used.
 *
 * Sizes stay below any send or receive buffer of either backend (at most {@link MAX_BYTES} per
 * connection): the simulator models fixed buffers, the kernel autotunes megabytes on loopback
 * (docs/decisions/004-simulator-rules.md), so a script that fills a buffer would compare the
 * two models of buffer sizing, not TCP's rules.
 */
import { createRng, deriveSeed, randomInt, type Rng } from '../../shared/quiz/prng'
import {
  DROP_MATCHES,
  ICMP_TYPES,
  FIREWALL_FORGET,
  parseLabScript,
  v2Feature,
  type LabScript,
  type LabScriptInput,
  type Step,
} from '../../shared/lab-script'

/** Time between two actions of the story (ms): far beyond loopback and scheduling latency. */
export const SLOT_MS = 300
/** Bytes a connection carries at most, each way, in a generated script. */
export const MAX_BYTES = 24_000

type StepInput = LabScriptInput['steps'][number]
/** The programs a story uses: the client, the server, and (version 2) a second client. */
type Endpoint = 'client' | 'client2' | 'server'
type Dir = 'both' | 'c2s' | 's2c'

const PORT = 7200
/** A client that binds binds this local port (well away from the ephemeral range). */
const CLIENT_PORT = 7300
const DIRS: Dir[] = ['both', 'c2s', 's2c']
const SEND_SIZES = [1, 10, 100, 1000, 1460, 3000, 8000]
const RECV_SIZES = [undefined, undefined, 1, 50, 1000]
/** Receive timeouts end between two slots, never next to another action. */
const RECV_TIMEOUTS = [SLOT_MS * 1.5, SLOT_MS * 2.5, SLOT_MS * 4.5]
/** TCP_USER_TIMEOUT values: shorter and longer than the retries2 budgets drawn (0.6-3 s). */
const USER_TIMEOUTS = [SLOT_MS * 1.5, SLOT_MS * 3.5, SLOT_MS * 6.5]

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)] as T
}

function chance(rng: Rng, p: number): boolean {
  return rng() < p
}

/** Picks by weight: `[[item, weight], ...]`. */
function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0)
  let r = rng() * total
  for (const [item, w] of items) {
    r -= w
    if (r < 0) return item
  }
  return items[items.length - 1]![0]
}

/** poll() timeouts: 0 (a look), or ending between two slots like a receive timeout. */
const POLL_TIMEOUTS = [0, ...RECV_TIMEOUTS]

/** What the story has done so far, so the next action is plausible (not always: see below). */
interface Story {
  rng: Rng
  /**
   * Draws of version 2 (non-blocking connect, poll, getsockopt) come from a stream of their
   * own, so a story that draws none is the same script the seed gave before they existed.
   */
  v2: Rng
  steps: StepInput[]
  slot: number
  middlebox: boolean
  dead: Set<Endpoint>
  frozen: Set<Endpoint>
  /** Bytes each end has sent (kept under MAX_BYTES). */
  sent: Record<Endpoint, number>
  /** Net rules in force (a heal is only drawn when there is something to heal). */
  rules: number
  held: boolean
  accepted: boolean
}

function at(story: Story): number {
  story.slot++
  return story.slot * SLOT_MS
}

/** A fault on the path before the connection is made. */
function handshakeFault(story: Story): StepInput {
  const { rng } = story
  story.rules++
  const kind = weighted(rng, [
    ['syn', 3],
    ['synack', 2],
    ['ack', 2],
    ['reject', 3],
    ['cut', 1],
  ] as const)
  const count = chance(rng, 0.5) ? 1 + randomInt(rng, 2) : undefined
  switch (kind) {
    case 'syn':
      return { actor: 'net', op: 'drop', dir: 'c2s', match: 'SYN', ...(count ? { count } : {}) }
    case 'synack':
      return { actor: 'net', op: 'drop', dir: 's2c', match: 'SYN-ACK', ...(count ? { count } : {}) }
    case 'ack':
      return { actor: 'net', op: 'drop', dir: 'c2s', match: 'ACK', count: 1 }
    case 'reject':
      return { actor: 'net', op: 'reject', dir: 'c2s', icmp: pick(rng, ICMP_TYPES) }
    case 'cut':
      return { actor: 'net', op: 'cut', dir: pick(rng, DIRS) }
  }
}

/** One action of a socket program. */
function endpointAction(story: Story, who: Endpoint): StepInput[] {
  const { rng } = story
  const t = at(story)
  if (story.frozen.has(who)) {
    story.frozen.delete(who)
    return [{ actor: who, op: 'thaw', at: t }]
  }
  const op = weighted(rng, [
    ['send', 6],
    ['recv', 5],
    ['close', 2],
    ['shutdown', 2],
    ['abort', 1],
    ['keepalive', 1],
    ['sleep', 1],
    ['crash', 1],
    ['freeze', 1],
    ['rebind', who === 'server' ? 1 : 0],
    ['reboot', 1],
    ['signal', 1],
    ['usertimeout', 2],
  ] as const)
  switch (op) {
    case 'send': {
      const room = MAX_BYTES - story.sent[who]
      const bytes = Math.min(room, pick(rng, SEND_SIZES))
      if (bytes <= 0)
        return [{ actor: who, op: 'recv', at: t, timeoutMs: pick(rng, RECV_TIMEOUTS) }]
      story.sent[who] += bytes
      return [{ actor: who, op: 'send', bytes, at: t }]
    }
    case 'recv': {
      const bytes = pick(rng, RECV_SIZES)
      const timeoutMs = chance(rng, 0.5) ? pick(rng, RECV_TIMEOUTS) : undefined
      const recv: StepInput = {
        actor: who,
        op: 'recv',
        at: t,
        ...(bytes !== undefined ? { bytes } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }
      // A recv is the call most likely still blocked a slot later: a signal then tests it.
      if (!chance(rng, 0.3)) return [recv]
      return [recv, { actor: who, op: 'signal', restart: chance(rng, 0.5), at: at(story) }]
    }
    case 'shutdown':
      return [{ actor: who, op: 'shutdown', how: pick(rng, ['wr', 'rd', 'rdwr'] as const), at: t }]
    case 'sleep':
      return [{ actor: who, op: 'sleep', ms: SLOT_MS / 2, at: t }]
    case 'crash':
      story.dead.add(who)
      return [
        { actor: who, op: 'crash', mode: pick(rng, ['fin', 'rst', 'silent'] as const), at: t },
      ]
    case 'freeze':
      story.frozen.add(who)
      return [{ actor: who, op: 'freeze', at: t }]
    case 'reboot':
      // Down for one and a half slots: it comes back between two actions.
      return [{ actor: who, op: 'reboot', ms: SLOT_MS * 1.5, at: t }]
    case 'rebind':
      // A server starting again on its port: whatever still holds it (its listener, a
      // connection, one in TIME_WAIT) decides, by the OS's bind rule.
      return [
        { actor: 'server', op: 'bind', port: PORT, reuseaddr: chance(rng, 0.5), at: t },
        {
          actor: 'server',
          op: 'listen',
          ...(chance(rng, 0.5) ? { backlog: 1 + randomInt(rng, 4) } : {}),
        },
      ]
    case 'signal':
      return [{ actor: who, op: 'signal', restart: chance(rng, 0.5), at: t }]
    case 'usertimeout':
      return [{ actor: who, op: 'usertimeout', ms: pick(rng, USER_TIMEOUTS), at: t }]
    case 'close':
    case 'abort':
    case 'keepalive':
      return [{ actor: who, op, at: t }]
  }
}

/** poll() for readable or writable, with a timeout or without, in a slot of its own. */
function pollStep(story: Story, who: Endpoint, events?: 'in' | 'out'): StepInput {
  const { v2 } = story
  const timeoutMs = chance(v2, 0.6) ? pick(v2, POLL_TIMEOUTS) : undefined
  return {
    actor: who,
    op: 'poll',
    events: events ?? pick(v2, ['in', 'out'] as const),
    at: at(story),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  }
}

/** A version 2 call after an action, now and then: poll() or getsockopt(SO_ERROR). */
function v2Action(story: Story, who: Endpoint): StepInput[] {
  const { v2 } = story
  if (story.dead.has(who) || story.frozen.has(who) || !chance(v2, 0.12)) return []
  if (chance(v2, 0.6)) return [pollStep(story, who)]
  return [{ actor: who, op: 'getsockopt', opt: 'SO_ERROR', at: at(story) }]
}

/** One change to the path (or the middlebox). */
function netAction(story: Story): StepInput {
  const { rng } = story
  const t = at(story)
  const choices: [string, number][] = [
    ['cut', 3],
    ['drop', 4],
    ['reject', 2],
  ]
  if (story.rules > 0) choices.push(['heal', 5])
  if (story.middlebox) choices.push([story.held ? 'release' : 'hold', 4])
  const op = weighted(rng, choices)
  if (op === 'heal') {
    story.rules = 0
    return { actor: 'net', op: 'heal', at: t }
  }
  if (op === 'hold' || op === 'release') {
    story.held = op === 'hold'
    return { actor: 'net', op, at: t }
  }
  story.rules++
  const dir = pick(rng, DIRS)
  if (op === 'cut') return { actor: 'net', op: 'cut', dir, at: t }
  if (op === 'reject')
    return { actor: 'net', op: 'reject', dir, icmp: pick(rng, ICMP_TYPES), at: t }
  const count = chance(rng, 0.5) ? 1 + randomInt(rng, 3) : undefined
  return {
    actor: 'net',
    op: 'drop',
    dir,
    match: pick(rng, DROP_MATCHES),
    at: t,
    ...(count ? { count } : {}),
  }
}

/**
 * The raw story for `(seed, index)`; robust.ts decides whether it may be used. `attempt`
 * draws another story for the same index.
 */
export function drawScript(seed: number, index: number, attempt = 0): LabScript {
  const rng = createRng(deriveSeed(seed, `fuzz:${index}:${attempt}`))
  const v2 = createRng(deriveSeed(seed, `fuzz-v2:${index}:${attempt}`))
  const middlebox = chance(rng, 0.12)
  // Version 2's firewall on the direct path (its own generator, so the stories drawn before it
  // existed stay what they were): a short idle timeout, so the expiry falls inside the run.
  // The perturbation check (robust.ts) refuses a story with an action next to the moment an
  // entry expires, as it does one next to any timer.
  const fw = createRng(deriveSeed(seed, `fuzz-fw:${index}:${attempt}`))
  const firewall =
    !middlebox && chance(fw, 0.15)
      ? { idleS: pick(fw, [1, 2]), forget: pick(fw, FIREWALL_FORGET) }
      : undefined
  const story: Story = {
    rng,
    v2,
    steps: [],
    slot: 0,
    middlebox,
    dead: new Set(),
    frozen: new Set(),
    sent: { client: 0, client2: 0, server: 0 },
    rules: 0,
    held: false,
    accepted: false,
  }
  const steps = story.steps
  // The middlebox topology is the article's NAT: the relay listens, so "nothing listening"
  // and handshake faults describe the direct path only.
  const listens = middlebox || chance(rng, 0.93)
  if (!middlebox && chance(rng, 0.3)) steps.push(handshakeFault(story))
  if (listens) {
    // Version 2's bind: SO_REUSEADDR or not, then listen with or without a backlog.
    if (chance(rng, 0.3)) {
      steps.push({ actor: 'server', op: 'bind', port: PORT, reuseaddr: chance(rng, 0.5) })
      steps.push({ actor: 'server', op: 'listen', ...(chance(rng, 0.5) ? { backlog: 8 } : {}) })
    } else steps.push({ actor: 'server', op: 'listen', port: PORT })
  }
  if (chance(rng, 0.1)) steps.push({ actor: 'client', op: 'bind', port: CLIENT_PORT })
  // A non-blocking connect is followed by what such a program does: wait for writable, then
  // read SO_ERROR (each in a slot of its own).
  const nonblocking = chance(v2, 0.2)
  steps.push({
    actor: 'client',
    op: 'connect',
    port: PORT,
    at: 10,
    ...(nonblocking ? { nonblocking: true } : {}),
  })
  if (listens && chance(rng, 0.88)) {
    steps.push({ actor: 'server', op: 'accept' })
    story.accepted = true
  }
  if (nonblocking) {
    steps.push(pollStep(story, 'client', 'out'))
    if (chance(v2, 0.8))
      steps.push({ actor: 'client', op: 'getsockopt', opt: 'SO_ERROR', at: at(story) })
  }
  // Version 2's several clients (a stream of its own, so stories without one stay what they
  // were): a second client connects a slot later, and the server may accept it too (its data
  // calls then act on that connection, the last it accepted).
  const mc = createRng(deriveSeed(seed, `fuzz-mc:${index}:${attempt}`))
  const second = !middlebox && listens && chance(mc, 0.2)
  if (second) {
    steps.push({ actor: 'client2', op: 'connect', port: PORT, at: at(story) })
    if (story.accepted && chance(mc, 0.7)) steps.push({ actor: 'server', op: 'accept' })
  }
  if (story.rules > 0 && chance(rng, 0.5)) {
    story.rules = 0
    steps.push({ actor: 'net', op: 'heal', at: at(story) })
  }
  const actions = 2 + randomInt(rng, 6)
  // With a firewall, one quiet stretch longer than its idle timeout before one of the actions,
  // so that the entry can expire (unless a keepalive or a retransmission keeps it).
  const gapBefore = firewall ? randomInt(fw, actions) : -1
  for (let i = 0; i < actions; i++) {
    if (i === gapBefore) story.slot += Math.ceil((firewall!.idleS * 1000) / SLOT_MS) + 1
    const alive = (['client', 'server'] as const).filter(
      (w) => !story.dead.has(w) && (w === 'client' || listens),
    )
    // The second client acts now and then (from its own stream: the others' draws stay).
    if (second && !story.dead.has('client2') && chance(mc, 0.3)) {
      steps.push(...endpointAction(story, 'client2'))
      continue
    }
    const actor = weighted<Endpoint | 'net'>(rng, [
      ...alive.map((w) => [w, w === 'client' ? 4 : 3] as const),
      ['net', alive.length ? 2 : 1],
    ])
    if (actor === 'net') steps.push(netAction(story))
    else steps.push(...endpointAction(story, actor), ...v2Action(story, actor))
  }
  for (const who of story.frozen) steps.push({ actor: who, op: 'thaw', at: at(story) })
  // A relay still holding at the end lets go now and then (what it held is then delivered).
  if (story.held && chance(rng, 0.5)) steps.push({ actor: 'net', op: 'release', at: at(story) })
  // A quiet slot at the end: the run does not end right after the last action, when a
  // delayed ACK or a FIN may still be on its way (the kernel reads its socket table a few
  // milliseconds late, the simulator at the instant: docs/kernel-rules.md).
  const quiet = (['client', 'server'] as const).find(
    (w) => !story.dead.has(w) && (w === 'client' || listens),
  )
  if (quiet) steps.push({ actor: quiet, op: 'sleep', ms: SLOT_MS, at: at(story) })
  const lastAt = story.slot * SLOT_MS
  const tail = pick(rng, [SLOT_MS * 2.5, SLOT_MS * 6.5, SLOT_MS * 14.5])
  const input: LabScriptInput = {
    labScript: firewall !== undefined || steps.some((s) => v2Feature(s as Step) !== null) ? 2 : 1,
    id: `fuzz-${seed}-${index}`,
    title: {
      en: `Fuzz script ${index} of seed ${seed}`,
      zh: `随机脚本：种子 ${seed}，第 ${index} 个`,
    },
    profile: 'linux',
    topology: middlebox ? 'middlebox' : 'direct',
    ...(firewall ? { firewall } : {}),
    timers: {
      synRetries: pick(rng, [1, 2]),
      synackRetries: pick(rng, [1, 2]),
      retries2: pick(rng, [2, 3]),
      keepalive: { idleS: 1, intervalS: 1, count: pick(rng, [1, 2]) },
    },
    limitMs: Math.round(lastAt + tail),
    steps,
  }
  const parsed = parseLabScript(input)
  // A generator that writes an invalid script is a bug in this file: say which script.
  if (!parsed.ok)
    throw new Error(`fuzz generator wrote an invalid script ${input.id}:\n${parsed.message}`)
  return parsed.script
}

/** How many stories may be drawn for one index before the generator gives up. */
const MAX_ATTEMPTS = 40

/**
 * The script the fuzzer runs as number `index` of `seed`: the first story drawn for it that
 * passes the perturbation check (robust.ts). Throws, naming the index, if none does: that is
 * a generator bug.
 */
export function generateScript(
  seed: number,
  index: number,
  robust: (script: LabScript) => { ok: boolean },
): LabScript {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const script = drawScript(seed, index, attempt)
    if (robust(script).ok) return script
  }
  throw new Error(`fuzz generator: no race-free script for seed ${seed}, index ${index}`)
}
