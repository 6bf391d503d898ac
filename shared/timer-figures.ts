/**
 * Default-timer figures beside shortened ones (issue 10): a catalog script shortens timers so
 * that a run ends in seconds, which makes OSes compare unfairly (Windows' defaults are short,
 * Linux's long). For every timer a script shortens on its profile this gives when the give-up
 * comes with the script's value and with the profile's default ("with default timers:
 * ETIMEDOUT after 131 s"), and which setting of that OS shortens it, or that none does
 * ("simulator only").
 *
 * The figures follow the profile's rules (shared/profiles.ts) the way the simulator applies
 * them, for a path whose round trip is negligible next to the minimum RTO (loopback, the
 * simulator's link); main/lab/timer-figures.test.ts holds them against the simulator's runs.
 */
import { errnoOn, type ErrnoName } from './errno'
import { isClient, type LabScript, type Localized, type Timers } from './lab-script'
import {
  profileOf,
  timeBudgetMs,
  type IcmpKind,
  type OsProfile,
  type RetransmitRule,
} from './profiles'
import { zhSpaced } from './quiz/result-text'

/** The timers a script can shorten (shared/lab-script.ts `timers`). */
export type TimerKey = 'synRetries' | 'synackRetries' | 'retries2' | 'keepalive'

/** A setting of the OS that changes a timer. */
export interface OsSetting {
  /** As an administrator or a program writes it: a sysctl, a registry value, a socket option. */
  name: string
  kind: 'sysctl' | 'registry' | 'netsh' | 'socket-option'
  /** The values it accepts, when it cannot take every value a script may set. */
  range?: readonly [number, number]
  /** What else a reader must know about it. */
  note?: Localized
}

/** One shortened timer: its give-up with the script's value and with the default. */
export interface TimerFigure {
  timer: TimerKey
  /** The script's value and the profile's (keepalive: idle / interval / probes). */
  value: Localized
  defaultValue: Localized
  /** What the program gets at the give-up (generic name), or null (the server gives up silently). */
  errno: ErrnoName | null
  /** From the first transmission (keepalive: from the last activity) to the give-up, in ms. */
  shortenedMs: number
  defaultMs: number
  /** The OS's settings that shorten this timer; empty: no setting can (simulator only). */
  settings: readonly OsSetting[]
  simulatorOnly: boolean
  /** "With default timers: WSAETIMEDOUT after 21 s." and where the script's value comes from. */
  text: Localized
}

type SystemName = 'linux' | 'windows' | 'macos'

/**
 * The settings of each OS per timer. Sources: Linux Documentation/networking/ip-sysctl.rst and
 * tcp(7); Microsoft "TCP/IP registry values" (TcpMax*Retransmissions, KeepAlive*), `netsh
 * interface tcp set global` and the SIO_KEEPALIVE_VALS / TCP_KEEPCNT documentation (on Vista and
 * later the probe count is fixed at 10 system-wide); XNU bsd/netinet/tcp_timer.c (the SYN and
 * data retransmission counts are compiled in: TCP_MAXRXTSHIFT) and its net.inet.tcp sysctls.
 */
const SETTINGS: Record<SystemName, Record<TimerKey, readonly OsSetting[]>> = {
  linux: {
    synRetries: [
      { name: 'net.ipv4.tcp_syn_retries', kind: 'sysctl', range: [1, 127] },
      { name: 'TCP_SYNCNT', kind: 'socket-option', range: [1, 127] },
    ],
    synackRetries: [{ name: 'net.ipv4.tcp_synack_retries', kind: 'sysctl', range: [0, 255] }],
    retries2: [{ name: 'net.ipv4.tcp_retries2', kind: 'sysctl', range: [0, 255] }],
    keepalive: [
      { name: 'net.ipv4.tcp_keepalive_time / _intvl / _probes', kind: 'sysctl' },
      { name: 'TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT', kind: 'socket-option' },
    ],
  },
  windows: {
    synRetries: [
      {
        name: 'netsh interface tcp set global maxsynretransmissions',
        kind: 'netsh',
        range: [2, 8],
      },
      { name: 'TcpMaxConnectRetransmissions', kind: 'registry', range: [0, 255] },
    ],
    synackRetries: [
      { name: 'TcpMaxConnectResponseRetransmissions', kind: 'registry', range: [0, 255] },
    ],
    retries2: [{ name: 'TcpMaxDataRetransmissions', kind: 'registry', range: [0, 255] }],
    keepalive: [
      {
        name: 'KeepAliveTime / KeepAliveInterval',
        kind: 'registry',
        note: { en: 'the probe count stays 10', zh: '探测次数固定为 10' },
      },
      {
        name: 'SIO_KEEPALIVE_VALS / TCP_KEEPCNT',
        kind: 'socket-option',
        note: { en: 'TCP_KEEPCNT since Windows 10 1703', zh: 'TCP_KEEPCNT 自 Windows 10 1703 起' },
      },
    ],
  },
  macos: {
    // TCP_MAXRXTSHIFT and tcp_syn_backoff are compiled in: macOS limits a connect by time
    // instead (net.inet.tcp.keepinit, TCP_CONNECTIONTIMEOUT), which is not a count.
    synRetries: [],
    synackRetries: [],
    retries2: [],
    keepalive: [
      { name: 'net.inet.tcp.keepidle / keepintvl / keepcnt', kind: 'sysctl' },
      { name: 'TCP_KEEPALIVE / TCP_KEEPINTVL / TCP_KEEPCNT', kind: 'socket-option' },
    ],
  },
}

/** What macOS offers instead of a SYN count, said beside "simulator only". */
const MACOS_CONNECT: Localized = {
  en: 'macOS limits a connect by time instead: net.inet.tcp.keepinit, 75 s by default, or TCP_CONNECTIONTIMEOUT',
  zh: 'macOS 改为按时间限制 connect：net.inet.tcp.keepinit（默认 75 秒）或 TCP_CONNECTIONTIMEOUT',
}

/** When a handshake's SYN (or SYN-ACK) give-up comes, from the first transmission (ms). */
export function handshakeGiveUpMs(rule: RetransmitRule, retries: number): number {
  let t = 0
  let rto = rule.initialRtoMs
  for (let sent = 0; ;) {
    const expiry = t + rto
    if (rule.deadlineMs !== undefined && expiry >= rule.deadlineMs) return rule.deadlineMs
    const over =
      rule.giveUp.kind === 'count'
        ? sent >= retries
        : expiry >= timeBudgetMs(retries, rule.giveUp.baseMs, rule.maxRtoMs)
    if (over) return expiry
    sent++
    if (sent > rule.linearTimeouts) rto = Math.min(rto * 2, rule.maxRtoMs)
    t = expiry
  }
}

/** The RTO of a fresh connection on a negligible round trip: the floor, in whole ticks. */
function firstRtoMs(p: OsProfile): number {
  const d = p.data
  // Linux: SRTT + max(4 RTTVAR, 200 ms), rounded up to the jiffy: just over the floor.
  if (d.rtoRule === 'linux') return d.timerTickMs > 0 ? d.minRtoMs + d.timerTickMs : d.minRtoMs
  return d.minRtoMs
}

/**
 * When unacknowledged data is given up, from the send (ms). `icmpRevert`: every retransmission
 * draws an ICMP host or net unreachable and the OS undoes the backoff for it (RFC 6069, profile
 * `icmpRtoRevert`), so the RTO stays at its first value while the time budget runs out.
 */
export function dataGiveUpMs(p: OsProfile, retries: number, icmpRevert = false): number {
  const rule = p.data
  const rto0 = firstRtoMs(p)
  // A tail-loss probe comes first (it is not a retransmission and starts no budget).
  let expiry = (rule.tailLossProbe ? rto0 : 0) + rto0
  const stamp = expiry
  let rto = rto0
  for (let sent = 0; ;) {
    const over =
      rule.giveUp.kind === 'count'
        ? sent >= retries
        : sent > 0 && expiry - stamp >= timeBudgetMs(retries, rule.giveUp.baseMs, rule.maxRtoMs)
    if (over) return expiry
    sent++
    if (!icmpRevert) rto = Math.min(rto * 2, rule.maxRtoMs)
    expiry += rto
  }
}

type Keepalive = NonNullable<Timers['keepalive']>

function keepaliveMs(k: Keepalive): number {
  return (k.idleS + k.intervalS * k.count) * 1000
}

function seconds(ms: number): string {
  const s = ms / 1000
  return Number.isInteger(s) || s >= 10 ? `${Math.round(s)}` : s.toFixed(1)
}

/** Whether some setting accepts every number the script set. */
function reachable(settings: readonly OsSetting[], values: readonly number[]): OsSetting[] {
  return settings.filter(
    (s) => !s.range || values.every((v) => v >= s.range![0] && v <= s.range![1]),
  )
}

const TIMER_NAME: Record<TimerKey, Localized> = {
  synRetries: { en: 'SYN retry count', zh: 'SYN 重传次数' },
  synackRetries: { en: 'SYN-ACK retry count', zh: 'SYN-ACK 重传次数' },
  retries2: { en: 'data retransmission count', zh: '数据重传次数' },
  keepalive: { en: 'keepalive timing', zh: '保活参数' },
}

const OS_NAME: Record<SystemName, string> = { linux: 'Linux', windows: 'Windows', macos: 'macOS' }

function settingText(s: OsSetting, lang: keyof Localized): string {
  return s.note
    ? lang === 'en'
      ? `${s.name} (${s.note.en})`
      : `${s.name}（${s.note.zh}）`
    : s.name
}

function figureText(f: Omit<TimerFigure, 'text'>, p: OsProfile, system: SystemName): Localized {
  const errno = f.errno ? (errnoOn(p.errnoSystem, f.errno)?.name ?? f.errno) : null
  const at = seconds(f.defaultMs)
  const os = OS_NAME[system]
  const name = TIMER_NAME[f.timer]
  const head = errno
    ? {
        en: `With default timers: ${errno} after ${at} s`,
        zh: `使用默认定时器：${at} 秒后 ${errno}`,
      }
    : {
        en: `With default timers the server drops the half-open connection after ${at} s`,
        zh: `使用默认定时器：服务端 ${at} 秒后丢弃半连接`,
      }
  if (f.simulatorOnly) {
    const instead = system === 'macos' && f.timer === 'synRetries'
    return {
      en: `${head.en}. This run's ${name.en} of ${f.value.en} exists only in the simulator: no setting of ${os} changes it${instead ? ` (${MACOS_CONNECT.en})` : ''}.`,
      zh: zhSpaced(
        `${head.zh}。本次运行的${name.zh}（${f.value.zh}）只在模拟器中可以设置：${os}没有能改变它的设置${instead ? `（${MACOS_CONNECT.zh}）` : ''}。`,
      ),
    }
  }
  return {
    en: `${head.en}. This run sets the ${name.en} to ${f.value.en} instead of ${f.defaultValue.en} (on ${os}: ${f.settings.map((x) => settingText(x, 'en')).join(' or ')}).`,
    zh: zhSpaced(
      `${head.zh}。本次运行把${name.zh}设为${f.value.zh}，默认为${f.defaultValue.zh}（在${os}上用${f.settings.map((x) => settingText(x, 'zh')).join('或')}设置）。`,
    ),
  }
}

function count(n: number): Localized {
  return { en: String(n), zh: String(n) }
}

function keepaliveText(k: Keepalive): Localized {
  return {
    en: `idle ${k.idleS} s, interval ${k.intervalS} s, ${k.count} probes`,
    zh: `空闲 ${k.idleS} 秒、间隔 ${k.intervalS} 秒、${k.count} 次探测`,
  }
}

/**
 * The ICMP error a script's network answers the data senders' segments with (its first
 * `reject` step in the direction of an end that sends: `c2s` stops a client's data, `s2c` the
 * server's, `both` either), which changes when and how unacknowledged data is given up; null
 * when it has none. A script that sends nothing: its first `reject`, whatever its direction.
 */
export function rejectIcmp(steps: LabScript['steps'] | undefined): IcmpKind | null {
  const senders = new Set((steps ?? []).flatMap((s) => (s.op === 'send' ? [s.actor] : [])))
  const hits = (dir: 'both' | 'c2s' | 's2c'): boolean =>
    senders.size === 0 ||
    dir === 'both' ||
    [...senders].some((a) => (dir === 'c2s' ? isClient(a) : a === 'server'))
  for (const s of steps ?? []) if (s.op === 'reject' && hits(s.dir)) return s.icmp
  return null
}

/**
 * How the data give-up of a run whose network answers with `icmp` differs on profile `p`: the
 * backoff is undone (RFC 6069) for a host or net unreachable where the OS does that, and the
 * error reported is the soft ICMP error where the OS keeps one (Linux tcp_write_err:
 * sk_err_soft, else ETIMEDOUT), the timeout otherwise.
 */
function dataGiveUpRule(
  p: OsProfile,
  icmp: IcmpKind | null,
): { revert: boolean; errno: ErrnoName } {
  if (!icmp) return { revert: false, errno: p.errors.timeout }
  const unreachableHost = icmp === 'host-unreachable' || icmp === 'net-unreachable'
  const kept =
    p.icmpEstablished === 'soft' ||
    (p.icmpEstablished === 'soft-except-unreachable' && !unreachableHost)
  return {
    revert: unreachableHost && p.icmpRtoRevert && kept,
    errno: kept ? p.errors.icmp[icmp] : p.errors.timeout,
  }
}

/**
 * The figures of every timer the script shortens on its profile (empty: nothing shortened).
 * With the script's steps, a `reject` fault is taken into account for the data give-up.
 */
export function timerFigures(
  script: Pick<LabScript, 'profile' | 'timers'> & { steps?: LabScript['steps'] },
): TimerFigure[] {
  const p = profileOf(script.profile)
  const system = p.errnoSystem as SystemName
  const t = script.timers
  const out: Omit<TimerFigure, 'text'>[] = []
  const add = (
    timer: TimerKey,
    value: Localized,
    defaultValue: Localized,
    numbers: readonly number[],
    errno: ErrnoName | null,
    shortenedMs: number,
    defaultMs: number,
  ): void => {
    const settings = reachable(SETTINGS[system][timer], numbers)
    out.push({
      timer,
      value,
      defaultValue,
      errno,
      shortenedMs,
      defaultMs,
      settings,
      simulatorOnly: settings.length === 0,
    })
  }
  if (t.synRetries !== undefined && t.synRetries < p.syn.retries)
    add(
      'synRetries',
      count(t.synRetries),
      count(p.syn.retries),
      [t.synRetries],
      p.errors.timeout,
      handshakeGiveUpMs(p.syn, t.synRetries),
      handshakeGiveUpMs(p.syn, p.syn.retries),
    )
  if (t.synackRetries !== undefined && t.synackRetries < p.synack.retries)
    add(
      'synackRetries',
      count(t.synackRetries),
      count(p.synack.retries),
      [t.synackRetries],
      null,
      handshakeGiveUpMs(p.synack, t.synackRetries),
      handshakeGiveUpMs(p.synack, p.synack.retries),
    )
  const dataRule = dataGiveUpRule(p, rejectIcmp(script.steps))
  if (t.retries2 !== undefined && t.retries2 < p.data.retries)
    add(
      'retries2',
      count(t.retries2),
      count(p.data.retries),
      [t.retries2],
      dataRule.errno,
      dataGiveUpMs(p, t.retries2, dataRule.revert),
      dataGiveUpMs(p, p.data.retries, dataRule.revert),
    )
  const k = t.keepalive
  const dk = p.keepalive
  if (k && (k.idleS < dk.idleS || k.intervalS < dk.intervalS || k.count < dk.count))
    add(
      'keepalive',
      keepaliveText(k),
      keepaliveText(dk),
      // Windows' system-wide probe count cannot change; its socket option can.
      [],
      p.errors.timeout,
      keepaliveMs(k),
      keepaliveMs(dk),
    )
  return out.map((f) => ({ ...f, text: figureText(f, p, system) }))
}
