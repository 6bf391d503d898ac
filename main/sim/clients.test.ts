// Several clients (lab script version 2): each is its own host with its own program, its
// segments name it, its state is in `final`, and a version 1 script may not have one.
import { describe, expect, it } from 'vitest'
import { parseLabScript } from '../../shared/lab-script'
import { clientOf } from '../../shared/lab-result'
import { run, stepAt } from './test-util'

const three = {
  labScript: 2 as const,
  limitMs: 3000,
  steps: [
    { actor: 'server' as const, op: 'listen' as const, port: 7101 },
    { actor: 'client' as const, op: 'connect' as const, port: 7101, at: 10 },
    { actor: 'client2' as const, op: 'connect' as const, port: 7101, at: 20 },
    { actor: 'server' as const, op: 'accept' as const, at: 30 },
    { actor: 'server' as const, op: 'accept' as const },
    { actor: 'client2' as const, op: 'send' as const, bytes: 10, at: 100 },
    { actor: 'server' as const, op: 'recv' as const, at: 150 },
    { actor: 'client' as const, op: 'close' as const, at: 200 },
    // The run goes on past the FIN's ACK (Linux sends it on the next timer tick).
    { actor: 'server' as const, op: 'sleep' as const, ms: 100, at: 200 },
  ],
}

describe('several clients', () => {
  it('gives each client its own connection: segments name it, final has its state', () => {
    const r = run(three)
    const syns = r.events.filter((e) => e.type === 'segment' && e.flags.join() === 'SYN')
    expect(syns.map((e) => (e.type === 'segment' ? clientOf(e) : ''))).toEqual([
      'client',
      'client2',
    ])
    // The data came from client2 only; the server's last accept is client2's connection,
    // so its recv reads client2's 10 bytes.
    const data = r.events.filter((e) => e.type === 'segment' && e.len > 0)
    expect(data.map((e) => (e.type === 'segment' ? [clientOf(e), e.dir] : []))).toEqual([
      ['client2', 'c2s'],
    ])
    expect(stepAt(r, 6).ret).toBe(10)
    // The first client closed: FIN_WAIT_2 once the server's kernel ACKed its FIN; client2
    // stays ESTABLISHED, and so does the server's connection (client2's).
    expect(r.final).toEqual({ client: 'FIN_WAIT_2', client2: 'ESTABLISHED', server: 'ESTABLISHED' })
    expect(r.finalDetail?.filter((d) => d.actor === 'client2')).toEqual([
      { actor: 'client2', role: 'connection', state: 'ESTABLISHED' },
    ])
  })

  it('is version 2, and needs the direct topology', () => {
    const v1 = parseLabScript({ ...three, labScript: 1 })
    expect(v1.ok).toBe(false)
    if (!v1.ok)
      expect(v1.message).toMatch(/step 2, field "actor".*"actor.client2" is lab script version 2/)
    const mb = parseLabScript({ ...three, topology: 'middlebox' })
    expect(mb.ok).toBe(false)
    if (!mb.ok)
      expect(mb.message).toMatch(/several clients \("client2"\) need "topology": "direct"/)
    const bad = parseLabScript({ ...three, steps: [{ actor: 'client5', op: 'connect', port: 1 }] })
    expect(bad.ok).toBe(false)
  })
})
