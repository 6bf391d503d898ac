/**
 * Default-timer figures for every catalog case on every profile (shared/timer-figures.ts): one
 * figure for each timer the case shortens on that profile, and where the run gives up on that
 * timer, the simulator gives up when the figure says (so the default figure, computed the same
 * way, is the one a run with default timers would show).
 */
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS } from '../../shared/lab-script'
import type { NoteEvent } from '../../shared/lab-result'
import { PROFILES } from '../../shared/profiles'
import { timerFigures, type TimerKey } from '../../shared/timer-figures'
import { simulate } from '../sim/index'

/** The note a run shows when it gives up on each timer. */
const GIVE_UP: Record<TimerKey, string> = {
  synRetries: 'syn-give-up',
  synackRetries: 'synack-give-up',
  retries2: 'data-give-up',
  keepalive: 'keepalive-give-up',
}

const cases = CATALOG.flatMap((c) =>
  PROFILE_IDS.map((profile) => [`${c.script.id} on ${profile}`, c.script.id, profile] as const),
)

describe('default-timer figures beside the shortened ones', () => {
  it.each(cases)('%s', (_name, caseId, profile) => {
    const script = { ...scenarioScript(caseId)!, profile }
    const p = PROFILES[profile]
    const figures = timerFigures(script)
    const t = script.timers
    const shortened: TimerKey[] = []
    if (t.synRetries !== undefined && t.synRetries < p.syn.retries) shortened.push('synRetries')
    if (t.synackRetries !== undefined && t.synackRetries < p.synack.retries)
      shortened.push('synackRetries')
    if (t.retries2 !== undefined && t.retries2 < p.data.retries) shortened.push('retries2')
    if (t.keepalive) shortened.push('keepalive')
    expect(figures.map((f) => f.timer)).toEqual(shortened)

    const result = simulate(script)
    expect(result.timersShortened).toBe(shortened.length > 0)
    for (const f of figures) {
      expect(f.defaultMs, f.timer).toBeGreaterThan(f.shortenedMs)
      expect(f.simulatorOnly).toBe(f.settings.length === 0)
      expect(f.text.en).toMatch(/^With default timers/)
      expect(f.text.zh).toMatch(/^使用默认定时器/)
      // Where the run gave up on this timer, it did so when the figure says.
      const gaveUp = result.events.find(
        (e): e is NoteEvent =>
          e.type === 'note' && e.key === GIVE_UP[f.timer] && e.step === undefined,
      )
      if (!gaveUp) continue
      if (f.timer === 'keepalive') {
        const on = result.steps.find((s) => s.op === 'keepalive')
        // Idle since: Linux counts from the last segment that end received, BSD from the call.
        let since = on?.endMs ?? 0
        if (p.keepaliveIdleFrom === 'last-receive') {
          const heard = result.events.filter(
            (e) =>
              e.type === 'segment' &&
              e.fate === 'delivered' &&
              e.dir === (on?.actor === 'client' ? 's2c' : 'c2s') &&
              e.tMs <= since,
          )
          since = heard.at(-1)?.tMs ?? since
        }
        expect(gaveUp.tMs - since).toBeCloseTo(f.shortenedMs, 0)
      } else {
        // The simulator's own measure, in seconds to one decimal. A SYN retransmitted while
        // the server waits in SYN_RCVD restarts its SYN-ACK timer (tcp_check_req; the kernel lab
        // shows handshake.synack-lost giving up at 8.1 s, not 7): then the figure is the least
        // the server waits.
        const gaveUpMs = Number(gaveUp.params?.s) * 1000
        const restarted =
          f.timer === 'synackRetries' &&
          result.events.filter(
            (e) => e.type === 'segment' && e.dir === 'c2s' && e.flags.join() === 'SYN',
          ).length > 1
        if (restarted) expect(gaveUpMs, f.timer).toBeGreaterThanOrEqual(f.shortenedMs - 50)
        else expect(gaveUpMs, f.timer).toBeCloseTo(f.shortenedMs, -2)
      }
    }
  })

  it('the catalog shortens some timer on every profile (so every profile shows figures)', () => {
    for (const profile of PROFILE_IDS) {
      const shown = CATALOG.filter(
        (c) => timerFigures({ ...scenarioScript(c.script.id)!, profile }).length > 0,
      )
      expect(shown.length, profile).toBeGreaterThan(0)
    }
  })
})
