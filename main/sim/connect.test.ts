import { describe, expect, it } from 'vitest'
import { parseLabScript, type LabScript, type LabScriptInput } from '../../shared/lab-script'
import { scenarioScript } from '../../shared/catalog/index'
import type { StepResult, TraceEvent } from '../../shared/lab-result'
import { simBackend, simulate } from './index'

function script(input: LabScriptInput): LabScript {
  const r = parseLabScript(input)
  if (!r.ok) throw new Error(r.message)
  return r.script
}

const segs = (events: TraceEvent[]) =>
  events.flatMap((e) => (e.type === 'segment' ? [`${e.dir} ${e.flags.join('|')}`] : []))

describe('connect', () => {
  it('connect.ok: SYN, SYN-ACK, ACK; connect = 0, accept returns a new descriptor', () => {
    const r = simulate(scenarioScript('connect.ok')!)
    expect(segs(r.events)).toEqual(['c2s SYN', 's2c SYN|ACK', 'c2s ACK'])
    const connect = r.steps.find((s) => s.op === 'connect')!
    const accept = r.steps.find((s) => s.op === 'accept')!
    expect(connect).toMatchObject({ outcome: 'returned', ret: 0 })
    expect(accept).toMatchObject({ outcome: 'returned', ret: 4 })
    expect(accept.endMs).toBeGreaterThan(connect.endMs)
    expect(r.final).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' })
  })

  it.each([
    ['linux', 'ECONNREFUSED', 111, 0, 1],
    ['linux-legacy', 'ECONNREFUSED', 111, 0, 1],
    ['macos', 'ECONNREFUSED', 61, 0, 1],
    ['windows', 'WSAECONNREFUSED', 10061, 1900, 2100],
  ] as const)('connect.refused on %s: -1 %s (%d)', (profile, errno, errnoNumber, lo, hi) => {
    const r = simulate({ ...scenarioScript('connect.refused')!, profile })
    const step = r.steps[0]!
    expect(step).toMatchObject({ outcome: 'returned', ret: -1, errno, errnoNumber })
    expect(step.endMs).toBeGreaterThanOrEqual(lo)
    expect(step.endMs).toBeLessThanOrEqual(hi)
    expect(r.final.client).toBe('CLOSED')
    expect(r.events.some((e) => e.type === 'segment' && e.flags.includes('RST'))).toBe(true)
  })

  it('a SYN to a port nobody listens on is refused even when a server listens elsewhere', () => {
    const r = simulate(
      script({
        labScript: 1,
        steps: [
          { actor: 'server', op: 'listen', port: 7001 },
          { actor: 'client', op: 'connect', port: 7009 },
        ],
      }),
    )
    expect(r.steps[1]).toMatchObject({ ret: -1, errno: 'ECONNREFUSED' })
    expect(r.final.server).toBe('LISTEN')
  })

  it('simBackend streams events and steps in order and returns the same result', async () => {
    const s = scenarioScript('connect.ok')!
    const events: TraceEvent[] = []
    const steps: StepResult[] = []
    expect(await simBackend.unsupported(s)).toBeNull()
    const r = await simBackend.run(s, {
      signal: new AbortController().signal,
      onEvent: (e) => events.push(e),
      onStep: (st) => steps.push(st),
    })
    expect(r.backend).toBe('sim')
    expect(events).toEqual(r.events)
    expect(steps.map((x) => x.index).sort()).toEqual(r.steps.map((x) => x.index).sort())
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.tMs).toBeGreaterThanOrEqual(events[i - 1]!.tMs)
  })
})
