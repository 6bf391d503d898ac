/**
 * The run trace in the reader's language. The trace text is the CLI's (shared/trace-text.ts,
 * English, what `socklab run` prints and the tests compare); the shell shows it as it is in
 * English and, in Chinese, with its words translated: actors, segment fates, causes, the OS's
 * error message (its Chinese gloss), the end line. Code stays code: calls, flags, states,
 * errno names and numbers, seq/ack/len.
 */
import { isErrnoName } from '../../shared/errno'
import type { Localized } from '../../shared/lab-script'
import { genericErrno } from './explain'
import { causeParts } from './cause-text'
import { ERRNO_GLOSS_ZH } from './errno-gloss'

const ACTOR_ZH: Record<string, string> = {
  client: '客户端',
  client2: '客户端 2',
  client3: '客户端 3',
  client4: '客户端 4',
  server: '服务端',
  middlebox: '中间设备',
  net: '网络',
}
const FATE_ZH: Record<string, string> = {
  dropped: '丢弃',
  rejected: '被拒绝',
  held: '被中间设备扣留',
}
const CAUSE_LEAD_ZH: Record<string, string> = {
  segment: '收到报文：',
  call: '系统调用：',
  timer: '定时器到期：',
  observed: '由 ss 观察到',
  other: '',
}

const TIME = String.raw`(\[[^\]]*\])`
const ACTOR = String.raw`(client[2-4]?|server|middlebox|net)`
/** What a step line ends with (shared/trace-text.ts formatReturn). */
const RETURN = String.raw`= .*|\.\.\. still blocked at the end of the run|\(skipped: .*\)`
/** The width the CLI pads `actor call` to (shared/trace-text.ts formatStepLine). */
const CALL_WIDTH = 30

/** Characters a terminal draws two cells wide: CJK and full-width forms. */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u

/** How many terminal cells a text takes: CJK characters and full-width forms take two. */
export function terminalWidth(text: string): number {
  let cells = 0
  for (const ch of text) cells += WIDE.test(ch) ? 2 : 1
  return cells
}

/** One trace line in a language (English lines are returned as they are). */
export function traceLine(line: string, lang: keyof Localized): string {
  if (lang === 'en') return line
  let m: RegExpExecArray | null
  // [t]   client SYN_SENT -> CLOSED  (timer SYN retries exhausted)
  if ((m = new RegExp(`^${TIME}   ${ACTOR} (\\S+) -> (\\S+)(?:  \\((.*)\\))?$`).exec(line))) {
    const [, t, actor, from, to, cause] = m
    const why = cause ? `  （${causeZh(cause)}）` : ''
    return `${t}   ${ACTOR_ZH[actor!]} ${from} -> ${to}${why}`
  }
  // [t]   server -> client SYN|ACK seq=0 ack=1 len=0 (retransmission)  [dropped]
  if (
    (m = new RegExp(
      `^${TIME}   ${ACTOR} -> ${ACTOR} (\\S+ seq=\\S+ ack=\\S+ len=\\S+)( \\(retransmission\\))?(?:  \\[(\\w+)\\])?$`,
    ).exec(line))
  ) {
    const [, t, a, b, seg, retx, fate] = m
    const re = retx ? '（重传）' : ''
    const gone = fate ? `  [${FATE_ZH[fate] ?? fate}]` : ''
    return `${t}   ${ACTOR_ZH[a!]} -> ${ACTOR_ZH[b!]} ${seg}${re}${gone}`
  }
  // [t]   ICMP host-unreachable -> client
  if ((m = new RegExp(`^${TIME}   ICMP (\\S+) -> ${ACTOR}$`).exec(line)))
    return `${m[1]}   ICMP ${m[2]} -> ${ACTOR_ZH[m[3]!]}`
  // [t] end: client CLOSED, server LISTEN (further clients between them)
  if ((m = new RegExp(`^${TIME} end: ((?:${ACTOR} \\S+(?:, |$))+)$`).exec(line))) {
    const ends = m[2]!.split(', ').map((pair) => {
      const [who, state] = pair.split(' ')
      return `${ACTOR_ZH[who!]} ${state}`
    })
    return `${m[1]} 结束：${ends.join('，')}`
  }
  // [t] client connect(7006)   = -1 ETIMEDOUT 110 (Connection timed out): the call padded to
  // the CLI's column again in terminal cells, so the returns still line up ("网络" is wider
  // than "net").
  if ((m = new RegExp(`^${TIME} ${ACTOR} (.*?) +(${RETURN})$`).exec(line))) {
    const [, t, actor, call, ret] = m
    const who = `${ACTOR_ZH[actor!]} ${call}`
    const pad = ' '.repeat(Math.max(0, CALL_WIDTH - terminalWidth(who)))
    return `${t} ${who}${pad} ${returnZh(ret!)}`
  }
  if ((m = /^error: (.*)$/.exec(line))) return `错误：${m[1]}`
  return line
}

/** The cause of a state change in Chinese. */
function causeZh(cause: string): string {
  const { kind, detail } = causeParts(cause, 'zh')
  return `${CAUSE_LEAD_ZH[kind]}${kind === 'observed' ? '' : detail || cause}`
}

/** What a call returned, its words translated; the value, errno name and number kept. */
function returnZh(ret: string): string {
  return ret
    .replace('... still blocked at the end of the run', '... 运行结束时仍然阻塞')
    .replace('(skipped: its actor had died or was stuck)', '（跳过：其执行者已终止或仍在阻塞）')
    .replace('= (done)', '=（完成）')
    .replace(
      /= -1 (\S+)( \d+)? \(([^)]*)\)( \+SIG\w+)?$/,
      (_, errno: string, num = '', message: string, signal = '') => {
        const generic = genericErrno(errno)
        const gloss = isErrnoName(generic) ? ERRNO_GLOSS_ZH[generic] : message
        return `= -1 ${errno}${num}（${gloss}）${signal}`
      },
    )
}
