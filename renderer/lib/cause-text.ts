/**
 * A state change's cause in the reader's language. Backends write causes as short technical
 * phrases (`rcv SYN-ACK`, `call close (SO_LINGER 0)`, `timer SYN retries exhausted`); the
 * kind word decides the label's lead ("segment received", "call", "timer fired") and the
 * detail after it is translated here. Segment flags, call names and ICMP types are code and
 * stay as they are; the words around them are translated.
 */
import type { Localized } from '../../shared/lab-script'
import { causeDetail, causeKind, type CauseKind } from './state-machine-layout'

type Lang = keyof Localized

/** Details that are words, not code: their text in both languages. */
const DETAIL_TEXT: Record<string, Localized> = {
  'ACK of FIN': { en: 'ACK of FIN', zh: 'FIN 的 ACK' },
  'data after close': { en: 'data after close', zh: '关闭之后到达的数据' },
  'data after shutdown': { en: 'data after shutdown', zh: '关闭读方向之后到达的数据' },
  'FIN again': { en: 'FIN again', zh: '重复的 FIN' },
  'SYN retries exhausted': { en: 'SYN retries exhausted', zh: 'SYN 重传次数用尽' },
  'SYN-ACK retries exhausted': { en: 'SYN-ACK retries exhausted', zh: 'SYN-ACK 重传次数用尽' },
  'retransmissions exhausted': { en: 'retransmissions exhausted', zh: '数据重传次数用尽' },
  'keepalive probes unanswered': { en: 'keepalive probes unanswered', zh: '保活探测都没有回应' },
  'reset by its OS': { en: 'reset by its OS', zh: '被其操作系统重置' },
  '2MSL': { en: '2MSL', zh: '2MSL 到期' },
  FIN_WAIT_2: { en: 'FIN_WAIT_2 timeout', zh: 'FIN_WAIT_2 超时' },
  'listener closed': { en: 'listener closed', zh: '监听套接字已关闭' },
  'relay connect': { en: 'the middlebox connects onwards', zh: '中间设备向前发起连接' },
  'host down': { en: 'its host went down', zh: '主机宕机' },
}

/** ICMP types in words (the type name itself is code and stays beside them). */
const ICMP_TEXT: Record<string, Localized> = {
  'host-unreachable': { en: 'host unreachable', zh: '主机不可达' },
  'net-unreachable': { en: 'network unreachable', zh: '网络不可达' },
  'port-unreachable': { en: 'port unreachable', zh: '端口不可达' },
  'admin-prohibited': { en: 'administratively prohibited', zh: '被管理策略禁止' },
}

/** What a call cause's parenthesis says (`call close (SO_LINGER 0)`). */
const CALL_NOTE: Record<string, Localized> = {
  'SO_LINGER 0': { en: 'with SO_LINGER 0', zh: '（SO_LINGER 为 0）' },
  'unread data': { en: 'with unread data', zh: '（仍有未读数据）' },
}

/**
 * The detail of a cause as a reader reads it: `close (SO_LINGER 0)` becomes `close() with
 * SO_LINGER 0`, `close/shutdown` becomes `close() or shutdown()`, words are translated.
 */
export function causeDetailText(cause: string | undefined, lang: Lang): string {
  const kind = causeKind(cause)
  const detail = causeDetail(cause)
  if (kind === 'call') {
    const m = /^([\w/]+)\s*(?:\((.*)\))?$/.exec(detail)
    if (!m) return detail
    const calls = m[1]!.split('/').map((c) => `${c}()`)
    const joined = calls.join(lang === 'zh' ? ' 或 ' : ' or ')
    const note = m[2] ? CALL_NOTE[m[2]] : undefined
    if (!m[2]) return joined
    if (!note) return `${joined} (${m[2]})`
    return lang === 'zh' ? `${joined}${note.zh}` : `${joined} ${note.en}`
  }
  const icmp = /^ICMP (\S+)$/.exec(detail)
  if (icmp) {
    const words = ICMP_TEXT[icmp[1]!]
    return words ? `ICMP ${words[lang]}` : detail
  }
  return DETAIL_TEXT[detail]?.[lang] ?? detail
}

/** The cause's kind and its detail text, for the `labView.sm.cause.<kind>` message. */
export function causeParts(
  cause: string | undefined,
  lang: Lang,
): { kind: CauseKind; detail: string } {
  return { kind: causeKind(cause), detail: causeDetailText(cause, lang) }
}
