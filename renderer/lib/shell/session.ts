/**
 * A socket-shell session: the lab script the student builds one command at a time. Each step
 * command appends a step timed just after what already happened, and the whole script is run
 * again on the chosen backend (docs/decisions/003-socket-shell.md): the simulator repeats the
 * earlier lines exactly, the kernel may not, and the session says so when it differs.
 */
import { stringify } from 'yaml'
import type { Result } from '../../../shared/contract'
import {
  ENDPOINTS,
  parseLabScript,
  PROFILE_IDS,
  v2Feature,
  type BackendId,
  type LabScript,
  type LabScriptInput,
  type Localized,
  type ProfileId,
  type Step,
} from '../../../shared/lab-script'
import { compareResults, stepClass } from '../../../shared/agreement'
import type { LabResult } from '../../../shared/lab-result'
import {
  ALL_COMMANDS,
  completions,
  FIRST_WORDS,
  META_COMMANDS,
  NET_COMMANDS,
  STEP_COMMANDS,
} from './commands'
import { parseLine } from './parse'

/** What the session needs from the app. */
export interface SessionHost {
  lang(): keyof Localized
  backend(): BackendId
  setBackend(value: BackendId): string | null
  setProfile(value: ProfileId): void
  /** The open case's script, if any. */
  currentScript(): LabScript | null
  /** The last finished run shown in the view (for `ss`). */
  lastResult(): LabResult | null
  getScenario(id: string): Promise<Result<LabScript>>
  caseIds(): string[]
}

/** What a command asks the terminal to do. */
export interface ShellReply {
  lines: string[]
  /** Run the session's script and print from this time on. */
  run?: { script: LabScript; sinceMs: number }
  /** Run a catalog case like the Run button. */
  runCase?: string
  clear?: boolean
  history?: boolean
}

/** How long runs go on after the last step, per backend (kernel runs take real time). */
const WINDOW_MS: Record<BackendId, number> = { sim: 150_000, kernel: 10_000 }
/** Space between what happened and the next command (ms of run time). */
const GAP_MS = 10

type Draft = Omit<LabScriptInput, 'steps'> & { steps: Record<string, unknown>[] }

function emptyDraft(): Draft {
  return { labScript: 1, id: 'shell-session', steps: [] }
}

/** The shell's state between commands. */
export class ShellSession {
  actor: 'client' | 'server' = 'client'
  private draft: Draft = emptyDraft()
  /** The session's last run, to time the next command and to compare a re-run with. */
  private last: LabResult | null = null
  private windowMs: number | null = null

  constructor(private readonly host: SessionHost) {}

  /** The prompt: which end un-prefixed commands act on. */
  prompt(): string {
    return `${this.actor}> `
  }

  /** Completions for Tab. */
  complete(before: string[], partial: string): string[] {
    const first = before.find((w) => !/^@\d/.test(w) && !['client', 'server', 'net'].includes(w))
    if ((first === 'run' || first === 'load') && before.length === 1)
      return this.host.caseIds().filter((id) => id.startsWith(partial))
    if (first === 'help' && before.length === 1)
      return FIRST_WORDS.filter((w) => w.startsWith(partial) && w in ALL_COMMANDS)
    return completions(before, partial)
  }

  /** The session script as it stands (for tests and `script`). */
  get steps(): readonly Record<string, unknown>[] {
    return this.draft.steps
  }

  private t(text: Localized): string {
    return text[this.host.lang()]
  }

  private say(en: string, zh: string): string {
    return this.host.lang() === 'zh' ? zh : en
  }

  /** When the next command happens: just after the last call that returned. */
  now(): number {
    if (this.draft.steps.length === 0) return 0
    let latest = 0
    for (const s of this.draft.steps) latest = Math.max(latest, Number(s.at ?? 0))
    for (const s of this.last?.steps ?? [])
      if (s.outcome === 'returned') latest = Math.max(latest, s.endMs)
    return Math.ceil(latest) + GAP_MS
  }

  private defaultPort(): number {
    const bound = [...this.draft.steps]
      .reverse()
      .find((s) => typeof s.port === 'number' && (s.op === 'listen' || s.op === 'bind'))
    return typeof bound?.port === 'number' ? bound.port : 7001
  }

  /** The server's socket is bound by a `bind` since its last listen (listen then names none). */
  private serverBound(): boolean {
    const last = [...this.draft.steps]
      .reverse()
      .find((s) => s.actor === 'server' && (s.op === 'listen' || s.op === 'bind'))
    return last?.op === 'bind'
  }

  /** A session that uses a version 2 feature is a version 2 script; otherwise it stays 1. */
  private versionOf(steps: Record<string, unknown>[]): Draft['labScript'] {
    return steps.some((s) => v2Feature(s as unknown as Step) !== null) ? 2 : this.draft.labScript
  }

  private build(
    steps: Record<string, unknown>[],
  ): { ok: true; script: LabScript } | { ok: false; message: string } {
    const lastAt = steps.reduce((m, s) => Math.max(m, Number(s.at ?? 0)), 0)
    const windowMs = this.windowMs ?? WINDOW_MS[this.host.backend()]
    const limitMs = Math.min(
      86_400_000,
      Math.max(Number(this.draft.limitMs ?? 0), lastAt + windowMs),
    )
    const labScript = this.versionOf(steps)
    const parsed = parseLabScript({ ...this.draft, labScript, limitMs, steps })
    return parsed.ok ? { ok: true, script: parsed.script } : { ok: false, message: parsed.message }
  }

  /** Runs one line. */
  async exec(line: string): Promise<ShellReply> {
    const action = parseLine(line, this.actor, this.defaultPort(), this.serverBound())
    switch (action.kind) {
      case 'empty':
        return { lines: [] }
      case 'error':
        return { lines: [`error: ${this.t(action.message)}`] }
      case 'meta':
        return this.meta(action.name, action.args)
      case 'step': {
        const at = action.at ?? this.now()
        const step = at > 0 ? { ...action.step, at } : action.step
        const built = this.build([...this.draft.steps, step])
        if (!built.ok) return { lines: built.message.split('\n').map((l) => `error: ${l}`) }
        this.draft.steps.push(step)
        this.draft.labScript = built.script.labScript
        // Print from where the last run's printout stopped: what happened after it ended
        // (an RST still on its way) shows up now, before the new call.
        const since = this.last ? Math.min(at, this.last.durationMs + 1e-6) : at
        return { lines: [], run: { script: built.script, sinceMs: since } }
      }
    }
  }

  /**
   * Called when a session run has finished: remembers it, and says if the calls before the
   * new one changed, by the agreement rule (the final states belong to the new call's run).
   */
  afterRun(result: LabResult, compareUpTo: number): string[] {
    const previous = this.last
    this.last = result
    if (!previous) return []
    const differences = compareResults(previous, result, {
      final: false,
      steps: (i) => i < compareUpTo,
    })
    if (differences.length === 0) return []
    const changed: string[] = []
    for (const index of new Set(differences.map((d) => d.step))) {
      const before = previous.steps.find((s) => s.index === index)
      const now = result.steps.find((s) => s.index === index)
      const call = `#${index} ${before?.actor ?? ''} ${before?.op ?? ''}`
      const fields = differences.filter((d) => d.step === index).map((d) => d.field)
      if (fields.some((f) => f !== 'endMs'))
        changed.push(`${call}: ${stepClass(before)} -> ${stepClass(now)}`)
      if (fields.includes('endMs') && before && now)
        changed.push(
          `${call}: ended at ${before.endMs.toFixed(1)} ms -> ${now.endMs.toFixed(1)} ms`,
        )
    }
    const head =
      result.backend === 'kernel'
        ? this.say(
            'note: the kernel’s re-run differed from the last run on earlier calls (real timing):',
            '注意：内核重新运行时，之前的调用结果与上次不同（真实时序）：',
          )
        : this.say(
            'note: the re-run differed on earlier calls (the simulator should repeat itself: please report):',
            '注意：重新运行时之前的调用结果不同（模拟器本应完全重复，请报告此问题）：',
          )
    return [head, ...changed.map((c) => `  ${c}`)]
  }

  private async meta(name: string, args: string[]): Promise<ShellReply> {
    const arg = args[0]
    switch (name) {
      case 'help':
        return { lines: this.help(arg) }
      case 'history':
        return { lines: [], history: true }
      case 'clear':
        return { lines: [], clear: true }
      case 'use':
        if (arg !== 'client' && arg !== 'server') return this.usage(name)
        this.actor = arg
        return { lines: [] }
      case 'backend': {
        if (arg !== 'sim' && arg !== 'kernel') return this.usage(name)
        const why = this.host.setBackend(arg)
        return { lines: [why ? `error: ${why}` : `backend: ${arg}`] }
      }
      case 'profile':
        if (!PROFILE_IDS.includes(arg as ProfileId)) return this.usage(name)
        this.host.setProfile(arg as ProfileId)
        return { lines: [`profile: ${arg}`] }
      case 'topology':
        if (arg !== 'direct' && arg !== 'middlebox') return this.usage(name)
        this.draft.topology = arg
        return { lines: [`topology: ${arg}`] }
      case 'limit': {
        const ms = Number(arg)
        if (!Number.isInteger(ms) || ms < 1 || ms > 86_400_000) return this.usage(name)
        this.windowMs = ms
        return {
          lines: [
            this.say(
              `each run goes on ${ms} ms after the last command`,
              `每次运行在最后一条命令之后继续 ${ms} 毫秒`,
            ),
          ],
        }
      }
      case 'timers':
        return this.timers(args)
      case 'new':
        this.draft = emptyDraft()
        this.last = null
        return { lines: [this.say('new session: an empty script', '新会话：空脚本')] }
      case 'load':
        return this.load(arg)
      case 'script':
        return {
          lines: this.draft.steps.length
            ? stringify({ ...this.draft, labScript: this.versionOf(this.draft.steps) })
                .trimEnd()
                .split('\n')
            : [this.say('the session script has no steps yet', '会话脚本还没有步骤')],
        }
      case 'undo': {
        const removed = this.draft.steps.pop()
        if (!removed) return { lines: [this.say('nothing to undo', '没有可撤销的步骤')] }
        const built = this.build(this.draft.steps)
        const lines = [
          this.say(
            `removed: ${removed.actor} ${removed.op}`,
            `已删除：${removed.actor} ${removed.op}`,
          ),
        ]
        return built.ok ? { lines, run: { script: built.script, sinceMs: Infinity } } : { lines }
      }
      case 'run': {
        // The options the trace's command line echoes (`--backend sim --profile windows`)
        // are options of this command too: each is applied before the run, or refused.
        const parsed = this.runOptions(args)
        if ('error' in parsed) return { lines: [`error: ${parsed.error}`] }
        if (parsed.backend) {
          const why = this.host.setBackend(parsed.backend)
          if (why) return { lines: [`error: ${why}`] }
        }
        if (parsed.profile) this.host.setProfile(parsed.profile)
        const id = parsed.id
        if (id) {
          if (!this.host.caseIds().includes(id))
            return { lines: [`error: ${this.say(`no case "${id}"`, `没有案例“${id}”`)}`] }
          return { lines: [], runCase: id }
        }
        const built = this.build(this.draft.steps)
        if (!built.ok)
          return {
            lines: [
              this.say(
                'the session script has no steps yet: type a command, or load a case',
                '会话脚本还没有步骤：输入命令，或用 load 载入案例',
              ),
            ],
          }
        return { lines: [], run: { script: built.script, sinceMs: 0 } }
      }
      case 'ss':
        return { lines: this.ss() }
      default:
        return this.usage(name)
    }
  }

  /** `run [case-id] [--backend sim|kernel] [--profile <id>]` (also `-b`, `-p`, `--x=value`). */
  private runOptions(
    args: string[],
  ): { id?: string; backend?: BackendId; profile?: ProfileId } | { error: string } {
    const out: { id?: string; backend?: BackendId; profile?: ProfileId } = {}
    const words = args.flatMap((w) => (/^--\w+=/.test(w) ? w.split('=', 2) : [w]))
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!
      const value = words[i + 1]
      if (word === '--backend' || word === '-b') {
        if (value !== 'sim' && value !== 'kernel')
          return {
            error: this.say(`--backend takes sim or kernel`, `--backend 只能是 sim 或 kernel`),
          }
        out.backend = value
        i++
      } else if (word === '--profile' || word === '-p') {
        if (!PROFILE_IDS.includes(value as ProfileId))
          return {
            error: this.say(
              `--profile takes ${PROFILE_IDS.join(', ')}`,
              `--profile 只能是 ${PROFILE_IDS.join('、')}`,
            ),
          }
        out.profile = value as ProfileId
        i++
      } else if (word.startsWith('-'))
        return { error: this.say(`run: unknown option ${word}`, `run：未知选项 ${word}`) }
      else if (out.id === undefined) out.id = word
      else return { error: this.say(`run: unexpected "${word}"`, `run：无法理解“${word}”`) }
    }
    return out
  }

  private usage(name: string): ShellReply {
    return { lines: [`error: ${this.say('usage', '用法')}: ${META_COMMANDS[name]?.usage ?? name}`] }
  }

  private timers(args: string[]): ShellReply {
    const timers: Record<string, unknown> = { ...(this.draft.timers ?? {}) }
    for (const word of args) {
      const m = /^(synRetries|synackRetries|retries2)=(\d+)$/.exec(word)
      const k = /^keepalive=(\d+)\/(\d+)\/(\d+)$/.exec(word)
      if (m) timers[m[1]!] = Number(m[2])
      else if (k)
        timers.keepalive = { idleS: Number(k[1]), intervalS: Number(k[2]), count: Number(k[3]) }
      else return this.usage('timers')
    }
    const parsed = parseLabScript({ ...this.draft, timers, steps: [{ actor: 'net', op: 'heal' }] })
    if (!parsed.ok) return { lines: parsed.message.split('\n').map((l) => `error: ${l}`) }
    this.draft.timers = timers
    return { lines: [`timers: ${JSON.stringify(timers)}`] }
  }

  private async load(id: string | undefined): Promise<ShellReply> {
    let script: LabScript | null
    if (id) {
      const answer = await this.host.getScenario(id)
      if (!answer.ok) return { lines: [`error: ${answer.error.message}`] }
      script = answer.value
    } else script = this.host.currentScript()
    if (!script) return { lines: [`error: ${this.say('no case is open', '没有打开的案例')}`] }
    this.draft = {
      labScript: script.labScript,
      id: 'shell-session',
      profile: script.profile,
      topology: script.topology,
      ...(script.firewall ? { firewall: { ...script.firewall } } : {}),
      timers: { ...script.timers },
      limitMs: script.limitMs,
      steps: script.steps.map((s) => ({ ...s })),
    }
    this.last = null
    const built = this.build(this.draft.steps)
    const lines = [
      this.say(
        `loaded ${script.id ?? 'the script'}: ${script.steps.length} steps`,
        `已载入 ${script.id ?? '脚本'}：${script.steps.length} 个步骤`,
      ),
    ]
    return built.ok ? { lines, run: { script: built.script, sinceMs: 0 } } : { lines }
  }

  private ss(): string[] {
    const result = this.host.lastResult()
    if (!result) return [this.say('no run yet', '还没有运行')]
    if (result.socketTable?.length)
      return [
        this.say('socket table when the run ended (kernel):', '运行结束时的套接字表（内核）：'),
        ...result.socketTable,
      ]
    const source =
      result.backend === 'kernel'
        ? this.say(
            'states read from the kernel’s socket table during the run',
            '运行中从内核套接字表读取的状态',
          )
        : this.say('states of the simulator’s model', '模拟器模型中的状态')
    // Columns at 0, 8 and 22 terminal cells in both languages (a Chinese character is two).
    const lines = [
      `# ${source}`,
      this.say('End     State         Since', '端点    状态          进入时间'),
    ]
    for (const actor of ENDPOINTS) {
      const state = result.final[actor]
      if (!state) continue
      const last = [...result.events].reverse().find((e) => e.type === 'state' && e.actor === actor)
      const since = last ? `${last.tMs.toFixed(1)} ms` : '-'
      // Seven terminal cells in both languages (a Chinese character is two): 客户端2.
      const zh = actor === 'server' ? '服务端 ' : `客户端${actor.slice('client'.length) || ' '}`
      const who = this.say(actor.padEnd(7), zh)
      lines.push(`${who} ${state.padEnd(13)} ${since}`)
    }
    return lines
  }

  private help(name: string | undefined): string[] {
    if (name) {
      const c = ALL_COMMANDS[name]
      if (!c) return [`error: ${this.say(`no command "${name}"`, `没有命令“${name}”`)}`]
      return [`${c.usage}`, `  ${this.t(c.help)}`]
    }
    const section = (title: string, list: Record<string, { usage: string; help: Localized }>) => [
      title,
      ...Object.values(list).map((c) => `  ${c.usage.padEnd(44)} ${this.t(c.help)}`),
    ]
    return [
      ...section(
        this.say(
          'Socket calls (a step of the session script; re-runs it):',
          '套接字调用（会话脚本的一个步骤；会重新运行脚本）：',
        ),
        STEP_COMMANDS,
      ),
      ...section(this.say('Network faults:', '网络故障：'), NET_COMMANDS),
      ...section(this.say('Session:', '会话：'), META_COMMANDS),
      this.say(
        'Prefix a command with client, server or net to choose who does it, and with @<ms> to set its time.',
        '在命令前加 client、server 或 net 指定执行者，加 @<毫秒> 指定时间。',
      ),
      this.say(
        'Tab completes, Up and Down recall commands, Ctrl+C cancels a run.',
        'Tab 补全，上下键调出历史命令，Ctrl+C 取消运行。',
      ),
    ]
  }
}
