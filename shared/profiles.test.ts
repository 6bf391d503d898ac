import { describe, expect, it } from 'vitest'
import { ERRNO_TABLES, type ErrnoName } from './errno'
import { PROFILE_IDS } from './lab-script'
import { PROFILES, timeBudgetMs } from './profiles'

describe('profiles', () => {
  it.each(PROFILE_IDS)('%s exists and every error it can produce exists on its OS', (id) => {
    const p = PROFILES[id]
    expect(p.id).toBe(id)
    const e = p.errors
    const names: ErrnoName[] = [
      e.rstInSynSent,
      e.rstInCloseWait,
      e.rstOther,
      e.timeout,
      e.sendAfterShutdown,
      e.sendNotConnected,
      e.recvNotConnected,
      e.recvTimeout,
      ...Object.values(e.icmp),
      'EINVAL',
      'ENOTCONN',
      'ECONNABORTED',
    ]
    if (p.sigpipe) names.push('EPIPE')
    for (const n of names) expect(ERRNO_TABLES[p.errnoSystem][n], `${id} ${n}`).not.toBeNull()
  })

  it.each([
    // Linux tcp_model_timeout: SYN budget (2^(N+1) - 1) s, data 924.6 s for retries2 = 15.
    [1, 1000, 120_000, 3000],
    [2, 1000, 120_000, 7000],
    [6, 1000, 120_000, 127_000],
    [3, 200, 120_000, 3000],
    [15, 200, 120_000, 924_600],
  ])('time budget of %d retries from %d ms', (n, base, max, want) => {
    expect(timeBudgetMs(n, base, max)).toBeCloseTo(want, 6)
  })

  it('windows has no SIGPIPE and a refused retry; linux and macos have SIGPIPE', () => {
    expect(PROFILES.windows.sigpipe).toBe(false)
    expect(PROFILES.windows.refusedRetryMs).not.toBeNull()
    expect(PROFILES.linux.sigpipe && PROFILES.macos.sigpipe).toBe(true)
    expect(PROFILES['linux-legacy'].syn.linearTimeouts).toBe(0)
    expect(PROFILES.linux.syn.linearTimeouts).toBe(4)
  })

  it("linux-legacy plays the article's 3.2 to 3.8 kernels: no tail-loss probe (Linux 3.10)", () => {
    expect(PROFILES['linux-legacy'].data.tailLossProbe).toBe(false)
    expect(PROFILES.linux.data.tailLossProbe).toBe(true)
    expect(PROFILES['linux-legacy'].sources.tailLossProbe[0]?.source).toMatch(/3\.10/)
  })

  it.each(PROFILE_IDS)('%s names a source for every fact students doubt', (id) => {
    for (const [fact, sources] of Object.entries(PROFILES[id].sources)) {
      expect(sources.length, `${id} ${fact}`).toBeGreaterThan(0)
      for (const s of sources) expect(s.source.length, `${id} ${fact}`).toBeGreaterThan(10)
    }
  })

  it('windows: an exiting process resets (documented for WSACleanup, reported for Windows 7)', () => {
    expect(PROFILES.windows.processExit).toBe('reset')
    expect(PROFILES.windows.sources.processExit.map((s) => s.kind)).toEqual([
      'documented',
      'reported',
    ])
    // The RST-in-CLOSE_WAIT errno is only reported (the article), not documented.
    expect(PROFILES.windows.sources.rstInCloseWait.map((s) => s.kind)).toEqual(['reported'])
  })
})
