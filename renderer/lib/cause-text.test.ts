import { describe, expect, it } from 'vitest'
import { causeDetailText, causeParts } from './cause-text'

describe('a state change’s cause in words', () => {
  it('writes calls as calls, never "close (SO_LINGER 0)()"', () => {
    expect(causeDetailText('call connect', 'en')).toBe('connect()')
    expect(causeDetailText('call close (SO_LINGER 0)', 'en')).toBe('close() with SO_LINGER 0')
    expect(causeDetailText('call close (SO_LINGER 0)', 'zh')).toBe('close()（SO_LINGER 为 0）')
    expect(causeDetailText('call close/shutdown', 'en')).toBe('close() or shutdown()')
    expect(causeDetailText('call close/shutdown', 'zh')).toBe('close() 或 shutdown()')
  })

  it('translates the words of timers and segments, keeps flags as they are', () => {
    expect(causeParts('timer SYN retries exhausted', 'zh')).toEqual({
      kind: 'timer',
      detail: 'SYN 重传次数用尽',
    })
    expect(causeDetailText('rcv SYN-ACK', 'zh')).toBe('SYN-ACK')
    expect(causeDetailText('rcv ACK of FIN', 'zh')).toBe('FIN 的 ACK')
    expect(causeDetailText('rcv ICMP host-unreachable', 'zh')).toBe('ICMP 主机不可达')
    expect(causeParts('reset by its OS', 'zh')).toEqual({
      kind: 'other',
      detail: '被其操作系统重置',
    })
  })
})
