/**
 * Remembering where the window was: the pure part. The saved bounds are trusted only as far
 * as today's displays allow: a window saved on a monitor that is gone, or larger than the
 * screen it lands on, is moved and shrunk so it is fully visible.
 */
import { z } from 'zod'

/** A rectangle in screen coordinates (DIP). */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const rectSchema = z.strictObject({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
})

/** What is saved when the window closes. */
export const savedWindowSchema = z.strictObject({
  /** The normal (not maximized, not full-screen) bounds. */
  bounds: rectSchema,
  maximized: z.boolean(),
})
/** See {@link savedWindowSchema}. */
export type SavedWindow = z.output<typeof savedWindowSchema>

/** Size limits of the window. */
export interface WindowSizing {
  width: number
  height: number
  minWidth: number
  minHeight: number
}

/** The main window's default and minimum size (the lab view needs room for two graphs). */
export const WINDOW_SIZING: WindowSizing = {
  width: 1400,
  height: 900,
  minWidth: 960,
  minHeight: 640,
}

/** Where to open the window: bounds without x/y mean "centre it". */
export interface WindowPlacement {
  bounds: { width: number; height: number; x?: number; y?: number }
  maximized: boolean
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high))
}

/** Fits a size into an area: never below the minimum unless the area itself is smaller. */
function fitSize(width: number, height: number, area: Rect, sizing: WindowSizing) {
  return {
    width: Math.min(Math.max(width, sizing.minWidth), area.width),
    height: Math.min(Math.max(height, sizing.minHeight), area.height),
  }
}

/**
 * Decides where the window opens. `workAreas` are the displays' work areas, primary first.
 * With nothing saved (or no display known) the window gets its default size, centred. With
 * saved bounds, it goes to the display it overlaps most; if it overlaps none, to the primary
 * display, centred. It is then shrunk to fit that display and moved fully onto it.
 */
export function placeWindow(
  saved: SavedWindow | undefined,
  workAreas: readonly Rect[],
  sizing: WindowSizing = WINDOW_SIZING,
): WindowPlacement {
  const primary = workAreas[0]
  if (!primary) return { bounds: { width: sizing.width, height: sizing.height }, maximized: false }
  if (!saved) {
    return { bounds: fitSize(sizing.width, sizing.height, primary, sizing), maximized: false }
  }
  let best: Rect | undefined
  let bestOverlap = 0
  for (const area of workAreas) {
    const overlap = overlapArea(saved.bounds, area)
    if (overlap > bestOverlap) {
      best = area
      bestOverlap = overlap
    }
  }
  if (!best) {
    return {
      bounds: fitSize(saved.bounds.width, saved.bounds.height, primary, sizing),
      maximized: saved.maximized,
    }
  }
  const size = fitSize(saved.bounds.width, saved.bounds.height, best, sizing)
  return {
    bounds: {
      ...size,
      x: clamp(saved.bounds.x, best.x, best.x + best.width - size.width),
      y: clamp(saved.bounds.y, best.y, best.y + best.height - size.height),
    },
    maximized: saved.maximized,
  }
}
