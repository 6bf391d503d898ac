import { describe, expect, it } from 'vitest'
import { REFUSED_STEP, SCRIPTS } from '../testing/fake-lab'
import { formatMs, isSocketCall, stepHeadline, stepKind } from './format'
import { colourTraceLine } from './trace-colour'

describe('format', () => {
  it('formats milliseconds', () => {
    expect(formatMs(0.25)).toBe('0.3 ms')
    expect(formatMs(999)).toBe('999.0 ms')
    expect(formatMs(3100)).toBe('3.10 s')
  })

  it('writes the call and its return like C', () => {
    expect(stepHeadline(REFUSED_STEP, SCRIPTS['connect.refused'])).toBe(
      'connect(7002) = -1 ECONNREFUSED',
    )
    expect(
      stepHeadline({ ...REFUSED_STEP, index: 2, op: 'accept', ret: 5, errno: undefined }, null),
    ).toBe('accept() = 5')
    expect(stepHeadline({ ...REFUSED_STEP, outcome: 'blocked', ret: undefined }, null)).toBe(
      'connect()',
    )
    // What poll() and getsockopt() wrote out, in brackets as strace shows it.
    expect(
      stepHeadline(
        { ...REFUSED_STEP, op: 'poll', ret: 1, errno: undefined, value: 'POLLOUT|POLLHUP' },
        null,
      ),
    ).toBe('poll(POLLOUT, -1) = 1 [POLLOUT|POLLHUP]')
    expect(isSocketCall({ op: 'getsockopt' })).toBe(true)
  })

  it('classifies steps', () => {
    expect(stepKind(REFUSED_STEP)).toBe('error')
    expect(stepKind({ ...REFUSED_STEP, ret: 0 })).toBe('ok')
    expect(stepKind({ ...REFUSED_STEP, outcome: 'blocked' })).toBe('blocked')
    expect(stepKind({ ...REFUSED_STEP, outcome: 'skipped' })).toBe('skipped')
    expect(stepKind({ ...REFUSED_STEP, op: 'sleep', ret: undefined })).toBe('action')
    expect(isSocketCall({ op: 'crash' })).toBe(false)
    expect(isSocketCall({ op: 'recv' })).toBe(true)
  })
})

describe('colourTraceLine', () => {
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex

  it.each([
    'lab> run connect.refused --backend sim',
    '[       0.3 ms] client connect(7002)   = -1 ECONNREFUSED 111 (Connection refused)',
    '[       0.0 ms]   client CLOSED -> SYN_SENT',
    '[       0.3 ms] end: client CLOSED, server CLOSED',
    'error: boom',
    '[       0.1 ms] server listen(7001)    = 0',
  ])('keeps the text of %s', (line) => {
    expect(strip(colourTraceLine(line))).toBe(line)
  })

  it('marks failures red', () => {
    expect(colourTraceLine('[ 1 ms] client connect(1)  = -1 EPIPE 32 (x)')).toContain(
      '\x1b[31m= -1 EPIPE',
    )
  })

  it('colours the Chinese trace as the English one', () => {
    expect(colourTraceLine('错误：没有案例“x”')).toBe('\x1b[31m错误：没有案例“x”\x1b[0m')
    const end = '[    0.3 ms] 结束：客户端 CLOSED，服务端 CLOSED'
    expect(colourTraceLine(end)).toBe(`\x1b[1m${end}\x1b[0m`)
    expect(colourTraceLine('[ 1 ms] 客户端 send(5)  = -1 EPIPE 32（管道已断开）')).toContain(
      '\x1b[31m= -1 EPIPE',
    )
  })
})
