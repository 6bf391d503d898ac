/**
 * Drives playback from the display's frames: while the store says it is playing, each
 * animation frame advances the cursor by the wall time since the previous one.
 */
import { onBeforeUnmount, onMounted, watch } from 'vue'

/** The part of the playback store the loop needs. */
export interface Playable {
  readonly playback: { playing: boolean }
  tick(dtMs: number): void
}

/** Runs the loop for the lifetime of the calling component. */
export function usePlaybackLoop(player: Playable): void {
  let frame = 0
  let last = 0

  function loop(now: number): void {
    const dt = last === 0 ? 0 : now - last
    last = now
    player.tick(dt)
    frame = player.playback.playing ? requestAnimationFrame(loop) : 0
  }

  function start(): void {
    if (frame !== 0 || typeof requestAnimationFrame === 'undefined') return
    last = 0
    frame = requestAnimationFrame(loop)
  }

  onMounted(() => {
    if (player.playback.playing) start()
  })
  watch(
    () => player.playback.playing,
    (playing) => {
      if (playing) start()
    },
  )
  onBeforeUnmount(() => {
    if (frame !== 0) cancelAnimationFrame(frame)
    frame = 0
  })
}
