import { describe, expect, it } from 'vitest'
import { ARTICLE_SECTIONS } from '../article'
import { parseLabScript } from '../lab-script'
import { CATALOG, findCase, listScenarios, scenarioScript } from './index'

/** Every case id of docs/article-map.md: the article's cases and the added ones. */
const DIGEST_IDS = [
  'connect.ok',
  'connect.refused',
  'connect.unreachable',
  'connect.timeout',
  'connect.nonblocking',
  'connect.nonblocking-refused',
  'connect.nonblocking-timeout',
  'connect.nonblocking-icmp',
  'handshake.syn-lost',
  'handshake.synack-lost',
  'handshake.ack-lost',
  'idle.partition',
  'idle.keepalive',
  'send.partition',
  'send.nat-ack',
  'recv.partition',
  'recv.timeout',
  'peer.crash-fin',
  'peer.crash-rst',
  'peer.host-down',
  'peer.close',
  'peer.close-unread',
  'peer.abort',
  'peer.half-close',
  'peer.stopped',
  // The textbook's boundary cases (issue 11).
  'accept.reset',
  'bind.time-wait',
  'established.icmp',
  'peer.reboot',
  'listen.backlog-full',
  'call.eintr',
  'send.user-timeout',
  'nat.idle-expiry',
  'nat.idle-keepalive',
]

describe('catalog', () => {
  it('has every case of the seed digest, once, and nothing else', () => {
    const ids = CATALOG.map((c) => c.script.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...DIGEST_IDS].sort())
  })

  it.each(CATALOG.map((c) => [c.script.id, c] as const))(
    '%s is a valid script with titles, a real section and a group',
    (id, c) => {
      const parsed = parseLabScript(c.script)
      expect(parsed.ok, parsed.ok ? '' : parsed.message).toBe(true)
      expect(ARTICLE_SECTIONS).toHaveProperty(c.script.section)
      expect(c.script.title.en.length).toBeGreaterThan(5)
      expect(c.script.title.zh.length).toBeGreaterThan(3)
      expect(['connect', 'data', 'more', 'boundary']).toContain(c.group)
      expect(c.backends).toContain('sim')
      expect(scenarioScript(id)?.id).toBe(id)
      expect(findCase(id)).toBe(c)
    },
  )

  it('keeps the kernel fast: shortened timers never exceed a few retries', () => {
    for (const c of CATALOG) {
      const t = c.script.timers ?? {}
      for (const n of [t.synRetries, t.synackRetries, t.retries2])
        if (n !== undefined) expect(n, c.script.id).toBeLessThanOrEqual(5)
      expect(c.script.limitMs ?? 15_000, c.script.id).toBeLessThanOrEqual(30_000)
    }
  })

  it('lists scenarios for the picker in catalog order', () => {
    const list = listScenarios()
    expect(list.map((s) => s.id)).toEqual(CATALOG.map((c) => c.script.id))
    expect(list.every((s) => s.title.zh && s.title.en && s.section && s.group)).toBe(true)
    expect(scenarioScript('no.such-case')).toBeUndefined()
  })
})
