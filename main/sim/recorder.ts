/**
 * The trace of one run: every event in time order, streamed to the listener as it happens.
 */
import type { Actor } from '../../shared/lab-script'
import type { NoteEvent, TraceEvent } from '../../shared/lab-result'
import type { NoteKey } from '../../shared/notes'
import type { EventQueue } from './engine/event-queue'
import type { Trace } from './world'

/** Records a run's trace and streams each event to `onEvent`. */
export class Recorder implements Trace {
  readonly events: TraceEvent[] = []

  constructor(
    private readonly q: EventQueue,
    private readonly onEvent?: (event: TraceEvent) => void,
  ) {}

  emit(event: TraceEvent): void {
    this.events.push(event)
    this.onEvent?.(event)
  }

  note(key: NoteKey, params?: Record<string, string | number>, actor?: Actor, step?: number): void {
    const e: NoteEvent = { tMs: this.q.now, type: 'note', key }
    if (actor) e.actor = actor
    if (step !== undefined) e.step = step
    if (params) e.params = params
    this.emit(e)
  }
}
