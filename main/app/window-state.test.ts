import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { placeWindow, WINDOW_SIZING, type Rect, type SavedWindow } from './window-state'

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 }
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 }

const saved = (bounds: Rect, maximized = false): SavedWindow => ({ bounds, maximized })

function inside(bounds: { x?: number; y?: number; width: number; height: number }, area: Rect) {
  return (
    bounds.x !== undefined &&
    bounds.y !== undefined &&
    bounds.x >= area.x &&
    bounds.y >= area.y &&
    bounds.x + bounds.width <= area.x + area.width &&
    bounds.y + bounds.height <= area.y + area.height
  )
}

describe('placeWindow', () => {
  it('opens at the default size, centred, the first time', () => {
    expect(placeWindow(undefined, [laptop])).toEqual({
      bounds: { width: 1400, height: 900 },
      maximized: false,
    })
  })

  it('shrinks the default size to a small screen', () => {
    const small: Rect = { x: 0, y: 0, width: 1280, height: 720 }
    expect(placeWindow(undefined, [small]).bounds).toEqual({ width: 1280, height: 720 })
  })

  it('restores bounds that are still on a display, and the maximized flag', () => {
    const bounds = { x: 2100, y: 100, width: 1500, height: 1000 }
    expect(placeWindow(saved(bounds, true), [laptop, rightMonitor])).toEqual({
      bounds,
      maximized: true,
    })
  })

  it('moves a window whose monitor is gone to the primary display, centred', () => {
    const onGoneMonitor = { x: 2100, y: 100, width: 1500, height: 1000 }
    expect(placeWindow(saved(onGoneMonitor), [laptop])).toEqual({
      bounds: { width: 1500, height: 1000 },
      maximized: false,
    })
  })

  it('pulls a half-visible window fully onto the display it overlaps most', () => {
    const hanging = { x: 1700, y: -50, width: 1000, height: 700 }
    const placed = placeWindow(saved(hanging), [laptop, rightMonitor])
    // 780 px of it were on the right monitor, 220 px on the laptop.
    expect(placed.bounds).toEqual({ x: 1920, y: 0, width: 1000, height: 700 })
  })

  it('never restores a window below the minimum size', () => {
    const tiny = { x: 10, y: 10, width: 100, height: 50 }
    expect(placeWindow(saved(tiny), [laptop]).bounds).toMatchObject({
      width: WINDOW_SIZING.minWidth,
      height: WINDOW_SIZING.minHeight,
    })
  })

  it('lands fully inside some display whatever was saved (property)', () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 8000 }),
      y: fc.integer({ min: -5000, max: 8000 }),
      width: fc.integer({ min: 1, max: 9000 }),
      height: fc.integer({ min: 1, max: 9000 }),
    })
    const area = fc.record({
      x: fc.integer({ min: -4000, max: 6000 }),
      y: fc.integer({ min: -4000, max: 6000 }),
      width: fc.integer({ min: 1000, max: 4000 }),
      height: fc.integer({ min: 700, max: 3000 }),
    })
    fc.assert(
      fc.property(rect, fc.array(area, { minLength: 1, maxLength: 3 }), (bounds, areas) => {
        const placed = placeWindow(saved(bounds), areas)
        if (placed.bounds.x === undefined) {
          // Centred by Electron on the primary display: it must fit there.
          expect(placed.bounds.width).toBeLessThanOrEqual(areas[0]!.width)
          expect(placed.bounds.height).toBeLessThanOrEqual(areas[0]!.height)
        } else {
          expect(areas.some((a) => inside(placed.bounds, a))).toBe(true)
        }
        // Placing the placed window again changes nothing.
        if (placed.bounds.x !== undefined && placed.bounds.y !== undefined) {
          const again = placeWindow(
            saved({ ...placed.bounds, x: placed.bounds.x, y: placed.bounds.y }),
            areas,
          )
          expect(again.bounds).toEqual(placed.bounds)
        }
      }),
    )
  })
})
