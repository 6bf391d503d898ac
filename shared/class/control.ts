/**
 * What the teacher asks of a live class through the contract (shared/contract.ts): start one
 * from an imported pack, move it on, reveal answers, end it. Validated in main like every
 * contract argument.
 */
import { z } from 'zod'
import { FEEDBACK_MODES, PACINGS } from './protocol'

/** Start a class: which pack, how it runs, where students can reach it. */
export const liveStartSchema = z.strictObject({
  packId: z.string().min(1).max(64),
  pacing: z.enum(PACINGS),
  feedback: z.enum(FEEDBACK_MODES),
  /**
   * `local`: this computer only (127.0.0.1). `room`: the teacher opts into the room's network,
   * on every address of the machine or on `address`, one of its interfaces.
   */
  network: z.enum(['local', 'room']),
  address: z.ipv4().optional(),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535),
})
/** Argument of classStart. */
export type LiveStart = z.output<typeof liveStartSchema>

/** One thing the teacher does to a running class. */
export const liveControlSchema = z.discriminatedUnion('kind', [
  /** teacher-paced: move the class to a question (from 0). */
  z.strictObject({ kind: z.literal('goto'), index: z.number().int().min(0).max(10_000) }),
  z.strictObject({ kind: z.literal('pacing'), pacing: z.enum(PACINGS) }),
  z.strictObject({ kind: z.literal('feedback'), feedback: z.enum(FEEDBACK_MODES) }),
  /** Reveal the current question's answer (teacher-paced) or every answer. */
  z.strictObject({ kind: z.literal('reveal'), which: z.enum(['current', 'all']) }),
])
/** Argument of classControl. */
export type LiveControl = z.output<typeof liveControlSchema>
