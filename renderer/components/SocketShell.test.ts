import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { LabScript } from '../../shared/lab-script'
import { useCatalogStore } from '../stores/catalog'
import { useRunStore } from '../stores/run'
import { createFakeLab, flush, REFUSED_STEP, refusedResult, testGlobals } from '../testing/fake-lab'
import { createLabI18n } from '../i18n/index'
import SocketShell from './SocketShell.vue'

/** The terminal's text, line by line, through xterm's buffer API. */
function bufferLines(): string[] {
  const term = window.__labTerminal
  if (!term) throw new Error('no terminal')
  const buffer = term.buffer.active
  const lines: string[] = []
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i)
    const text = line?.translateToString(true) ?? ''
    // A long line wraps onto the next rows; join them back into the line that was written.
    if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text.trimEnd()
    else lines.push(text.trimEnd())
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** xterm parses writes asynchronously; wait until it has caught up. */
async function settled(): Promise<void> {
  await flush()
  await new Promise<void>((resolve) => window.__labTerminal?.write('', resolve))
}

/** Types a line into the terminal as the keyboard would. */
async function type(line: string): Promise<void> {
  const term = window.__labTerminal!
  for (const ch of line) term.input(ch)
  term.input('\r')
  await settled()
}

async function shell() {
  const fake = createFakeLab()
  const { global } = testGlobals(fake)
  const w = mount(SocketShell, { global, attachTo: document.body })
  const catalog = useCatalogStore()
  const run = useRunStore()
  await catalog.init()
  await settled()
  return { fake, w, catalog, run }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('SocketShell', () => {
  it('prints a run’s trace live, then the final trace, and keeps earlier output', async () => {
    const { fake, w, catalog, run } = await shell()
    await catalog.select('connect.refused')
    await run.run()
    await settled()
    expect(bufferLines().at(-1)).toBe('lab> run connect.refused --backend sim --profile linux')
    fake.push(fake.runId(1), {
      kind: 'event',
      event: { tMs: 0, type: 'state', actor: 'client', from: 'CLOSED', to: 'SYN_SENT' },
    })
    fake.push(fake.runId(1), { kind: 'step', step: REFUSED_STEP })
    await settled()
    expect(bufferLines().some((l) => l.includes('client CLOSED -> SYN_SENT'))).toBe(true)
    fake.push(fake.runId(1), { kind: 'done', result: refusedResult() })
    await settled()
    const final = bufferLines()
    expect(final[0]).toMatch(/^# Socket shell/)
    expect(final.some((l) => /end: client CLOSED, server CLOSED/.test(l))).toBe(true)
    expect(final.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1)
    // The prompt comes back once the run is over.
    expect(final.at(-1)).toBe('client>')
    expect(w.findAll('[data-testid="trace-lines"] li').map((li) => li.text())).toEqual(
      run.traceLines,
    )
    w.unmount()
    expect(window.__labTerminal).toBeUndefined()
  })

  it('shows the trace in Chinese, and again in English when the language changes', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake, 'zh')
    const i18n = global.plugins[1] as ReturnType<typeof createLabI18n>
    const w = mount(SocketShell, { global, attachTo: document.body })
    const catalog = useCatalogStore()
    const run = useRunStore()
    await catalog.init()
    await catalog.select('connect.refused')
    await run.run()
    fake.push(fake.runId(1), { kind: 'done', result: refusedResult() })
    await settled()
    const zh = bufferLines()
    expect(zh[0]).toMatch(/^# 套接字终端与运行跟踪：输入 help/)
    expect(
      zh.some((l) => /客户端 connect\(7002\) +=  ?-1 ECONNREFUSED 111（连接被拒绝）$/.test(l)),
    ).toBe(true)
    expect(zh.some((l) => /结束：客户端 CLOSED，服务端 CLOSED$/.test(l))).toBe(true)
    expect(zh.some((l) => /client|server|end:/.test(l.replace(/^\w+>( .*)?$/, '')))).toBe(false)
    // The screen reader's copy is in the same language.
    expect(w.findAll('[data-testid="trace-lines"] li').at(-1)?.text()).toMatch(/^\[.*\] 结束：/)
    i18n.global.locale.value = 'en'
    await settled()
    const en = bufferLines()
    expect(
      en.some((l) =>
        /client connect\(7002\) +=  ?-1 ECONNREFUSED 111 \(Connection refused\)$/.test(l),
      ),
    ).toBe(true)
    expect(en.some((l) => l.includes('结束'))).toBe(false)
    w.unmount()
  })

  it('turns a command into a step of the session script and runs it on the backend', async () => {
    const { fake, w } = await shell()
    await type('listen 7002')
    expect(fake.requests).toHaveLength(1)
    const script = fake.requests[0]!.script as LabScript
    expect(script.steps).toEqual([{ actor: 'server', op: 'listen', port: 7002 }])
    expect(fake.requests[0]!.backend).toBe('sim')
    fake.push(fake.runId(1), {
      kind: 'done',
      result: refusedResult({
        steps: [
          {
            index: 0,
            actor: 'server',
            op: 'listen',
            startMs: 0,
            endMs: 0,
            outcome: 'returned',
            ret: 0,
          },
        ],
        events: [{ tMs: 0, type: 'syscall', step: 0 }],
      }),
    })
    await settled()
    expect(bufferLines().some((l) => /^client> listen 7002$/.test(l))).toBe(true)
    expect(bufferLines().some((l) => /server listen\(7002\)\s+= 0/.test(l))).toBe(true)
    // The next command happens after what already happened, and re-runs the whole script.
    await type('connect')
    const second = fake.requests[1]!.script as LabScript
    expect(second.steps).toHaveLength(2)
    expect(second.steps[1]).toEqual({ actor: 'client', op: 'connect', port: 7002, at: 10 })
    w.unmount()
  })

  it('answers help and mistakes in the UI language without running anything', async () => {
    const { fake, w } = await shell()
    await type('help send')
    await type('sned 5')
    await type('client listen')
    const lines = bufferLines()
    expect(lines.some((l) => l.includes('send that many bytes'))).toBe(true)
    expect(lines.some((l) => l.includes('Unknown command "sned"'))).toBe(true)
    expect(lines.some((l) => l.includes('"listen" is done by server, not client'))).toBe(true)
    expect(fake.requests).toHaveLength(0)
    w.unmount()
  })

  it('recalls history with Up and completes with Tab', async () => {
    const { w } = await shell()
    await type('use server')
    const term = window.__labTerminal!
    term.input('\x1b[A')
    await settled()
    expect(bufferLines().at(-1)).toBe('server> use server')
    term.input('\x15')
    for (const ch of 'cr') term.input(ch)
    term.input('\t')
    await settled()
    expect(bufferLines().at(-1)).toBe('server> crash')
    w.unmount()
  })
})
