/**
 * The socket shell's command language: every command, its usage, its help in both UI
 * languages, and the words Tab can complete after it. Socket and network commands are the
 * lab script's operations (shared/lab-script.ts); the rest manage the session.
 */
import type { Localized } from '../../../shared/lab-script'
import {
  DROP_MATCHES,
  ICMP_TYPES,
  PROFILE_IDS,
  type Actor,
  type StepOp,
} from '../../../shared/lab-script'

/** One command of the shell. */
export interface ShellCommand {
  name: string
  usage: string
  help: Localized
  /** For lab operations: who may perform it (the first is the default). */
  actors?: readonly Actor[]
  /** Words Tab offers for each argument position. */
  args?: readonly (readonly string[])[]
}

const DIRS = ['both', 'c2s', 's2c'] as const
const ENDS = ['client', 'server'] as const

/** Socket calls and process actions: a step of the session's script. */
export const STEP_COMMANDS: Record<
  Exclude<StepOp, 'drop' | 'reject' | 'cut' | 'heal' | 'hold' | 'release'>,
  ShellCommand
> = {
  listen: {
    name: 'listen',
    usage: 'listen [port] [backlog=<n>] [reuseaddr]',
    help: {
      en: 'server: bind and listen (port 7001 by default; after bind, only listen)',
      zh: '服务端：绑定并监听（默认端口 7001；执行过 bind 后只监听）',
    },
    actors: ['server'],
    args: [['backlog=', 'reuseaddr']],
  },
  bind: {
    name: 'bind',
    usage: '[client|server] bind [port] [reuseaddr]',
    help: {
      en: 'bind the next socket to a port; reuseaddr sets SO_REUSEADDR first',
      zh: '把下一个套接字绑定到端口；reuseaddr 先设置 SO_REUSEADDR',
    },
    actors: ['server', 'client'],
    args: [['reuseaddr']],
  },
  accept: {
    name: 'accept',
    usage: 'accept',
    help: {
      en: 'server: wait for a connection whose handshake is complete',
      zh: '服务端：等待一个完成三次握手的连接',
    },
    actors: ['server'],
  },
  connect: {
    name: 'connect',
    usage: 'connect [port] [nonblock]',
    help: {
      en: 'client: blocking connect to the server’s port; nonblock: O_NONBLOCK first, returns EINPROGRESS at once',
      zh: '客户端：阻塞式连接服务端端口；nonblock：先设置 O_NONBLOCK，立即返回 EINPROGRESS',
    },
    actors: ['client'],
    args: [['nonblock']],
  },
  poll: {
    name: 'poll',
    usage: '[client|server] poll in|out [timeout=<ms>]',
    help: {
      en: 'poll() until readable (in) or writable (out), or the timeout; shows revents',
      zh: 'poll() 直到可读（in）或可写（out），或超时；显示 revents',
    },
    actors: ENDS,
    args: [['in', 'out'], ['timeout=']],
  },
  getsockopt: {
    name: 'getsockopt',
    usage: '[client|server] getsockopt [SO_ERROR]',
    help: {
      en: 'getsockopt(SO_ERROR): the pending error, which reading clears',
      zh: 'getsockopt(SO_ERROR)：读取挂起的错误（读取即清除）',
    },
    actors: ENDS,
    args: [['SO_ERROR']],
  },
  send: {
    name: 'send',
    usage: '[client|server] send <bytes>',
    help: {
      en: 'send that many bytes; returns once they are in the send buffer',
      zh: '发送若干字节；数据进入发送缓冲区即返回',
    },
    actors: ENDS,
  },
  recv: {
    name: 'recv',
    usage: '[client|server] recv [bytes] [timeout=<ms>]',
    help: {
      en: 'blocking recv; timeout= sets SO_RCVTIMEO',
      zh: '阻塞式接收；timeout= 设置 SO_RCVTIMEO',
    },
    actors: ENDS,
    args: [['timeout=']],
  },
  close: {
    name: 'close',
    usage: '[client|server] close',
    help: {
      en: 'close() the socket (FIN, or RST with unread data)',
      zh: 'close() 关闭套接字（发送 FIN；有未读数据时发送 RST）',
    },
    actors: ENDS,
  },
  shutdown: {
    name: 'shutdown',
    usage: '[client|server] shutdown wr|rd|rdwr',
    help: { en: 'shutdown() one or both directions', zh: 'shutdown() 关闭一个或两个方向' },
    actors: ENDS,
    args: [['wr', 'rd', 'rdwr']],
  },
  abort: {
    name: 'abort',
    usage: '[client|server] abort',
    help: {
      en: 'SO_LINGER {on, 0} then close(): sends RST',
      zh: 'SO_LINGER {on, 0} 后 close()：发送 RST',
    },
    actors: ENDS,
  },
  keepalive: {
    name: 'keepalive',
    usage: '[client|server] keepalive',
    help: { en: 'enable SO_KEEPALIVE', zh: '开启 SO_KEEPALIVE' },
    actors: ENDS,
  },
  signal: {
    name: 'signal',
    usage: '[client|server] signal [restart]',
    help: {
      en: 'deliver a signal to the program (its handler without SA_RESTART, or with it: restart); interrupts a blocked call',
      zh: '向程序发送一个信号（处理函数不带 SA_RESTART，或带 restart）；会中断阻塞中的调用',
    },
    actors: ENDS,
    args: [['restart']],
  },
  usertimeout: {
    name: 'usertimeout',
    usage: '[client|server] usertimeout <ms>',
    help: {
      en: 'set TCP_USER_TIMEOUT: give up on unacknowledged data after that many ms',
      zh: '设置 TCP_USER_TIMEOUT：数据在这么多毫秒内未被确认就放弃连接',
    },
    actors: ENDS,
  },
  reboot: {
    name: 'reboot',
    usage: '[client|server] reboot <ms>',
    help: {
      en: 'the host goes down without a word and boots again after that many ms, knowing nothing of its connections',
      zh: '主机悄无声息地宕机，若干毫秒后重新启动，对原来的连接一无所知',
    },
    actors: ['server', 'client'],
  },
  sleep: {
    name: 'sleep',
    usage: '[client|server] sleep <ms>',
    help: { en: 'wait, without calling anything', zh: '等待，不做任何调用' },
    actors: ENDS,
  },
  crash: {
    name: 'crash',
    usage: '[client|server] crash fin|rst|silent',
    help: {
      en: 'the process dies: its OS sends FIN, or RST; silent: the whole host vanishes',
      zh: '进程终止：其操作系统发送 FIN 或 RST；silent：整台主机消失',
    },
    actors: ENDS,
    args: [['fin', 'rst', 'silent']],
  },
  freeze: {
    name: 'freeze',
    usage: '[client|server] freeze',
    help: {
      en: 'SIGSTOP the process (its kernel still ACKs)',
      zh: '用 SIGSTOP 暂停进程（其内核仍会确认数据）',
    },
    actors: ENDS,
  },
  thaw: {
    name: 'thaw',
    usage: '[client|server] thaw',
    help: { en: 'SIGCONT the process', zh: '用 SIGCONT 恢复进程' },
    actors: ENDS,
  },
}

/** Faults on the path between the hosts. */
export const NET_COMMANDS: Record<
  'cut' | 'drop' | 'reject' | 'heal' | 'hold' | 'release',
  ShellCommand
> = {
  cut: {
    name: 'cut',
    usage: 'cut [both|c2s|s2c]',
    help: { en: 'silently drop every segment that way', zh: '静默丢弃该方向的所有报文' },
    actors: ['net'],
    args: [DIRS],
  },
  drop: {
    name: 'drop',
    usage: 'drop <SYN|SYN-ACK|ACK|FIN|RST|data|any> [dir] [count]',
    help: {
      en: 'drop matching segments (count of them, or all until heal)',
      zh: '丢弃匹配的报文（指定个数，或直到 heal）',
    },
    actors: ['net'],
    args: [DROP_MATCHES, DIRS],
  },
  reject: {
    name: 'reject',
    usage: 'reject <icmp> [dir]',
    help: { en: 'drop and answer with an ICMP error', zh: '丢弃报文并回应 ICMP 错误' },
    actors: ['net'],
    args: [ICMP_TYPES, DIRS],
  },
  heal: {
    name: 'heal',
    usage: 'heal',
    help: { en: 'remove every network fault', zh: '移除所有网络故障' },
    actors: ['net'],
  },
  hold: {
    name: 'hold',
    usage: 'hold',
    help: {
      en: 'middlebox: keep ACKing and buffering, stop forwarding',
      zh: '中间设备：继续确认并缓存，但停止转发',
    },
    actors: ['net'],
  },
  release: {
    name: 'release',
    usage: 'release',
    help: { en: 'middlebox: forward what was held', zh: '中间设备：转发缓存的数据' },
    actors: ['net'],
  },
}

/** Commands that manage the session rather than add a step. */
export const META_COMMANDS: Record<string, ShellCommand> = {
  help: {
    name: 'help',
    usage: 'help [command]',
    help: { en: 'list the commands, or explain one', zh: '列出所有命令，或解释某个命令' },
  },
  run: {
    name: 'run',
    usage: 'run [case-id] [--backend sim|kernel] [--profile <id>]',
    help: {
      en: 'run a catalog case (like the Run button), or re-run the session; the options choose the backend and the OS profile first',
      zh: '运行目录中的案例（同“运行”按钮），或重新运行本会话；选项先选择后端和操作系统配置',
    },
    args: [['--backend', '--profile']],
  },
  new: {
    name: 'new',
    usage: 'new',
    help: { en: 'start an empty session script', zh: '开始一个空的会话脚本' },
  },
  load: {
    name: 'load',
    usage: 'load [case-id]',
    help: {
      en: 'start the session from a case’s script (the open case by default)',
      zh: '从某个案例的脚本开始会话（默认为当前案例）',
    },
  },
  script: {
    name: 'script',
    usage: 'script',
    help: { en: 'print the session’s lab script (YAML)', zh: '打印会话的实验脚本（YAML）' },
  },
  undo: {
    name: 'undo',
    usage: 'undo',
    help: { en: 'remove the last step and re-run', zh: '删除最后一个步骤并重新运行' },
  },
  use: {
    name: 'use',
    usage: 'use client|server',
    help: {
      en: 'which end commands without a prefix act on',
      zh: '选择不带前缀的命令作用于哪一端',
    },
    args: [ENDS],
  },
  backend: {
    name: 'backend',
    usage: 'backend sim|kernel',
    help: { en: 'choose the backend that runs the session', zh: '选择运行会话的后端' },
    args: [['sim', 'kernel']],
  },
  profile: {
    name: 'profile',
    usage: `profile ${PROFILE_IDS.join('|')}`,
    help: { en: 'the simulator’s OS profile', zh: '模拟器的操作系统配置' },
    args: [PROFILE_IDS],
  },
  topology: {
    name: 'topology',
    usage: 'topology direct|middlebox',
    help: { en: 'direct, or through a NAT-like middlebox', zh: '直连，或经过类似 NAT 的中间设备' },
    args: [['direct', 'middlebox']],
  },
  timers: {
    name: 'timers',
    usage:
      'timers synRetries=<n> synackRetries=<n> retries2=<n> keepalive=<idle>/<interval>/<count>',
    help: {
      en: 'shorten the TCP timers (both backends apply them)',
      zh: '缩短 TCP 定时器（两个后端都会应用）',
    },
    args: [['synRetries=', 'synackRetries=', 'retries2=', 'keepalive=']],
  },
  limit: {
    name: 'limit',
    usage: 'limit <ms>',
    help: {
      en: 'how long each run goes on after the last command',
      zh: '每次运行在最后一条命令之后继续多久',
    },
  },
  ss: {
    name: 'ss',
    usage: 'ss',
    help: {
      en: 'the socket table: the kernel’s (kernel backend) or the model’s states',
      zh: '套接字表：内核的（内核后端）或模型中的状态',
    },
  },
  history: {
    name: 'history',
    usage: 'history',
    help: { en: 'the commands typed so far', zh: '已输入的命令' },
  },
  clear: { name: 'clear', usage: 'clear', help: { en: 'clear the screen', zh: '清屏' } },
}

/** Every command by name. */
export const ALL_COMMANDS: Record<string, ShellCommand> = {
  ...STEP_COMMANDS,
  ...NET_COMMANDS,
  ...META_COMMANDS,
}

/** Words that may start a line: commands, and the actor prefixes. */
export const FIRST_WORDS = [...ENDS, 'net', ...Object.keys(ALL_COMMANDS)].sort()

/** Completions for the word being typed, given the words before it. */
export function completions(before: readonly string[], partial: string): string[] {
  let words = [...before]
  if (words.length > 0 && /^@\d/.test(words[0]!)) words = words.slice(1)
  if (words.length > 0 && (words[0] === 'client' || words[0] === 'server' || words[0] === 'net'))
    words = words.slice(1)
  let options: readonly string[]
  if (words.length === 0) options = before.length === 0 ? FIRST_WORDS : Object.keys(ALL_COMMANDS)
  else options = ALL_COMMANDS[words[0]!]?.args?.[words.length - 1] ?? []
  return options.filter((o) => o.startsWith(partial))
}
