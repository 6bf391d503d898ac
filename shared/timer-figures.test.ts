import { describe, expect, it } from 'vitest'
import { PROFILES } from './profiles'
import type { LabScript } from './lab-script'
import { dataGiveUpMs, handshakeGiveUpMs, rejectIcmp, timerFigures } from './timer-figures'

describe('default-timer figures', () => {
  it('gives each profile its default connect give-up', () => {
    // Linux 6.5+: 131 s (measured about 131 s); before 6.5: 127 s (the article); Windows:
    // 3 + 6 + 12 s; macOS: the 75 s keepinit cut.
    expect(handshakeGiveUpMs(PROFILES.linux.syn, 6)).toBe(131_000)
    expect(handshakeGiveUpMs(PROFILES['linux-legacy'].syn, 6)).toBe(127_000)
    expect(handshakeGiveUpMs(PROFILES.windows.syn, 2)).toBe(21_000)
    expect(handshakeGiveUpMs(PROFILES.macos.syn, 12)).toBe(75_000)
    // Shortened: tcp_syn_retries = 1, 2, 3 measured at 3.1, 7.1 and 19.4 s on 6.18.
    expect([1, 2, 3].map((n) => handshakeGiveUpMs(PROFILES.linux.syn, n))).toEqual([
      3000, 7000, 19_000,
    ])
  })

  it('gives the data give-up the simulator and the kernel lab show', () => {
    // docs/kernel-rules.md: the simulator's default is 929 s (the kernel lab measured 938.9 s).
    expect(Math.round(dataGiveUpMs(PROFILES.linux, 15) / 1000)).toBe(929)
    // tcp_retries2 = 3: the kernel lab measured 6.4 to 6.9 s from the send.
    expect(dataGiveUpMs(PROFILES.linux, 3)).toBeGreaterThan(6400)
    expect(dataGiveUpMs(PROFILES.linux, 3)).toBeLessThan(6900)
  })

  it('lists only the timers a script shortens on its profile', () => {
    expect(timerFigures({ profile: 'linux', timers: {} })).toEqual([])
    // Two SYN retries are Windows' default: nothing is shortened there.
    expect(timerFigures({ profile: 'windows', timers: { synRetries: 2 } })).toEqual([])
    const [f] = timerFigures({ profile: 'linux', timers: { synRetries: 2 } })
    expect(f).toMatchObject({ timer: 'synRetries', shortenedMs: 7000, defaultMs: 131_000 })
    expect(f?.text.en).toMatch(/^With default timers: ETIMEDOUT after 131 s\. /)
    expect(f?.text.en).toContain('net.ipv4.tcp_syn_retries')
    expect(f?.text.zh).toMatch(/^使用默认定时器：131 秒后 ETIMEDOUT。/)
  })

  it("names each OS's own setting, and says simulator only where there is none", () => {
    const [win] = timerFigures({ profile: 'windows', timers: { synRetries: 1 } })
    expect(win?.text.en).toMatch(/^With default timers: WSAETIMEDOUT after 21 s/)
    // netsh takes 2 to 8 SYN retransmissions: only the registry value can set 1.
    expect(win?.settings.map((s) => s.name)).toEqual(['TcpMaxConnectRetransmissions'])
    const mac = timerFigures({ profile: 'macos', timers: { synRetries: 2, retries2: 3 } })
    expect(mac.map((f) => [f.timer, f.simulatorOnly])).toEqual([
      ['synRetries', true],
      ['retries2', true],
    ])
    expect(mac[0]?.text.en).toContain('net.inet.tcp.keepinit')
    const [ka] = timerFigures({
      profile: 'macos',
      timers: { keepalive: { idleS: 1, intervalS: 1, count: 2 } },
    })
    expect(ka).toMatchObject({ simulatorOnly: false, defaultMs: 7_800_000, shortenedMs: 3000 })
  })
})

describe('rejectIcmp: the reject that stops a sender of data', () => {
  it('takes a reject in the direction of an end that sends, else none', () => {
    const steps = (dir: 'both' | 'c2s' | 's2c', sender: 'client' | 'server') =>
      [
        { actor: 'net', op: 'reject', dir, icmp: 'host-unreachable', at: 0 },
        { actor: sender, op: 'send', bytes: 10, at: 10 },
      ] as LabScript['steps']
    expect(rejectIcmp(steps('c2s', 'client'))).toBe('host-unreachable')
    expect(rejectIcmp(steps('s2c', 'client'))).toBeNull()
    expect(rejectIcmp(steps('s2c', 'server'))).toBe('host-unreachable')
    expect(rejectIcmp(steps('both', 'server'))).toBe('host-unreachable')
    expect(rejectIcmp([steps('s2c', 'client')[0]!])).toBe('host-unreachable')
  })
})
