/**
 * The saved-trace file: a run's result with the script that produced it, so a teacher can
 * record a run (on the kernel of some machine) and replay it later in class. Files are
 * untrusted: the reader checks the shape and names what is wrong.
 */
import { z } from 'zod'
import {
  ACTORS,
  ENDPOINTS,
  EXTRA_CLIENTS,
  labScriptSchema,
  type Endpoint,
  type ExtraClient,
  type LabScript,
} from '../../shared/lab-script'
import { TCP_STATES, type LabResult } from '../../shared/lab-result'

/** The document a trace export writes. */
export interface TraceDocument {
  socklabTrace: 1
  exportedAt: string
  script?: LabScript
  result: LabResult
}

const num = z.number().finite()
const state = z.enum(TCP_STATES)
const eventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('state'),
      tMs: num,
      actor: z.enum(ENDPOINTS as [Endpoint, ...Endpoint[]]),
      from: state,
      to: state,
    })
    .passthrough(),
  z
    .object({
      type: z.literal('segment'),
      tMs: num,
      dir: z.enum(['c2s', 's2c']),
      flags: z.array(z.enum(['SYN', 'ACK', 'FIN', 'RST', 'PSH'])),
      seq: num,
      ack: num,
      len: num,
      fate: z.enum(['delivered', 'dropped', 'rejected', 'held']),
      client: z.enum(EXTRA_CLIENTS as [ExtraClient, ...ExtraClient[]]).optional(),
    })
    .passthrough(),
  z
    .object({ type: z.literal('icmp'), tMs: num, dir: z.enum(['c2s', 's2c']), icmp: z.string() })
    .passthrough(),
  z.object({ type: z.literal('syscall'), tMs: num, step: z.number().int() }).passthrough(),
  z.object({ type: z.literal('note'), tMs: num, key: z.string() }).passthrough(),
])
const stepSchema = z
  .object({
    index: z.number().int(),
    actor: z.enum(ACTORS),
    op: z.string(),
    startMs: num,
    endMs: num,
    outcome: z.enum(['returned', 'blocked', 'skipped']),
  })
  .passthrough()
const resultSchema = z
  .object({
    labScript: z.union([z.literal(1), z.literal(2)]),
    backend: z.enum(['sim', 'kernel']),
    profile: z.string(),
    durationMs: num,
    steps: z.array(stepSchema),
    events: z.array(eventSchema),
    final: z.object({
      client: state,
      server: state,
      client2: state.optional(),
      client3: state.optional(),
      client4: state.optional(),
    }),
  })
  .passthrough()

/** Builds the file for a finished run. */
export function traceDocument(
  result: LabResult,
  script: LabScript | null,
  now = new Date(),
): TraceDocument {
  return { socklabTrace: 1, exportedAt: now.toISOString(), ...(script ? { script } : {}), result }
}

/** Reads a trace file: ours, or a bare result as `socklab run --json` prints it. */
export function readTraceDocument(
  text: string,
): { ok: true; doc: TraceDocument } | { ok: false; message: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    return {
      ok: false,
      message: `not JSON (${error instanceof Error ? error.message : String(error)})`,
    }
  }
  const wrapped = raw && typeof raw === 'object' && 'socklabTrace' in raw
  const body = wrapped ? (raw as Record<string, unknown>).result : raw
  const result = resultSchema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]!
    return {
      ok: false,
      message: `${wrapped ? 'result.' : ''}${issue.path.join('.') || '(top)'}: ${issue.message}`,
    }
  }
  let script: LabScript | undefined
  if (wrapped && (raw as Record<string, unknown>).script !== undefined) {
    const parsed = labScriptSchema.safeParse((raw as Record<string, unknown>).script)
    if (!parsed.success) return { ok: false, message: `script: ${parsed.error.issues[0]!.message}` }
    script = parsed.data
  }
  const doc: TraceDocument = {
    socklabTrace: 1,
    exportedAt: wrapped ? String((raw as Record<string, unknown>).exportedAt ?? '') : '',
    result: result.data as unknown as LabResult,
    ...(script ? { script } : {}),
  }
  return { ok: true, doc }
}
