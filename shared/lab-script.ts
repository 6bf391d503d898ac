/**
 * Lab script, versions 1 and 2: the experiment format both backends run (see
 * docs/lab-script-format.md). Version 2 adds ops and fields (listed in {@link V2_OPS} and
 * {@link v2Feature}); a version 1 script that uses one is refused with a message naming it, so
 * a v1 file means exactly what it meant before.
 *
 * The schema is the single source of truth: TypeScript types are inferred from it, the CLI,
 * the IPC handlers and the WebSocket host validate with it, and {@link parseLabScript}
 * turns its issues into messages that name the step index and the field.
 */
import { z } from 'zod'

/** Profiles the simulator knows; `docs/os-profiles.md` has their facts. */
export const PROFILE_IDS = ['linux', 'linux-legacy', 'windows', 'macos'] as const
/** One of {@link PROFILE_IDS}. */
export type ProfileId = (typeof PROFILE_IDS)[number]

/** The two backends that answer a lab script. */
export const BACKEND_IDS = ['sim', 'kernel'] as const
/** One of {@link BACKEND_IDS}. */
export type BackendId = (typeof BACKEND_IDS)[number]

/**
 * The client programs a script may have: `client`, and (version 2) `client2`..`client4`, each
 * its own process on its own host (docs/lab-script-format.md "Several clients").
 */
export const CLIENT_ACTORS = ['client', 'client2', 'client3', 'client4'] as const
/** One of {@link CLIENT_ACTORS}. */
export type ClientActor = (typeof CLIENT_ACTORS)[number]
/** A client beyond the first (version 2). */
export type ExtraClient = Exclude<ClientActor, 'client'>
/** The clients beyond the first, in order. */
export const EXTRA_CLIENTS: readonly ExtraClient[] = ['client2', 'client3', 'client4']

/** Who performs a step: one of the socket programs, or the network between them. */
export const ACTORS = [...CLIENT_ACTORS, 'server', 'net'] as const
/** One of {@link ACTORS}. */
export type Actor = (typeof ACTORS)[number]
/** An actor that owns a socket (not the network). */
export type Endpoint = Exclude<Actor, 'net'>
/** Every actor that owns a socket, the clients first. */
export const ENDPOINTS: readonly Endpoint[] = [...CLIENT_ACTORS, 'server']

/** Whether an actor is one of the clients. */
export function isClient(actor: Actor): actor is ClientActor {
  return actor !== 'server' && actor !== 'net'
}

/**
 * The endpoints a script's steps use, in {@link ENDPOINTS} order; `client` and `server` are
 * always there (a run has both ends, even when one makes no call).
 */
export function endpointsOf(script: Pick<LabScript, 'steps'>): Endpoint[] {
  const used = new Set<Actor>(script.steps.map((s) => s.actor))
  return ENDPOINTS.filter((e) => e === 'client' || e === 'server' || used.has(e))
}

const port = z.number().int().min(1).max(65535)
const ms = z.number().min(0).max(86_400_000)
const at = { at: ms.optional() }
const dir = z.enum(['both', 'c2s', 's2c'])

/** Segment classes a `drop` step can match (docs/lab-script-format.md). */
export const DROP_MATCHES = ['SYN', 'SYN-ACK', 'ACK', 'FIN', 'RST', 'data', 'any'] as const
/** ICMP errors a `reject` step can answer with. */
export const ICMP_TYPES = [
  'host-unreachable',
  'net-unreachable',
  'port-unreachable',
  'admin-prohibited',
] as const

/** What a `poll` step waits for: `in` (POLLIN, readable) or `out` (POLLOUT, writable). */
export const POLL_EVENTS = ['in', 'out'] as const
/** Socket options a `getsockopt` step may read. */
export const SOCKOPTS = ['SO_ERROR'] as const

const serverOnly = z.literal('server')
const clientOnly = z.enum(CLIENT_ACTORS)
const endpoint = z.enum([...CLIENT_ACTORS, 'server'])
const net = z.literal('net')

/** Every step the script may contain, keyed by `op`. */
const stepSchemas = {
  listen: z.strictObject({
    actor: serverOnly,
    op: z.literal('listen'),
    /** bind() to it first; omitted (version 2) when a `bind` step bound the socket. */
    port: port.optional(),
    /** listen()'s backlog (version 2); the OS default (SOMAXCONN) when absent. */
    backlog: z.number().int().min(0).max(65535).optional(),
    /** SO_REUSEADDR before the bind that `port` does (version 2). */
    reuseaddr: z.boolean().optional(),
    ...at,
  }),
  bind: z.strictObject({
    actor: endpoint,
    op: z.literal('bind'),
    port,
    /** SO_REUSEADDR on (true) or off (false, the default) before the bind. */
    reuseaddr: z.boolean().default(false),
    ...at,
  }),
  accept: z.strictObject({ actor: serverOnly, op: z.literal('accept'), ...at }),
  connect: z.strictObject({
    actor: clientOnly,
    op: z.literal('connect'),
    port,
    /** Version 2: O_NONBLOCK first, so connect() returns -1 EINPROGRESS at once. */
    nonblocking: z.literal(true).optional(),
    ...at,
  }),
  poll: z.strictObject({
    actor: endpoint,
    op: z.literal('poll'),
    /** What the program waits for: readable (POLLIN) or writable (POLLOUT). */
    events: z.enum(POLL_EVENTS),
    /** Omitted: wait for ever (poll's timeout -1). */
    timeoutMs: z.number().int().min(0).max(86_400_000).optional(),
    ...at,
  }),
  getsockopt: z.strictObject({
    actor: endpoint,
    op: z.literal('getsockopt'),
    opt: z.enum(SOCKOPTS),
    ...at,
  }),
  send: z.strictObject({
    actor: endpoint,
    op: z.literal('send'),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024),
    ...at,
  }),
  recv: z.strictObject({
    actor: endpoint,
    op: z.literal('recv'),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .optional(),
    timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
    ...at,
  }),
  close: z.strictObject({ actor: endpoint, op: z.literal('close'), ...at }),
  shutdown: z.strictObject({
    actor: endpoint,
    op: z.literal('shutdown'),
    how: z.enum(['wr', 'rd', 'rdwr']),
    ...at,
  }),
  abort: z.strictObject({ actor: endpoint, op: z.literal('abort'), ...at }),
  keepalive: z.strictObject({ actor: endpoint, op: z.literal('keepalive'), ...at }),
  // v2: a signal to the actor's program (its handler installed with or without SA_RESTART);
  // the one step that starts while its actor is blocked (docs/lab-script-format.md).
  signal: z.strictObject({
    actor: endpoint,
    op: z.literal('signal'),
    restart: z.boolean().default(false),
    ...at,
  }),
  // v2: TCP_USER_TIMEOUT (Linux, ms) on the data descriptor; docs/os-profiles.md.
  usertimeout: z.strictObject({
    actor: endpoint,
    op: z.literal('usertimeout'),
    ms: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    ...at,
  }),
  sleep: z.strictObject({ actor: endpoint, op: z.literal('sleep'), ms, ...at }),
  crash: z.strictObject({
    actor: endpoint,
    op: z.literal('crash'),
    mode: z.enum(['fin', 'rst', 'silent']),
    ...at,
  }),
  /**
   * Version 2: the host goes down like `crash silent` and boots again `ms` later, knowing
   * nothing of its old connections; the step returns when it is back, and the actor's later
   * steps run as a fresh program.
   */
  reboot: z.strictObject({
    actor: endpoint,
    op: z.literal('reboot'),
    ms: z.number().int().min(1).max(86_400_000),
    ...at,
  }),
  freeze: z.strictObject({ actor: endpoint, op: z.literal('freeze'), ...at }),
  thaw: z.strictObject({ actor: endpoint, op: z.literal('thaw'), ...at }),
  cut: z.strictObject({ actor: net, op: z.literal('cut'), dir: dir.default('both'), ...at }),
  drop: z.strictObject({
    actor: net,
    op: z.literal('drop'),
    dir: dir.default('both'),
    match: z.enum(DROP_MATCHES),
    count: z.number().int().min(1).max(1_000_000).optional(),
    ...at,
  }),
  reject: z.strictObject({
    actor: net,
    op: z.literal('reject'),
    dir: dir.default('both'),
    icmp: z.enum(ICMP_TYPES),
    ...at,
  }),
  heal: z.strictObject({ actor: net, op: z.literal('heal'), ...at }),
  hold: z.strictObject({ actor: net, op: z.literal('hold'), ...at }),
  release: z.strictObject({ actor: net, op: z.literal('release'), ...at }),
} as const

/** Every operation name a step may use. */
export const STEP_OPS = Object.keys(stepSchemas) as (keyof typeof stepSchemas)[]
/** One of {@link STEP_OPS}. */
export type StepOp = keyof typeof stepSchemas

/** One step of a lab script (validated). */
export const stepSchema = z.discriminatedUnion(
  'op',
  Object.values(stepSchemas) as unknown as [
    (typeof stepSchemas)[StepOp],
    ...(typeof stepSchemas)[StepOp][],
  ],
)
/** A validated step. */
export type Step = z.output<(typeof stepSchemas)[StepOp]>
/** A validated step with a given op. */
export type StepOf<O extends StepOp> = z.output<(typeof stepSchemas)[O]>

/** Localised text: every user-facing string exists in Chinese and English. */
export const localizedSchema = z.strictObject({ en: z.string().min(1), zh: z.string().min(1) })
/** Text in both UI languages. */
export type Localized = z.output<typeof localizedSchema>

/** Timer overrides; absent fields take the profile's defaults. */
export const timersSchema = z.strictObject({
  synRetries: z.number().int().min(0).max(255).optional(),
  synackRetries: z.number().int().min(0).max(255).optional(),
  retries2: z.number().int().min(0).max(255).optional(),
  keepalive: z
    .strictObject({
      idleS: z.number().int().min(1).max(32767),
      intervalS: z.number().int().min(1).max(32767),
      count: z.number().int().min(1).max(127),
    })
    .optional(),
})
/** Timer overrides of a script. */
export type Timers = z.output<typeof timersSchema>

/** What a {@link firewallSchema} does with a segment of a connection it has forgotten. */
export const FIREWALL_FORGET = ['drop', 'reset'] as const

/**
 * Version 2: a stateful firewall (or NAT) on the path, docs/lab-script-format.md "firewall".
 * It tracks each connection from its SYN; every segment of it refreshes the entry; after
 * `idleS` seconds without one it forgets the connection, and a later segment of it that is
 * neither a SYN nor an RST is dropped (`drop`) or answered with an RST to its sender (`reset`).
 */
export const firewallSchema = z.strictObject({
  idleS: z.number().int().min(1).max(86_400),
  forget: z.enum(FIREWALL_FORGET),
})
/** A script's stateful firewall. */
export type Firewall = z.output<typeof firewallSchema>

/** The versions of the format this build reads. */
export const LAB_SCRIPT_VERSIONS = [1, 2] as const
/** One of {@link LAB_SCRIPT_VERSIONS}. */
export type LabScriptVersion = (typeof LAB_SCRIPT_VERSIONS)[number]

/** The whole lab script, version 1 or 2. */
export const labScriptSchema = z.strictObject({
  labScript: z.union([z.literal(1), z.literal(2)]),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-"')
    .optional(),
  title: localizedSchema.optional(),
  section: z.string().optional(),
  profile: z.enum(PROFILE_IDS).default('linux'),
  topology: z.enum(['direct', 'middlebox']).default('direct'),
  timers: timersSchema.default({}),
  /** Version 2: a stateful firewall on the path (direct topology only). */
  firewall: firewallSchema.optional(),
  limitMs: z.number().int().min(1).max(86_400_000).default(15_000),
  steps: z.array(stepSchema).min(1).max(1000),
})
/** A validated lab script with defaults applied. */
export type LabScript = z.output<typeof labScriptSchema>
/** A lab script as written (defaults not yet applied). */
export type LabScriptInput = z.input<typeof labScriptSchema>

/** One problem found in a script: where, and what. */
export interface ScriptProblem {
  /** Step index when the problem is inside `steps[i]`. */
  step?: number
  /** Dotted path of the field, e.g. `steps.3.port`. */
  path: string
  /** Field name alone, e.g. `port`. */
  field: string
  /** What was wrong, in English. */
  message: string
}

/** The outcome of {@link parseLabScript}. */
export type ParseResult =
  { ok: true; script: LabScript } | { ok: false; problems: ScriptProblem[]; message: string }

/**
 * Validates an unknown value as a lab script (version 1 or 2). Never throws: bad input comes back as
 * problems, each naming the step index and the field.
 */
export function parseLabScript(input: unknown): ParseResult {
  const parsed = labScriptSchema.safeParse(input)
  if (parsed.success) {
    const extra = checkSemantics(parsed.data)
    if (extra.length === 0) return { ok: true, script: parsed.data }
    return { ok: false, problems: extra, message: formatProblems(extra) }
  }
  const problems = parsed.error.issues.map((issue) => toProblem(issue, input))
  return { ok: false, problems, message: formatProblems(problems) }
}

function toProblem(issue: z.core.$ZodIssue, input: unknown): ScriptProblem {
  const path = issue.path.map(String).join('.')
  const step =
    issue.path[0] === 'steps' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined
  const field = issue.path.length > 0 ? String(issue.path[issue.path.length - 1]) : '(script)'
  let message = issue.message
  if (issue.code === 'invalid_union' && step !== undefined && issue.path.length <= 3) {
    const raw = stepAt(input, step)
    const op = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).op : undefined
    message =
      op === undefined
        ? `missing "op" (one of ${STEP_OPS.join(', ')})`
        : `unknown op ${JSON.stringify(op)} (one of ${STEP_OPS.join(', ')})`
    return { step, path: `steps.${step}.op`, field: 'op', message }
  }
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
    return { step, path: path || '(script)', field: issue.keys.join(','), message }
  }
  if (issue.code === 'invalid_value' && field === 'actor' && step !== undefined) {
    const raw = stepAt(input, step) as Record<string, unknown> | undefined
    message = `op "${String(raw?.op)}" must be done by ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${JSON.stringify(raw?.actor)}`
  }
  return { step, path, field, message }
}

function stepAt(input: unknown, i: number): unknown {
  if (!input || typeof input !== 'object') return undefined
  const steps = (input as { steps?: unknown }).steps
  return Array.isArray(steps) ? steps[i] : undefined
}

/** Ops that exist only in lab script version 2. */
export const V2_OPS: ReadonlySet<StepOp> = new Set<StepOp>([
  'bind',
  'signal',
  'usertimeout',
  'poll',
  'getsockopt',
  'reboot',
])

/**
 * The version 2 feature a step uses, as `op` or `op.field` (`listen.backlog`), or null when
 * the step means the same in version 1.
 */
export function v2Feature(step: Step): string | null {
  if (V2_OPS.has(step.op)) return step.op
  if (step.actor !== 'client' && isClient(step.actor)) return `actor.${step.actor}`
  if (step.op === 'listen') {
    if (step.backlog !== undefined) return 'listen.backlog'
    if (step.reuseaddr !== undefined) return 'listen.reuseaddr'
  }
  if (step.op === 'connect' && step.nonblocking) return 'connect.nonblocking'
  return null
}

/** The version 2 top-level fields a script uses (v2Feature is per step). */
export function v2ScriptFields(script: Pick<LabScript, 'firewall'>): string[] {
  return script.firewall !== undefined ? ['firewall'] : []
}

/** Checks that need the whole script, beyond each field's own shape. */
function checkSemantics(script: LabScript): ScriptProblem[] {
  const problems: ScriptProblem[] = []
  if (script.labScript === 1) {
    for (const field of v2ScriptFields(script))
      problems.push({
        path: field,
        field,
        message: `"${field}" is lab script version 2: write "labScript": 2 at the top`,
      })
  }
  if (script.firewall && script.topology !== 'direct') {
    problems.push({
      path: 'firewall',
      field: 'firewall',
      message: 'a "firewall" sits on the direct path: it needs "topology": "direct"',
    })
  }
  script.steps.forEach((s, i) => {
    const v2 = script.labScript === 1 ? v2Feature(s) : null
    if (v2) {
      const field = v2.startsWith('actor.') ? 'actor' : v2.split('.')[1]
      problems.push({
        step: i,
        path: `steps.${i}.${field ?? 'op'}`,
        field: field ?? 'op',
        message: `"${v2}" is lab script version 2: write "labScript": 2 at the top`,
      })
    }
    if (isClient(s.actor) && s.actor !== 'client' && script.topology !== 'direct') {
      problems.push({
        step: i,
        path: `steps.${i}.actor`,
        field: 'actor',
        message: `several clients ("${s.actor}") need "topology": "direct": the middlebox relays one connection`,
      })
    }
    if (s.op === 'listen') problems.push(...listenPort(script, i))
    if ((s.op === 'hold' || s.op === 'release') && script.topology !== 'middlebox') {
      problems.push({
        step: i,
        path: `steps.${i}.op`,
        field: 'op',
        message: `"${s.op}" needs "topology": "middlebox"`,
      })
    }
    if (s.at !== undefined && s.at > script.limitMs) {
      problems.push({
        step: i,
        path: `steps.${i}.at`,
        field: 'at',
        message: `starts at ${s.at} ms, after the run ends (limitMs ${script.limitMs})`,
      })
    }
  })
  return problems
}

/**
 * A `listen` names its port unless a `bind` of the same actor bound the socket it will use (a
 * bind with no listen or connect since): then it must not name one, since listen() has no
 * port of its own and binding a bound socket fails.
 */
function listenPort(script: LabScript, i: number): ScriptProblem[] {
  const step = script.steps[i] as StepOf<'listen'>
  let bound = false
  for (let j = 0; j < i; j++) {
    const s = script.steps[j]!
    if (s.actor !== step.actor) continue
    if (s.op === 'bind') bound = true
    else if (s.op === 'listen') bound = false
  }
  const at = { step: i, path: `steps.${i}.port`, field: 'port' }
  if (bound && step.port !== undefined)
    return [{ ...at, message: 'the socket is bound by the "bind" step before: leave "port" out' }]
  if (bound && step.reuseaddr !== undefined)
    return [
      {
        ...at,
        path: `steps.${i}.reuseaddr`,
        field: 'reuseaddr',
        message: 'the "bind" step before sets SO_REUSEADDR: put "reuseaddr" there',
      },
    ]
  if (!bound && step.port === undefined)
    return [{ ...at, message: 'listen needs a "port", or a "bind" step before it' }]
  return []
}

/**
 * The port the run is about: the first port a `connect` or `listen` names, else the first a
 * server's `bind` names (a client's bind names its own local port), else 7000. The middlebox
 * relay listens on it, and both backends give it to the server.
 */
export function scriptPort(script: Pick<LabScript, 'steps'>): number {
  for (const s of script.steps)
    if ((s.op === 'connect' || s.op === 'listen') && s.port !== undefined) return s.port
  for (const s of script.steps) if (s.op === 'bind' && s.actor === 'server') return s.port
  return 7000
}

/** Formats problems as one line each: `step 3, field "port": expected ...`. */
export function formatProblems(problems: ScriptProblem[]): string {
  return problems
    .map((p) =>
      p.step !== undefined
        ? `step ${p.step}, field "${p.field}" (${p.path}): ${p.message}`
        : `field "${p.field}" (${p.path}): ${p.message}`,
    )
    .join('\n')
}
