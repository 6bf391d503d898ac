import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { connectStudent, twoOptionPack } from '../class/test-client'
import { createClassCalls, type ClassService } from './class-service'
import { simulatorProof } from './quiz-proof'
import { createQuizCalls, type QuizService } from './quiz-service'

const PACK = twoOptionPack('p1', 'P1', ['a'])

const dirs: string[] = []
let quiz: QuizService | undefined
let live: ClassService | undefined
afterEach(async () => {
  await live?.dispose()
  quiz?.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function setup(withPage = true) {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-class-service-'))
  dirs.push(dir)
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  if (withPage) writeFileSync(join(rendererDir, 'student.html'), '<!doctype html><p>student')
  quiz = createQuizCalls({ dataDir: join(dir, 'data') })
  live = createClassCalls({ quiz, rendererDir, proof: simulatorProof })
  expect((await quiz.calls.packImport({ name: 'p1.yaml', text: PACK })).ok).toBe(true)
  return { quiz, calls: live.calls }
}

const START = {
  packId: 'p1',
  pacing: 'teacher',
  feedback: 'reveal',
  network: 'local',
  port: 0,
} as const

describe('live class calls', () => {
  it('start one class at a time, drive it, see answers in the gradebook, end it', async () => {
    const { calls, quiz } = await setup()
    expect(await calls.classStatus()).toEqual({ ok: true, value: null })
    const started = await calls.classStart(START)
    if (!started.ok) throw new Error(started.error.message)
    const { code, network } = started.value
    expect(network.urls).toEqual([`http://127.0.0.1:${network.port}/${code}`])
    expect(await calls.classStart(START)).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining(code) },
    })
    expect(await calls.classControl({ kind: 'goto', index: 0 })).toMatchObject({
      ok: true,
      value: { current: 0 },
    })
    const s = await connectStudent(network.port, code)
    s.send({ v: 1, type: 'join', name: 'Ann', lang: 'en' })
    await s.next('view')
    s.send({ v: 1, type: 'answer', questionId: 'custom:p1:q1', response: ['b'] })
    await s.next('ack')
    await expect
      .poll(async () => {
        const book = await quiz.calls.classGradebook()
        return book.ok ? book.value.gradebook.students.map((x) => [x.student, x.score]) : []
      })
      .toEqual([['Ann', 0]])
    const ended = await calls.classEnd()
    expect(ended).toMatchObject({ ok: true, value: { ended: true, saved: { students: 1 } } })
    expect((await s.closed).code).toBe(4000)
    expect(await calls.classStatus()).toEqual({ ok: true, value: null })
    expect(await calls.classControl({ kind: 'goto', index: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  })

  it('answers a taken port, an unknown pack and a missing page as data', async () => {
    const { calls } = await setup()
    const other = createServer()
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    const port = (other.address() as { port: number }).port
    try {
      expect(await calls.classStart({ ...START, port })).toMatchObject({
        ok: false,
        error: { code: 'bad-input', message: expect.stringContaining(`Port ${port}`) },
      })
    } finally {
      await new Promise((r) => other.close(r))
    }
    expect(await calls.classStart({ ...START, packId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    await live?.dispose()
    quiz?.close()
    const bare = await setup(false)
    expect(await bare.calls.classStart(START)).toMatchObject({
      ok: false,
      error: { code: 'unsupported', message: expect.stringContaining('npm run build') },
    })
  })
})
