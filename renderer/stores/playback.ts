/**
 * Playback of the shown run: a cursor on the run clock (play, pause, step, scrub, speed) over
 * the trace index, which is derived from the run's events. The rules are the pure functions
 * of lib/playback.ts; the view's animation-frame loop calls {@link tick}.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import {
  advance,
  seek as seekTo,
  setSpeed as withSpeed,
  startState,
  stepBack as back,
  stepForward as forward,
  togglePlay as toggle,
  type PlaybackState,
  type Speed,
} from '../lib/playback'
import { inferNotes, runNotes, type PlacedNote } from '../lib/explain'
import { TraceIndex } from '../lib/trace-index'
import { useCatalogStore } from './catalog'
import { useRunStore } from './run'

/** Playback state and actions. */
export const usePlaybackStore = defineStore('playback', () => {
  const run = useRunStore()
  const catalog = useCatalogStore()

  const speed = ref<Speed>('instant')
  /** The cursor: how many events are shown, the run clock, playing or not. */
  const playback = ref<PlaybackState>(startState('instant', false))

  /**
   * The index of the run's events. A live run pushes to its events array: the new index then
   * shares the old one's tables and indexes only the new events (see TraceIndex.follow).
   */
  const index = computed<TraceIndex>((previous) =>
    previous ? previous.follow(run.events) : new TraceIndex(run.events),
  )
  /**
   * The run's teaching notes placed on its trace: the simulator's own, or (a kernel run) those
   * read off the trace by the same rules (lib/explain.ts). The caption and the cards use them.
   */
  const notes = computed<PlacedNote[]>(() =>
    // Reading a trace waits for its end (a live run's trace grows event by event).
    run.finished || index.value.length === 0 || hasOwnNotes()
      ? runNotes(run.events, run.steps, catalog.script, run.runProfile)
      : [],
  )
  /** The notes the trace alone gives, for values a backend's note left out. */
  const inferred = computed<PlacedNote[]>(() =>
    run.finished ? inferNotes(run.events, run.steps, catalog.script, run.runProfile) : [],
  )
  function hasOwnNotes(): boolean {
    return run.events.some((e) => e.type === 'note' && !e.key.startsWith('kernel.'))
  }
  /** Events shown at the cursor. */
  const shown = computed(() => Math.min(playback.value.shown, index.value.length))
  /** Steps whose result is visible at the cursor. */
  const shownSteps = computed(() => run.steps.filter((s) => index.value.stepShown(s, shown.value)))

  /** A new trace: a live run plays from its start, an opened trace shows its end. */
  function restart(): void {
    playback.value = startState(speed.value, run.busy)
    if (run.imported) playback.value = seekTo(playback.value, index.value, index.value.length)
  }
  restart()
  run.onTrace((change) => {
    if (change.kind === 'begin') restart()
  })

  // While a run streams in, instant playback keeps to its live edge, and playing stops at the
  // end once the run is over; a shorter trace (the result replacing the live events) pulls the
  // cursor back.
  watch(
    [index, () => run.finished],
    () => {
      if (playback.value.shown > index.value.length)
        playback.value = seekTo(playback.value, index.value, index.value.length)
      if (playback.value.playing && (playback.value.speed === 'instant' || run.finished)) tick(0)
    },
    { flush: 'sync' },
  )

  /** Advances playback by `dtMs` of wall time (the view's animation frame loop calls it). */
  function tick(dtMs: number): void {
    playback.value = advance(
      playback.value,
      index.value,
      dtMs,
      run.finished,
      run.result?.durationMs,
    )
  }
  function togglePlay(): void {
    playback.value = toggle(playback.value, index.value, run.finished)
  }
  function stepForward(): void {
    playback.value = forward(playback.value, index.value)
  }
  function stepBack(): void {
    playback.value = back(playback.value, index.value)
  }
  /** Shows the first `n` events (scrub). */
  function seek(n: number): void {
    playback.value = seekTo(playback.value, index.value, n)
  }
  function replay(): void {
    playback.value = startState(speed.value, true)
    tick(0)
  }
  function setSpeed(value: Speed): void {
    speed.value = value
    playback.value = withSpeed(playback.value, index.value, value)
  }

  return {
    speed,
    playback,
    index,
    notes,
    inferred,
    shown,
    shownSteps,
    tick,
    togglePlay,
    stepForward,
    stepBack,
    seek,
    replay,
    setSpeed,
  }
})
