// Every catalog case, on every profile, passes the fuzzer's race check (docs/decisions/007):
// no answer hangs on a moment (two actions within a scheduling jitter, a delayed ACK pending
// when the final states are read, a program woken a few milliseconds late). The kernel lab
// runs on shared machines; a case that agreed with the kernel only on a quiet one would teach
// a coincidence. handshake.ack-lost and peer.close-unread had actions 50 ms apart until this
// test; they now leave 300 ms.
import { describe, expect, it } from 'vitest'
import { CATALOG, scenarioScript } from '../../shared/catalog/index'
import { PROFILE_IDS } from '../../shared/lab-script'
import { checkRobust } from '../fuzz/robust'

describe('catalog cases are race-free', () => {
  it.each(CATALOG.map((c) => c.script.id))('%s, on every profile', (id) => {
    const script = scenarioScript(id)
    if (!script) throw new Error(`no script for ${id}`)
    for (const profile of PROFILE_IDS)
      expect([profile, checkRobust({ ...script, profile })]).toEqual([profile, { ok: true }])
  })
})
