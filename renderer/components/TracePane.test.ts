import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { useLabStore } from '../stores/lab'
import { createFakeLab, flush, REFUSED_STEP, refusedResult, testGlobals } from '../testing/fake-lab'
import TracePane from './TracePane.vue'

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
    if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text
    else lines.push(text)
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** xterm parses writes asynchronously; wait until it has caught up. */
async function settled(): Promise<void> {
  await flush()
  await new Promise<void>((resolve) => window.__labTerminal?.write('', resolve))
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('TracePane', () => {
  it('prints the trace live, then the final trace with the end states', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(TracePane, { global, attachTo: document.body })
    const lab = useLabStore()
    await lab.init()
    await lab.select('connect.refused')
    await lab.run()
    await settled()
    expect(bufferLines()).toEqual(['lab> run connect.refused --backend sim --profile linux'])
    fake.push('run-1', {
      kind: 'event',
      event: { tMs: 0, type: 'state', actor: 'client', from: 'CLOSED', to: 'SYN_SENT' },
    })
    fake.push('run-1', { kind: 'step', step: REFUSED_STEP })
    await settled()
    const live = bufferLines()
    expect(live).toHaveLength(3)
    expect(live[1]).toContain('client CLOSED -> SYN_SENT')
    expect(live[2]).toMatch(/client connect\(7002\)\s+= -1 ECONNREFUSED 111 \(Connection refused\)/)
    fake.push('run-1', { kind: 'done', result: refusedResult() })
    await settled()
    const final = bufferLines()
    expect(final[0]).toBe('lab> run connect.refused --backend sim --profile linux')
    expect(final.at(-1)).toMatch(/end: client CLOSED, server CLOSED/)
    expect(final.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1)
    // The same lines exist as text for screen readers.
    expect(w.findAll('[data-testid="trace-lines"] li').map((li) => li.text())).toEqual(
      lab.traceLines,
    )
    w.unmount()
    expect(window.__labTerminal).toBeUndefined()
  })

  it('starts over for a new run', async () => {
    const fake = createFakeLab()
    const { global } = testGlobals(fake)
    const w = mount(TracePane, { global, attachTo: document.body })
    const lab = useLabStore()
    await lab.init()
    await lab.select('connect.refused')
    await lab.run()
    fake.push('run-1', { kind: 'done', result: refusedResult() })
    lab.setBackend('kernel')
    await lab.run()
    await settled()
    expect(bufferLines()).toEqual(['lab> run connect.refused --backend kernel'])
    w.unmount()
  })
})
