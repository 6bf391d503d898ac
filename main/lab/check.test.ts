import { describe, expect, it } from 'vitest'
import type { LabResult } from '../../shared/lab-result'
import { parseLabScript } from '../../shared/lab-script'
import type { Backend } from '../backend/backend'
import { simBackend } from '../sim/index'
import { checkScript, LATE_MS, LATE_RETRIES } from './check'

const parsed = parseLabScript({
  labScript: 1,
  limitMs: 1000,
  steps: [
    { actor: 'server', op: 'listen', port: 7001 },
    { actor: 'client', op: 'connect', port: 7001, at: 10 },
  ],
})
if (!parsed.ok) throw new Error(parsed.message)
const script = parsed.script

/** A "kernel" that is the simulator, answering ECONNREFUSED and late, or right and on time. */
function kernel(answers: ('late-wrong' | 'right' | 'wrong')[]): Backend & { runs: number } {
  const k = {
    id: 'kernel' as const,
    runs: 0,
    unsupported: async () => null,
    async run(s: typeof script, c: Parameters<Backend['run']>[1]): Promise<LabResult> {
      const r = await simBackend.run(s, c)
      const how = answers[Math.min(k.runs++, answers.length - 1)]!
      const steps =
        how === 'right' ? r.steps : r.steps.map((x) => ({ ...x, ret: -1, errno: 'ECONNREFUSED' }))
      const lateMs = how === 'late-wrong' ? LATE_MS + 100 : 1
      return {
        ...r,
        backend: 'kernel',
        steps,
        host: { platform: 'linux', release: 't', isolation: 'netns', lateMs },
      }
    },
  }
  return k
}

describe('checkScript', () => {
  it('runs a late, disagreeing kernel run again and keeps the last answer', async () => {
    const k = kernel(['late-wrong', 'right'])
    const r = await checkScript(script, { kernel: k, sim: simBackend })
    expect(r.ok && r.differences).toEqual([])
    expect(r.ok && r.reruns).toBe(1)
    expect(k.runs).toBe(2)
  })

  it('does not repeat a disagreement that came on time: that is evidence', async () => {
    const k = kernel(['wrong', 'right'])
    const r = await checkScript(script, { kernel: k, sim: simBackend })
    expect(r.ok && r.differences.length).toBeGreaterThan(0)
    expect(k.runs).toBe(1)
  })

  it('gives up after the retries and reports the disagreement', async () => {
    const k = kernel(['late-wrong'])
    const r = await checkScript(script, { kernel: k, sim: simBackend })
    expect(r.ok && r.differences.length).toBeGreaterThan(0)
    expect(k.runs).toBe(LATE_RETRIES + 1)
  })
})
