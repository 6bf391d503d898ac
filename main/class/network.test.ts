import { describe, expect, it } from 'vitest'
import { bindAddress, joinUrls, roomAddresses } from './network'

const ADDRESSES = [
  { name: 'wlan0', address: '192.168.1.20' },
  { name: 'eth0', address: '10.0.0.5' },
]

describe('network choice', () => {
  it('binds 127.0.0.1 unless the teacher opts into the room network', () => {
    expect(bindAddress({ network: 'local' }, ADDRESSES)).toEqual({ host: '127.0.0.1' })
    expect(bindAddress({ network: 'room' }, ADDRESSES)).toEqual({ host: '0.0.0.0' })
    expect(bindAddress({ network: 'room', address: '10.0.0.5' }, ADDRESSES)).toEqual({
      host: '10.0.0.5',
    })
    expect(bindAddress({ network: 'room', address: '8.8.8.8' }, ADDRESSES)).toEqual({
      problem:
        '8.8.8.8 is not an address of this computer; its addresses are: 192.168.1.20 (wlan0), 10.0.0.5 (eth0).',
    })
    expect(bindAddress({ network: 'local', address: '10.0.0.5' }, ADDRESSES)).toHaveProperty(
      'problem',
    )
  })

  it('lists a join URL per address students can use', () => {
    expect(joinUrls('127.0.0.1', 47200, 'ABC234', ADDRESSES)).toEqual([
      'http://127.0.0.1:47200/ABC234',
    ])
    expect(joinUrls('0.0.0.0', 47200, 'ABC234', ADDRESSES)).toEqual([
      'http://192.168.1.20:47200/ABC234',
      'http://10.0.0.5:47200/ABC234',
    ])
    expect(joinUrls('0.0.0.0', 1, 'ABC234', [])).toEqual(['http://127.0.0.1:1/ABC234'])
  })

  it('reads the machine’s IPv4 addresses, not loopback', () => {
    const found = roomAddresses({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true } as never],
      wlan0: [
        { address: '192.168.1.20', family: 'IPv4', internal: false } as never,
        { address: 'fe80::1', family: 'IPv6', internal: false } as never,
      ],
    })
    expect(found).toEqual([{ name: 'wlan0', address: '192.168.1.20' }])
  })
})
