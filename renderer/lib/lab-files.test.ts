import { describe, expect, it } from 'vitest'
import { stepClass } from '../../shared/agreement'
import { scenarioScript } from '../../shared/catalog/index'
import { createFakeLab } from '../testing/fake-lab'
import { cellLook, cellText, compareRows, runColumns, type ColumnResult } from './compare'
import { fileName } from './download'
import { composeSvg, svgSize } from './export'
import { RECORDED } from './fixtures/index'
import { forgetScript, keepScript, listScripts } from './script-library'
import { segmentLabel, splitHeadline } from './segment-label'
import { readTraceDocument, traceDocument } from './trace-file'

const crash = RECORDED['peer.crash-fin']!

describe('trace files', () => {
  it('round-trips a run with its script', () => {
    const script = scenarioScript('peer.crash-fin')!
    const text = JSON.stringify(traceDocument(crash, script, new Date(0)))
    const read = readTraceDocument(text)
    expect(read.ok).toBe(true)
    if (read.ok) {
      expect(read.doc.script?.id).toBe('peer.crash-fin')
      expect(read.doc.result.events).toHaveLength(crash.events.length)
    }
  })

  it('accepts a bare result (socklab run --json) and names what is wrong otherwise', () => {
    expect(readTraceDocument(JSON.stringify(crash)).ok).toBe(true)
    expect(readTraceDocument('{')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not JSON/),
    })
    const bad = { socklabTrace: 1, result: { ...crash, events: [{ type: 'segment', tMs: 0 }] } }
    expect(readTraceDocument(JSON.stringify(bad))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^result\.events\.0\.dir/),
    })
  })
})

describe('kept scripts', () => {
  it('keeps, replaces, lists newest first and forgets', () => {
    localStorage.clear()
    expect(keepScript('a', 'one', localStorage, new Date(1000))).toBeNull()
    expect(keepScript('b', 'two', localStorage, new Date(2000))).toBeNull()
    expect(keepScript('a', 'three', localStorage, new Date(3000))).toBeNull()
    expect(listScripts().map((s) => [s.name, s.text])).toEqual([
      ['a', 'three'],
      ['b', 'two'],
    ])
    forgetScript('a')
    expect(listScripts().map((s) => s.name)).toEqual(['b'])
    expect(keepScript('  ', 'x')).toBe('the name is empty')
    localStorage.setItem('sal.scripts', '{nonsense')
    expect(listScripts()).toEqual([])
  })
})

describe('labels and names', () => {
  it('labels segments like tcpdump, without numbers the capture could not see', () => {
    const seg = crash.events.find((e) => e.type === 'segment' && e.len > 0)!
    if (seg.type !== 'segment') throw new Error('no data segment')
    expect(segmentLabel(seg)).toMatch(/^PSH\|ACK seq=\d+ ack=\d+ len=\d+$/)
    expect(segmentLabel({ ...seg, seqKnown: false })).toMatch(/^PSH\|ACK len=\d+$/)
    expect(splitHeadline('recv(65536, timeout=500ms) = -1 EAGAIN')).toEqual([
      'recv(65536, timeout=500ms)',
      '= -1 EAGAIN',
    ])
    expect(fileName('peer.crash-fin', 'sim', 'linux')).toBe('peer.crash-fin-sim-linux')
    expect(fileName('a b/c')).toBe('a_b_c')
  })
})

describe('compare', () => {
  it('classes calls by the agreement rule and lines them up by step', () => {
    const epipe = crash.steps.find((s) => s.errno === 'EPIPE')!
    expect(cellText(epipe)).toBe('= -1 EPIPE 32')
    expect(cellLook(epipe)).toBe('neg')
    expect(cellText(undefined)).toBe('—')
    const script = scenarioScript('peer.crash-fin')!
    const other = {
      ...crash,
      steps: crash.steps.map((s) => (s === epipe ? { ...s, errno: 'ECONNRESET' } : s)),
    }
    const rows = compareRows(script, { a: crash, b: other, c: undefined })
    expect(rows.filter((r) => r.differs).map((r) => r.index)).toEqual([epipe.index])
    const row = rows.find((r) => r.index === epipe.index)!
    expect(row.classes).toEqual({ a: stepClass(epipe), b: 'returned -1 ECONNRESET' })
    expect(rows.every((r) => r.op !== 'crash' && r.op !== 'sleep')).toBe(true)
  })

  it('runs columns one after another, each to its end, and stops when aborted', async () => {
    const fake = createFakeLab()
    // The first run ends before startRun answers; the second fails after it.
    fake.startRun = async (request) => {
      fake.requests.push(request)
      if (fake.requests.length === 1) fake.push(request.runId, { kind: 'done', result: crash })
      else
        setTimeout(() =>
          fake.push(request.runId, {
            kind: 'failed',
            error: { code: 'unsupported', message: 'no netns' },
          }),
        )
      return { ok: true, value: { runId: request.runId } }
    }
    const got: [string, ColumnResult][] = []
    const columns = [
      { id: 'sim', backend: 'sim' as const, profile: 'linux' as const },
      { id: 'kernel', backend: 'kernel' as const },
    ]
    await runColumns(fake, { scenarioId: 'peer.crash-fin' }, 5000, columns, (id, r) =>
      got.push([id, r]),
    )
    expect(got).toEqual([
      ['sim', { ok: true, result: crash }],
      ['kernel', { ok: false, message: 'no netns' }],
    ])
    expect(fake.requests[0]).toMatchObject({ backend: 'sim', profile: 'linux' })
    expect(fake.requests[1]).not.toHaveProperty('profile')
    const none: string[] = []
    await runColumns(
      fake,
      { scenarioId: 'x' },
      5000,
      columns,
      (id) => none.push(id),
      AbortSignal.abort(),
    )
    expect(none).toEqual([])
    expect(fake.requests).toHaveLength(2)
  })
})
describe('svg export', () => {
  it('composes diagrams into one document with a title and a background', () => {
    const a = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
    a.innerHTML = '<text>CLOSE_WAIT</text>'
    const text = composeSvg(
      [{ svg: a, x: 10, y: 20, width: 100, height: 50 }],
      '#fff',
      'peer.crash-fin',
    )
    expect(text).toMatch(/^<\?xml/)
    expect(text).toContain('<title>peer.crash-fin</title>')
    expect(text).toContain('CLOSE_WAIT')
    expect(svgSize(text)).toEqual({ width: 110, height: 70 })
  })
})
