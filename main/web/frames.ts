/**
 * Reading one WebSocket frame of browser mode into a call, whatever the frame holds: text
 * that is not JSON, JSON that is not a call (`null`, a number, a string, an array, an object
 * missing a field or with a field of the wrong type), a binary frame, a frame too large. Each
 * of those gets an error reply naming what was wrong, with the call's id where one could be
 * read; nothing in a frame can throw.
 */
import type { CallName, WireFrame } from '../../shared/contract'
import { isCallName } from '../lab/dispatch'

/** Largest frame read: the page sends picked files in batches below this (1 MiB). */
export const MAX_FRAME = 1024 * 1024

/** A call read from a frame. */
export interface CallFrame {
  id: number
  name: CallName
  args: unknown[]
}

/** An error reply to a frame that is not a call. */
export function badFrame(id: number, message: string): WireFrame {
  return { type: 'reply', id, result: { ok: false, error: { code: 'bad-input', message } } }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const SHAPE = 'a call is {"type": "call", "id": <number>, "name": <call>, "args": [...]}'

/** The call a frame carries, or the error reply it gets (id -1 when it had no usable id). */
export function readFrame(data: Buffer, isBinary: boolean): CallFrame | WireFrame {
  if (isBinary) return badFrame(-1, `Binary frames are not calls: ${SHAPE}.`)
  if (data.length > MAX_FRAME)
    return badFrame(
      -1,
      `The frame is ${data.length} bytes; frames are limited to ${MAX_FRAME} bytes (1 MiB).`,
    )
  let frame: unknown
  try {
    frame = JSON.parse(data.toString('utf8'))
  } catch {
    return badFrame(-1, `The frame is not JSON: ${SHAPE}.`)
  }
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame))
    return badFrame(-1, `The frame is ${kindOf(frame)}: ${SHAPE}.`)
  const call = frame as Record<string, unknown>
  const id = call.id
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    return badFrame(-1, `Field "id" must be a whole number from 0, got ${kindOf(id)}: ${SHAPE}.`)
  if (call.type !== 'call')
    return badFrame(
      id,
      `Field "type" must be "call", got ${JSON.stringify(call.type)?.slice(0, 80) ?? 'none'}.`,
    )
  if (!isCallName(call.name))
    return badFrame(id, `Unknown call ${JSON.stringify(call.name)?.slice(0, 80) ?? '(none)'}.`)
  if (!Array.isArray(call.args))
    return badFrame(id, `Field "args" must be an array, got ${kindOf(call.args)}.`)
  return { id, name: call.name, args: call.args }
}

/** True for a frame read into a call (rather than its error reply). */
export function isCall(frame: CallFrame | WireFrame): frame is CallFrame {
  return !('type' in frame)
}
