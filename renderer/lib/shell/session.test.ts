import { describe, expect, it } from 'vitest'
import type { BackendId, LabScript } from '../../../shared/lab-script'
import { TIMER_MS } from '../../../shared/agreement'
import type { LabResult } from '../../../shared/lab-result'
import { scenarioScript } from '../../../shared/catalog/index'
import { RECORDED } from '../fixtures/index'
import { terminalWidth } from '../trace-lang'
import { ShellSession, type SessionHost } from './session'

function host(overrides: Partial<SessionHost> = {}): SessionHost & { backendValue: BackendId } {
  const h: SessionHost & { backendValue: BackendId } = {
    backendValue: 'sim',
    lang: () => 'en',
    backend: (): BackendId => h.backendValue,
    setBackend: (v: BackendId) => {
      h.backendValue = v
      return null
    },
    setProfile: () => undefined,
    currentScript: () => scenarioScript('peer.crash-fin') ?? null,
    lastResult: () => RECORDED['peer.crash-fin']!,
    getScenario: async (id: string) => {
      const s = scenarioScript(id)
      return s
        ? { ok: true as const, value: s }
        : { ok: false as const, error: { code: 'unknown-scenario' as const, message: `no ${id}` } }
    },
    caseIds: () => ['peer.crash-fin', 'connect.ok'],
    ...overrides,
  }
  return h
}

describe('ShellSession', () => {
  it('times each new step just after the last call that returned', async () => {
    const s = new ShellSession(host())
    const first = await s.exec('listen')
    expect(first.run?.sinceMs).toBe(0)
    expect(first.run?.script.steps[0]).toEqual({ actor: 'server', op: 'listen', port: 7001 })
    s.afterRun(
      {
        ...RECORDED['peer.crash-fin']!,
        durationMs: 0.2,
        steps: [
          {
            index: 0,
            actor: 'server',
            op: 'listen',
            startMs: 0,
            endMs: 0.2,
            outcome: 'returned',
            ret: 0,
          },
        ],
      },
      0,
    )
    const second = await s.exec('connect')
    // Printing starts where the last run's printout ended.
    expect(second.run?.sinceMs).toBeCloseTo(0.2, 3)
    expect(second.run?.script.steps[1]).toMatchObject({ at: 11 })
    expect(second.run?.script.limitMs).toBeGreaterThanOrEqual(11 + 150_000)
  })

  it('refuses a step the whole script cannot take, and keeps the script as it was', async () => {
    const s = new ShellSession(host())
    const r = await s.exec('hold')
    expect(r.run).toBeUndefined()
    expect(r.lines.join()).toMatch(/needs "topology": "middlebox"/)
    expect(s.steps).toHaveLength(0)
    await s.exec('topology middlebox')
    expect((await s.exec('hold')).run).toBeDefined()
  })

  it('makes the session a version 2 script once it uses a version 2 op', async () => {
    const s = new ShellSession(host())
    expect((await s.exec('listen')).run?.script.labScript).toBe(1)
    const r = await s.exec('signal restart')
    expect(r.run?.script.labScript).toBe(2)
    expect(r.run?.script.steps[1]).toMatchObject({ op: 'signal', restart: true })
  })

  it('becomes lab script version 2 with a version 2 step, and stays 1 without', async () => {
    const s = new ShellSession(host())
    expect((await s.exec('listen')).run?.script.labScript).toBe(1)
    const nb = await s.exec('connect nonblock')
    expect(nb.run?.script.labScript).toBe(2)
    expect(nb.run?.script.steps[1]).toMatchObject({ op: 'connect', nonblocking: true })
    expect((await s.exec('poll out timeout=500')).run?.script.labScript).toBe(2)
    expect((await s.exec('script')).lines.join('\n')).toMatch(/labScript: 2/)
  })

  it('loads a case, undoes a step and prints the script', async () => {
    const s = new ShellSession(host())
    const loaded = await s.exec('load peer.crash-fin')
    expect(loaded.lines[0]).toMatch(/loaded peer.crash-fin: \d+ steps/)
    expect(loaded.run?.sinceMs).toBe(0)
    const n = s.steps.length
    const undone = await s.exec('undo')
    expect(s.steps).toHaveLength(n - 1)
    expect(undone.run?.sinceMs).toBe(Infinity)
    expect((await s.exec('script')).lines.join('\n')).toMatch(/op: crash/)
    expect((await s.exec('load nope')).lines[0]).toMatch(/^error: no nope/)
  })

  it("keeps a loaded case's firewall in the script it runs and prints", async () => {
    const s = new ShellSession(host())
    const loaded = await s.exec('load nat.idle-expiry')
    expect(loaded.run?.script).toMatchObject({
      labScript: 2,
      firewall: { idleS: 2, forget: 'drop' },
    })
    expect((await s.exec('script')).lines.join('\n')).toMatch(/firewall:/)
  })

  it('says when a re-run changed earlier calls (the kernel is not deterministic)', () => {
    const s = new ShellSession(host())
    const base: LabResult = RECORDED['peer.crash-fin']!
    expect(s.afterRun(base, 99)).toEqual([])
    const changed = {
      ...base,
      backend: 'kernel' as const,
      steps: base.steps.map((st) =>
        st.op === 'connect' ? { ...st, ret: -1, errno: 'ECONNREFUSED' } : st,
      ),
    }
    const note = s.afterRun(changed, 99)
    expect(note[0]).toMatch(/kernel’s re-run differed/)
    expect(note[1]).toMatch(/connect: returned zero -> returned -1 ECONNREFUSED$/)
    expect(note).toHaveLength(2)
  })

  it('compares a re-run by the agreement rule: timing of timer-ended calls, not final states', () => {
    const s = new ShellSession(host())
    const base: LabResult = RECORDED['connect.timeout']!
    const timed = base.steps.find((st) => st.endMs - st.startMs >= TIMER_MS)!
    s.afterRun(base, 99)
    const later = {
      ...base,
      final: { client: 'ESTABLISHED' as const, server: 'ESTABLISHED' as const },
      steps: base.steps.map((st) => (st === timed ? { ...st, endMs: st.endMs * 2 + 1000 } : st)),
    }
    const note = s.afterRun(later, 99)
    expect(note[0]).toMatch(/simulator should repeat itself/)
    expect(note.slice(1)).toEqual([
      `  #${timed.index} ${timed.actor} ${timed.op}: ended at ${timed.endMs.toFixed(1)} ms -> ${(timed.endMs * 2 + 1000).toFixed(1)} ms`,
    ])
    // Calls from the new one on are not compared: they are new.
    expect(s.afterRun(base, timed.index)).toEqual([])
  })

  it('sets timers, backend and profile, and shows the socket table', async () => {
    const h = host()
    const s = new ShellSession(h)
    expect((await s.exec('timers synRetries=2 keepalive=1/1/2')).lines[0]).toMatch(/synRetries/)
    expect((await s.exec('timers synRetries=x')).lines[0]).toMatch(/^error: usage/)
    await s.exec('backend kernel')
    expect(h.backendValue).toBe('kernel')
    const ss = (await s.exec('ss')).lines
    expect(ss[0]).toMatch(/simulator’s model/)
    expect(ss.some((l) => /^client\s+CLOSED/.test(l))).toBe(true)
    // In Chinese the columns stay where they are in terminal cells (a Chinese character is two).
    const zh = (await new ShellSession(host({ lang: () => 'zh' })).exec('ss')).lines
    expect(zh[1]).toMatch(/^端点 +状态 +进入时间$/)
    const cells = (line: string, word: string) => terminalWidth(line.slice(0, line.indexOf(word)))
    expect(cells(zh[1]!, '状态')).toBe(ss[1]!.indexOf('State'))
    expect(cells(zh[1]!, '进入时间')).toBe(ss[1]!.indexOf('Since'))
    for (const [i, actor] of [
      [2, '客户端'],
      [3, '服务端'],
    ] as const) {
      expect(zh[i]).toMatch(new RegExp(`^${actor} `))
      expect(cells(zh[i]!, zh[i]!.split(/ +/)[1]!)).toBe(ss[1]!.indexOf('State'))
      expect(cells(zh[i]!, zh[i]!.split(/ +/)[2]!)).toBe(ss[1]!.indexOf('Since'))
    }
    const table = { ...RECORDED['peer.crash-fin']!, socketTable: ['ESTAB 0 0 127.0.0.1:7001'] }
    const s2 = new ShellSession(host({ lastResult: () => table }))
    expect((await s2.exec('ss')).lines).toContain('ESTAB 0 0 127.0.0.1:7001')
  })

  it('completes case ids after run and load, and explains every command in help', async () => {
    const s = new ShellSession(host())
    expect(s.complete(['run'], 'peer')).toEqual(['peer.crash-fin'])
    const help = (await s.exec('help')).lines.join('\n')
    for (const word of ['connect', 'drop', 'reject', 'ss', 'undo']) expect(help).toContain(word)
    const zh = new ShellSession(host({ lang: () => 'zh' }))
    expect((await zh.exec('help')).lines[0]).toMatch(/套接字调用/)
    const used = (await s.exec('use server')).lines
    expect(used).toEqual([])
    expect(s.prompt()).toBe('server> ')
    const script: LabScript | undefined = (await s.exec('run')).run?.script
    expect(script).toBeUndefined()
  })

  it('honours the options the trace echoes: run <case> --backend ... --profile ...', async () => {
    const profiles: string[] = []
    const h = host({ setProfile: (p) => void profiles.push(p) })
    const s = new ShellSession(h)
    const reply = await s.exec('run peer.crash-fin --profile windows')
    expect(reply.runCase).toBe('peer.crash-fin')
    expect(profiles).toEqual(['windows'])
    await s.exec('run connect.ok --backend=kernel -p macos')
    expect(h.backendValue).toBe('kernel')
    expect(profiles).toEqual(['windows', 'macos'])
    expect((await s.exec('run connect.ok --profile solaris')).lines[0]).toMatch(
      /^error: --profile takes linux, linux-legacy, windows, macos/,
    )
    expect((await s.exec('run connect.ok --json')).lines[0]).toBe(
      'error: run: unknown option --json',
    )
    // A backend the host cannot use is refused before anything runs.
    const none = host({ setBackend: () => 'no kernel lab here' })
    const refused = await new ShellSession(none).exec('run connect.ok --backend kernel')
    expect(refused).toEqual({ lines: ['error: no kernel lab here'] })
  })
})
