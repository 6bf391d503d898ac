import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../shared/catalog/index'
import type { SegmentEvent, StepResult, TraceEvent } from '../../shared/lab-result'
import { formatEventLine, formatStepLine, formatTraceLines } from '../../shared/trace-text'
import { RECORDED, RECORDED_ON } from './fixtures/index'
import { terminalWidth, traceLine } from './trace-lang'
import { englishRuns } from './zh-check'

/**
 * The code of a trace line, which both languages must show alike: the time stamp, names in
 * capitals (states, flags, errno names, signals), calls with arguments, seq/ack/len and
 * numbers. The OS's message is left out (the Chinese line has its gloss instead), and so are
 * empty brackets (a cause's `call close` reads `close()`).
 */
function code(line: string): string[] {
  const bare = line.replace(/(= -1 \S+(?: \d+)?) ?[(（][^()（）]*[)）]/, '$1').replaceAll('()', '')
  return (
    bare.match(
      /^\[[^\]]*\]|\b[A-Z][A-Z0-9_]*(?:[|-][A-Z][A-Z0-9_]*)*\b|\b[a-z_]+\([^()]*\)|\b(?:seq|ack|len)=-?\d+|-?\d+(?:\.\d+)?/g,
    ) ?? []
  ).filter((token) => token !== 'OS') // a word ("reset by its OS"), not code
}

/** The space before a step line's return value. */
const RETURN = / (?:= |=（|\.\.\. |\(skipped|（跳过)/

/** Where the return value starts, in terminal cells (the CLI lines returns up in a column). */
function returnColumn(line: string): number {
  const at = line.search(RETURN)
  return at < 0 ? -1 : terminalWidth(line.slice(0, at + 1))
}

/** The column of a step line's return: a time stamp, a space, the call padded to 30, a space. */
const STEP_COLUMN = '[   12.5 ms]'.length + 1 + 30 + 1

/** The CLI's English words that must not be left in a Chinese line. */
const CLI_WORDS =
  /\b(?:client|server|middlebox|end|dropped|rejected|held|retransmission|still|blocked|skipped|done|timer|rcv|call)\b/

function expectTranslated(en: string): string {
  const zh = traceLine(en, 'zh')
  expect(zh, en).not.toBe(en)
  expect(englishRuns(zh), zh).toEqual([])
  expect(zh, en).not.toMatch(CLI_WORDS)
  // (in any order: Chinese says "the ACK of FIN" as "FIN 的 ACK")
  expect(code(zh).sort(), `${en}\n${zh}`).toEqual(code(en).sort())
  // The return starts in the CLI's column, or one space after a call too long for it.
  const column = returnColumn(zh)
  expect(column >= 0, zh).toBe(returnColumn(en) >= 0)
  if (column >= 0) {
    const call = zh.slice(0, zh.search(RETURN)).trimEnd()
    expect(column, `${en}\n${zh}`).toBe(Math.max(STEP_COLUMN, terminalWidth(call) + 1))
  }
  return zh
}

const RUNS = [
  ...Object.entries(RECORDED),
  ['peer.host-down (windows)', RECORDED_ON.windows['peer.host-down']],
  ['connect.timeout (macos)', RECORDED_ON.macos['connect.timeout']],
] as const

const step = (over: Partial<StepResult>): StepResult => ({
  index: 0,
  actor: 'client',
  op: 'connect',
  startMs: 0,
  endMs: 12.5,
  outcome: 'returned',
  ret: 0,
  ...over,
})

const segment = (over: Partial<SegmentEvent>): SegmentEvent => ({
  tMs: 3,
  type: 'segment',
  dir: 'c2s',
  flags: ['SYN'],
  seq: 0,
  ack: 0,
  len: 0,
  fate: 'delivered',
  ...over,
})

describe('the trace in the reader’s language', () => {
  it('leaves English lines as the CLI prints them', () => {
    for (const [, result] of RUNS)
      for (const line of formatTraceLines(result)) expect(traceLine(line, 'en')).toBe(line)
  })

  // Every catalog case on every profile is checked for English left over by
  // e2e/web/completeness.spec.ts, which may run the simulator; here the recorded runs.
  it.each(RUNS)('translates every line of %s, keeping the code', (id, result) => {
    const script = scenarioScript(id.split(' ')[0]!)
    const lines = formatTraceLines(result, script)
    expect(lines.length).toBeGreaterThan(5)
    for (const line of lines) expectTranslated(line)
  })

  it('translates each shape of line the CLI prints', () => {
    const events: [TraceEvent, string][] = [
      [
        {
          tMs: 1,
          type: 'state',
          actor: 'client',
          from: 'SYN_SENT',
          to: 'CLOSED',
          cause: 'timer SYN retries exhausted',
        },
        '[    1.0 ms]   客户端 SYN_SENT -> CLOSED  （定时器到期：SYN 重传次数用尽）',
      ],
      [
        {
          tMs: 1,
          type: 'state',
          actor: 'server',
          from: 'ESTABLISHED',
          to: 'CLOSED',
          cause: 'call close (SO_LINGER 0)',
        },
        '[    1.0 ms]   服务端 ESTABLISHED -> CLOSED  （系统调用：close()（SO_LINGER 为 0））',
      ],
      [
        {
          tMs: 1,
          type: 'state',
          actor: 'client',
          from: 'SYN_SENT',
          to: 'ESTABLISHED',
          cause: 'ss',
        },
        '[    1.0 ms]   客户端 SYN_SENT -> ESTABLISHED  （由 ss 观察到）',
      ],
      [
        {
          tMs: 1,
          type: 'state',
          actor: 'server',
          from: 'FIN_WAIT_2',
          to: 'CLOSED',
          cause: 'rcv data after shutdown',
        },
        '[    1.0 ms]   服务端 FIN_WAIT_2 -> CLOSED  （收到报文：关闭读方向之后到达的数据）',
      ],
      [
        { tMs: 1, type: 'state', actor: 'client', from: 'CLOSED', to: 'SYN_SENT' },
        '[    1.0 ms]   客户端 CLOSED -> SYN_SENT',
      ],
      [
        segment({ dir: 's2c', flags: ['SYN', 'ACK'], ack: 1, retransmit: true, fate: 'dropped' }),
        '[    3.0 ms]   服务端 -> 客户端 SYN|ACK seq=0 ack=1 len=0（重传）  [丢弃]',
      ],
      [
        segment({ fate: 'rejected' }),
        '[    3.0 ms]   客户端 -> 服务端 SYN seq=0 ack=0 len=0  [被拒绝]',
      ],
      [
        segment({ hop: 'client-middlebox', flags: ['PSH', 'ACK'], len: 5, fate: 'held' }),
        '[    3.0 ms]   客户端 -> 中间设备 PSH|ACK seq=0 ack=0 len=5  [被中间设备扣留]',
      ],
      [
        { tMs: 4, type: 'icmp', dir: 's2c', icmp: 'host-unreachable' },
        '[    4.0 ms]   ICMP host-unreachable -> 客户端',
      ],
    ]
    for (const [event, zh] of events) expect(expectTranslated(formatEventLine(event)!)).toBe(zh)

    const steps: [StepResult, string][] = [
      [step({}), '[   12.5 ms] 客户端 connect()               = 0'],
      [
        step({
          ret: -1,
          errno: 'WSAETIMEDOUT',
          errnoNumber: 10060,
          message:
            'A connection attempt failed because the connected party did not properly respond after a period of time.',
        }),
        '[   12.5 ms] 客户端 connect()               = -1 WSAETIMEDOUT 10060（连接超时）',
      ],
      [
        step({
          op: 'send',
          ret: -1,
          errno: 'EPIPE',
          errnoNumber: 32,
          message: 'Broken pipe',
          signal: 'SIGPIPE',
        }),
        '[   12.5 ms] 客户端 send()                  = -1 EPIPE 32（管道已断开） +SIGPIPE',
      ],
      [
        step({ actor: 'server', op: 'accept', outcome: 'blocked', ret: undefined }),
        '[   12.5 ms] 服务端 accept()                ... 运行结束时仍然阻塞',
      ],
      [
        step({ op: 'recv', outcome: 'skipped', ret: undefined }),
        '[   12.5 ms] 客户端 recv(65536)             （跳过：其执行者已终止或仍在阻塞）',
      ],
      [
        step({ actor: 'net', op: 'cut', ret: undefined }),
        '[   12.5 ms] 网络 cut both                  =（完成）',
      ],
    ]
    for (const [s, zh] of steps) expect(expectTranslated(formatStepLine(s))).toBe(zh)

    expect(traceLine('[   20.0 ms] end: client CLOSED, server LISTEN', 'zh')).toBe(
      '[   20.0 ms] 结束：客户端 CLOSED，服务端 LISTEN',
    )
    expect(traceLine('error: 没有案例“x”', 'zh')).toBe('错误：没有案例“x”')
    // What is not a trace line (the shell's own words, a command as typed) is left alone.
    expect(traceLine('client> connect 7002', 'zh')).toBe('client> connect 7002')
  })

  it('counts a Chinese character as two terminal cells', () => {
    expect(terminalWidth('net')).toBe(3)
    expect(terminalWidth('网络')).toBe(4)
    expect(terminalWidth('（重传）')).toBe(8)
  })
})
