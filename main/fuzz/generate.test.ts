import { describe, expect, it } from 'vitest'
import {
  DROP_MATCHES,
  ICMP_TYPES,
  STEP_OPS,
  v2Feature,
  v2ScriptFields,
  V2_OPS,
  type LabScript,
} from '../../shared/lab-script'
import { simulate } from '../sim/index'
import { drawScript, MAX_BYTES, SLOT_MS } from './generate'
import { fuzzScript } from './run'

const scripts: LabScript[] = Array.from({ length: 300 }, (_, i) => fuzzScript(7, i))

describe('the fuzz generator', () => {
  it('is deterministic for a seed and an index, and differs between them', () => {
    expect(fuzzScript(7, 3)).toEqual(scripts[3])
    expect(drawScript(7, 3)).toEqual(drawScript(7, 3))
    expect(drawScript(7, 3)).not.toEqual(drawScript(8, 3))
    expect(drawScript(7, 3)).not.toEqual(drawScript(7, 4))
  })

  it('covers every op and fault the kernel lab can express', () => {
    const steps = scripts.flatMap((s) => s.steps)
    const ops = new Set(steps.map((s) => s.op))
    expect([...STEP_OPS].filter((op) => !ops.has(op))).toEqual([])
    const matches = new Set(steps.flatMap((s) => (s.op === 'drop' ? [s.match] : [])))
    expect([...DROP_MATCHES].filter((m) => !matches.has(m))).toEqual([])
    const icmp = new Set(steps.flatMap((s) => (s.op === 'reject' ? [s.icmp] : [])))
    expect([...ICMP_TYPES].filter((m) => !icmp.has(m))).toEqual([])
    const crash = new Set(steps.flatMap((s) => (s.op === 'crash' ? [s.mode] : [])))
    expect([...crash].sort()).toEqual(['fin', 'rst', 'silent'])
    const how = new Set(steps.flatMap((s) => (s.op === 'shutdown' ? [s.how] : [])))
    expect([...how].sort()).toEqual(['rd', 'rdwr', 'wr'])
    const cuts = new Set(steps.flatMap((s) => (s.op === 'cut' ? [s.dir] : [])))
    expect([...cuts].sort()).toEqual(['both', 'c2s', 's2c'])
    expect(steps.some((s) => s.op === 'drop' && s.count !== undefined)).toBe(true)
    expect(steps.some((s) => s.op === 'recv' && s.timeoutMs !== undefined)).toBe(true)
    expect(steps.some((s) => s.op === 'connect' && s.nonblocking)).toBe(true)
    expect(steps.some((s) => s.op === 'poll' && s.timeoutMs === undefined)).toBe(true)
    expect(steps.some((s) => s.op === 'poll' && s.timeoutMs === 0)).toBe(true)
    // Version 2 only where a version 2 op is used.
    for (const s of scripts)
      expect(s.labScript, s.id).toBe(
        v2ScriptFields(s).length > 0 || s.steps.some((step) => v2Feature(step) !== null) ? 2 : 1,
      )
    expect(scripts.some((s) => s.topology === 'middlebox')).toBe(true)
    // The firewall, both ways of forgetting, on the direct path only; some runs show it.
    const walled = scripts.filter((s) => s.firewall)
    expect(new Set(walled.map((s) => s.firewall!.forget))).toEqual(new Set(['drop', 'reset']))
    expect(walled.every((s) => s.topology === 'direct' && s.firewall!.idleS <= 2)).toBe(true)
    expect(
      walled.some((s) =>
        simulate(s).events.some((e) => e.type === 'note' && e.key.startsWith('firewall-forgot')),
      ),
    ).toBe(true)
    expect(
      scripts.every((s) => (s.timers.synRetries ?? 9) <= 2 && (s.timers.retries2 ?? 9) <= 3),
    ).toBe(true)
  })

  it('draws signals with and without SA_RESTART, some of them into a blocked call', () => {
    const signals = scripts.flatMap((s) => s.steps.flatMap((x) => (x.op === 'signal' ? [x] : [])))
    expect(new Set(signals.map((x) => x.restart))).toEqual(new Set([true, false]))
    const interrupted = scripts.filter((s) => simulate(s).steps.some((x) => x.errno === 'EINTR'))
    expect(interrupted.length).toBeGreaterThan(0)
  })

  it('writes version 2 exactly when a script uses a version 2 op', () => {
    for (const s of scripts) {
      const v2 = s.firewall !== undefined || s.steps.some((x) => v2Feature(x) !== null)
      expect(s.labScript, s.id).toBe(v2 ? 2 : 1)
      if (s.steps.some((x) => V2_OPS.has(x.op))) expect(s.labScript, s.id).toBe(2)
    }
    expect(scripts.some((s) => s.labScript === 1)).toBe(true)
    // Version 2's second client: its own connect, on the direct path only.
    const two = scripts.filter((s) => s.steps.some((x) => x.actor === 'client2'))
    expect(two.length).toBeGreaterThan(0)
    for (const s of two) expect(s.topology, s.id).toBe('direct')
  })

  it('gives every action a slot of its own, so no two actors act at once', () => {
    for (const s of scripts) {
      const times = s.steps.flatMap((step) =>
        step.at !== undefined && step.at >= SLOT_MS ? [step.at] : [],
      )
      expect(new Set(times).size, s.id).toBe(times.length)
      for (const t of times) expect(t % SLOT_MS, s.id).toBe(0)
    }
  })

  it('stays below any buffer: at most MAX_BYTES each way', () => {
    for (const s of scripts) {
      for (const who of ['client', 'client2', 'server'] as const) {
        const bytes = s.steps.reduce(
          (n, step) => n + (step.op === 'send' && step.actor === who ? step.bytes : 0),
          0,
        )
        expect(bytes, s.id).toBeLessThanOrEqual(MAX_BYTES)
      }
    }
  })

  it('never leaves an actor frozen at the end of its story', () => {
    for (const s of scripts) {
      for (const who of ['client', 'server'] as const) {
        const mine = s.steps.filter(
          (step) => step.actor === who && (step.op === 'freeze' || step.op === 'thaw'),
        )
        expect(mine.at(-1)?.op ?? 'thaw', s.id).toBe('thaw')
      }
    }
  })
})
