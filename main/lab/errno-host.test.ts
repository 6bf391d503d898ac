// The Linux column of shared/errno.ts must match the kernel in front of us (docs/os-profiles.md:
// "prefer what the kernel in front of you measures over what a page says").
import { constants } from 'node:os'
import { describe, expect, it } from 'vitest'
import { ERRNO_NAMES, ERRNO_SYSTEMS, ERRNO_TABLES, errnoOn } from '../../shared/errno'

describe('errno tables', () => {
  it.runIf(process.platform === 'linux')(
    'the Linux column equals this host’s os.constants.errno',
    () => {
      const host = constants.errno as Record<string, number>
      // Node's table lacks a few names (ESHUTDOWN); compare every name it has.
      const known = ERRNO_NAMES.filter((name) => host[name] !== undefined)
      expect(known.length).toBeGreaterThanOrEqual(ERRNO_NAMES.length - 1)
      for (const name of known)
        expect([name, errnoOn('linux', name)?.number]).toEqual([name, host[name]])
    },
  )

  it('has every name on every system (null only where Winsock has no such error)', () => {
    for (const system of ERRNO_SYSTEMS) {
      for (const name of ERRNO_NAMES) {
        const entry = ERRNO_TABLES[system][name]
        if (entry === null) expect([system, name]).toEqual(['windows', 'EPIPE'])
        else expect(entry.message.length).toBeGreaterThan(5)
      }
    }
  })

  it.each([
    ['ECONNREFUSED', 111, 61, 10061],
    ['ETIMEDOUT', 110, 60, 10060],
    ['ECONNRESET', 104, 54, 10054],
    ['EHOSTUNREACH', 113, 65, 10065],
  ] as const)('%s is %i on Linux, %i on macOS, %i on Windows', (name, linux, macos, windows) => {
    expect(errnoOn('linux', name)?.number).toBe(linux)
    expect(errnoOn('macos', name)?.number).toBe(macos)
    expect(errnoOn('windows', name)?.number).toBe(windows)
  })
})
