// The path's stateful firewall (docs/lab-script-format.md, "The firewall"): its table alone,
// then whole runs where it forgets an idle connection and drops or resets what comes after.
import { describe, expect, it } from 'vitest'
import type { LabScriptInput } from '../../../shared/lab-script'
import { run, segments } from '../test-util'
import { ACK, PSH, RST, SYN, type Segment } from '../world'
import { FirewallTable } from './firewall'

function seg(flags: number, sport = 40000, dport = 7000): Segment {
  return {
    src: 'client',
    dst: 'server',
    sport,
    dport,
    seq: 1,
    ack: 1,
    flags,
    len: 0,
    win: 0,
    retransmit: false,
  }
}
const back = (flags: number): Segment => ({
  ...seg(flags, 7000, 40000),
  src: 'server',
  dst: 'client',
})

describe('FirewallTable', () => {
  it('tracks from the SYN, refreshes on every segment either way, forgets after idleS', () => {
    const t = new FirewallTable({ idleS: 2, forget: 'drop' })
    expect(t.inspect(seg(SYN), 0)).toEqual({ kind: 'pass' })
    expect(t.inspect(back(SYN | ACK), 1)).toEqual({ kind: 'pass' })
    // 1.999 s after the last segment: still known, and refreshed by this one.
    expect(t.inspect(seg(ACK), 2000)).toEqual({ kind: 'pass' })
    expect(t.inspect(back(ACK), 3999)).toEqual({ kind: 'pass' })
    // 2 s without a segment: forgotten, in both directions.
    expect(t.inspect(seg(ACK | PSH), 5999)).toEqual({ kind: 'forgotten', idleMs: 2000 })
    expect(t.inspect(back(ACK), 6500)).toEqual({ kind: 'forgotten', idleMs: 2501 })
  })

  it('lets RSTs through, and a new SYN starts a new entry', () => {
    const t = new FirewallTable({ idleS: 1, forget: 'reset' })
    t.inspect(seg(SYN), 0)
    expect(t.inspect(seg(RST), 5000)).toEqual({ kind: 'pass' })
    expect(t.inspect(seg(ACK), 5000).kind).toBe('forgotten')
    expect(t.inspect(seg(SYN), 5100)).toEqual({ kind: 'pass' })
    expect(t.inspect(back(SYN | ACK), 5101)).toEqual({ kind: 'pass' })
  })

  it('stops a segment of a connection it never saw begin (conntrack with tcp_loose 0)', () => {
    const t = new FirewallTable({ idleS: 1, forget: 'drop' })
    expect(t.inspect(seg(ACK), 0)).toEqual({ kind: 'forgotten', idleMs: null })
    expect(t.inspect(seg(ACK, 40001), 0).kind).toBe('forgotten')
  })
})

const connected = (port: number): LabScriptInput['steps'] => [
  { actor: 'server', op: 'listen', port },
  { actor: 'client', op: 'connect', port, at: 10 },
  { actor: 'server', op: 'accept' },
]

describe('a firewall on the path', () => {
  it('drop: the send after the idle timeout is lost, every retransmission too; a note says why', () => {
    const r = run({
      labScript: 2,
      firewall: { idleS: 1, forget: 'drop' },
      timers: { retries2: 2 },
      limitMs: 6000,
      steps: [
        ...connected(7001),
        { actor: 'client', op: 'send', bytes: 100, at: 1500 },
        { actor: 'client', op: 'recv', at: 1600 },
      ],
    })
    const data = r.events.filter((e) => e.type === 'segment' && e.len > 0)
    expect(data.length).toBeGreaterThan(2)
    expect(data.every((e) => e.type === 'segment' && e.fate === 'dropped')).toBe(true)
    expect(r.steps[3]).toMatchObject({ ret: 100 })
    expect(r.steps[4]).toMatchObject({ ret: -1, errno: 'ETIMEDOUT' })
    const notes = r.events.filter((e) => e.type === 'note' && e.key === 'firewall-forgot-drop')
    expect(notes).toEqual([expect.objectContaining({ tMs: 1500, params: { s: 1 } })])
    expect(r.final).toMatchObject({ server: 'ESTABLISHED' })
  })

  it("reset: the firewall answers with a bare RST whose seq is the segment's ACK number", () => {
    const r = run({
      labScript: 2,
      firewall: { idleS: 1, forget: 'reset' },
      limitMs: 3000,
      steps: [
        ...connected(7001),
        { actor: 'client', op: 'send', bytes: 100, at: 1500 },
        { actor: 'client', op: 'recv', at: 1600 },
      ],
    })
    const sent = segments(r.events, 'c2s', 'PSH|ACK').at(-1)!
    expect(sent).toMatchObject({ fate: 'rejected', len: 100 })
    expect(sent.ruleStep).toBeUndefined()
    const rst = segments(r.events, 's2c', 'RST')
    expect(rst).toEqual([expect.objectContaining({ seq: sent.ack, ack: 0, fate: 'delivered' })])
    expect(r.steps[4]).toMatchObject({ ret: -1, errno: 'ECONNRESET' })
    expect(r.final).toMatchObject({ client: 'CLOSED', server: 'ESTABLISHED' })
  })

  it('a segment a net fault stops still refreshes the entry (the firewall sees it first)', () => {
    const r = run({
      labScript: 2,
      firewall: { idleS: 1, forget: 'drop' },
      limitMs: 4000,
      steps: [
        ...connected(7001),
        { actor: 'net', op: 'drop', dir: 'c2s', match: 'data', count: 1, at: 500 },
        // Its first transmission dies on the drop rule at 0.8 s; the retransmission arrives.
        { actor: 'client', op: 'send', bytes: 10, at: 800 },
        { actor: 'server', op: 'recv', at: 900 },
      ],
    })
    const data = segments(r.events, 'c2s', 'PSH|ACK').filter((e) => e.len > 0)
    expect(data[0]).toMatchObject({ fate: 'dropped', ruleStep: 3 })
    expect(r.steps[5]).toMatchObject({ ret: 10 })
  })
})
