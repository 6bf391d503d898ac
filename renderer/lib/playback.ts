/**
 * Playback of a run's trace: a cursor on the run clock that plays at real time, ten times
 * faster or instantly, steps one event at a time, and can be scrubbed. Pure functions over a
 * plain state object, so the rules are unit-tested without timers; the store owns the state
 * and a requestAnimationFrame loop feeds {@link advance} the elapsed wall time.
 */
import type { TraceIndex } from './trace-index'

/** Playback speeds the controls offer. */
export const SPEEDS = ['real', 'x10', 'instant'] as const
/** One of {@link SPEEDS}. */
export type Speed = (typeof SPEEDS)[number]

/** Run milliseconds per wall-clock millisecond. */
export const SPEED_FACTOR: Record<Speed, number> = { real: 1, x10: 10, instant: Infinity }

/** Where the cursor is. */
export interface PlaybackState {
  /** How many events are shown (events[0 .. shown)). */
  shown: number
  /** The run clock at the cursor. */
  cursorMs: number
  playing: boolean
  speed: Speed
}

/** The state at the start of a run (or a replay). */
export function startState(speed: Speed, playing = true): PlaybackState {
  return { shown: 0, cursorMs: 0, playing, speed }
}

/**
 * Moves the cursor by `dtMs` of wall time. `finished` says no more events will come, so
 * playing stops at the end; while a run streams, the cursor waits at the live edge.
 */
export function advance(
  state: PlaybackState,
  index: TraceIndex,
  dtMs: number,
  finished: boolean,
  endMs: number = index.timeOf(index.length),
): PlaybackState {
  if (!state.playing) return state
  const total = index.length
  const last = Math.max(endMs, index.timeOf(total))
  if (state.speed === 'instant') {
    return { ...state, shown: total, cursorMs: last, playing: !finished }
  }
  const cursorMs = Math.min(
    state.cursorMs + dtMs * SPEED_FACTOR[state.speed],
    finished ? last : Infinity,
  )
  const shown = index.countAt(cursorMs)
  const done = finished && shown >= total && cursorMs >= last
  return { ...state, shown, cursorMs, playing: !done }
}

/** Play or pause; playing at the end starts over. */
export function togglePlay(
  state: PlaybackState,
  index: TraceIndex,
  finished: boolean,
): PlaybackState {
  if (state.playing) return { ...state, playing: false }
  if (finished && state.shown >= index.length) return startState(state.speed)
  return { ...state, playing: true }
}

/** Shows exactly `shown` events and pauses (scrub, step, jump). */
export function seek(state: PlaybackState, index: TraceIndex, shown: number): PlaybackState {
  const n = Math.max(0, Math.min(index.length, Math.round(shown)))
  return { ...state, shown: n, cursorMs: index.timeOf(n), playing: false }
}

/** One event forward, paused. */
export function stepForward(state: PlaybackState, index: TraceIndex): PlaybackState {
  return seek(state, index, state.shown + 1)
}

/** One event back, paused. */
export function stepBack(state: PlaybackState, index: TraceIndex): PlaybackState {
  return seek(state, index, state.shown - 1)
}

/** Changes speed; instant shows everything at once. */
export function setSpeed(state: PlaybackState, index: TraceIndex, speed: Speed): PlaybackState {
  if (speed === 'instant' && state.playing) {
    return { ...state, speed, shown: index.length, cursorMs: index.timeOf(index.length) }
  }
  return { ...state, speed }
}
