import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildGradebook } from '../../shared/quiz/gradebook'
import { parsePack } from '../../shared/quiz/pack'
import { QuizStore } from '../store/quiz-store'
import { LiveClassError, startLiveClass, type LiveClass } from './live-class'
import type { StudentPage } from './student-files'
import { connectStudent, type TestStudent } from './test-client'

const PACK = `pack: 1
id: week3
title: { en: Week 3, zh: 第三周 }
seed: 42
generate: { count: 2, types: [cause-to-result] }
questions:
  - id: epipe
    topic: close
    caseId: peer.crash-rst
    prompt: { en: Which errno comes with SIGPIPE?, zh: 哪个 errno 伴随 SIGPIPE？ }
    options:
      - { id: epipe, text: { en: EPIPE, zh: EPIPE } }
      - { id: econnreset, text: { en: ECONNRESET, zh: ECONNRESET } }
    answer: epipe
    explanation: { en: Writing to a reset connection., zh: 向已重置的连接写数据。 }
labs:
  - id: refused
    topic: rst
    step: 0
    script:
      labScript: 1
      steps:
        - { actor: client, op: connect, port: 7002 }
`

const PAGE: StudentPage = {
  index: { contentType: 'text/html', body: Buffer.from('<!doctype html>') },
  assets: new Map(),
}

const dirs: string[] = []
let live: LiveClass | undefined
const sockets: TestStudent[] = []
afterEach(async () => {
  await live?.end()
  live = undefined
  for (const s of sockets.splice(0)) s.ws.terminate()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function pack() {
  const parsed = parsePack(PACK)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.pack
}

describe('a live class', () => {
  it('grades predictions by the simulator, keeps results in the store as they come, and ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-live-'))
    dirs.push(dir)
    const store = QuizStore.open(dir)
    try {
      live = await startLiveClass({
        pack: pack(),
        pacing: 'self',
        feedback: 'immediate',
        network: { network: 'local' },
        port: 0,
        page: PAGE,
        saveDelayMs: 20,
        save: async (files) => void store.saveLiveResults(files, new Date().toISOString()),
      })
      const status = live.status()
      expect(status.network).toMatchObject({ host: '127.0.0.1', room: false })
      expect(status.network.urls).toEqual([`http://127.0.0.1:${status.network.port}/${live.code}`])
      expect(status.questions.map((q) => q.id.split(':')[0])).toEqual([
        'custom',
        'predict-run',
        'cause-to-result',
        'cause-to-result',
      ])
      const predict = status.questions[1]!
      expect(predict.answer).toEqual(['error:ECONNREFUSED'])

      const ann = await connectStudent(status.network.port, live.code)
      sockets.push(ann)
      ann.send({ v: 1, type: 'join', name: '李雷', lang: 'zh' })
      const view = await ann.next('view')
      // The predict question shows its case's steps, and no question carries its answer.
      expect(view.questions[1]?.steps?.[0]).toMatchObject({ actor: 'client', predicted: true })
      expect(JSON.stringify(view)).not.toContain('"answer"')
      const wrong = predict.options.find((o) => o.id !== 'error:ECONNREFUSED')!.id
      ann.send({ v: 1, type: 'answer', questionId: predict.id, response: [wrong] })
      const ack = await ann.next('ack')
      expect(ack.answer.feedback).toMatchObject({
        correct: false,
        expected: ['error:ECONNREFUSED'],
      })
      expect(ack.answer.feedback?.run).toContain('ECONNREFUSED')
      ann.send({ v: 1, type: 'answer', questionId: status.questions[0]!.id, response: ['epipe'] })
      await ann.next('ack', ann.messages.indexOf(ack) + 1)

      // In the gradebook within a fraction of a second, before the class ends.
      await expect
        .poll(() => store.listResults()[0]?.answers.length ?? 0, { timeout: 3000 })
        .toBe(2)
      const book = buildGradebook(store.listResults())
      expect(book.students).toMatchObject([
        { classCode: live.code, student: '李雷', packId: 'week3', score: 1, total: 2 },
      ])
      const now = live.status()
      expect(now.saved).toEqual({ students: 1 })
      const row = now.heatmap.find((r) => r.key === `question:${predict.id}`)
      expect(row?.cells).toMatchObject([{ response: [wrong], count: 1 }])

      const ended = await live.end()
      live = undefined
      expect(ended.ended).toBe(true)
      expect(await ann.closed).toMatchObject({ code: 4000 })
    } finally {
      store.close()
    }
  })

  it('keeps going when a save fails, says why, and saves later', async () => {
    let fail = true
    const kept: string[] = []
    live = await startLiveClass({
      pack: pack(),
      pacing: 'teacher',
      feedback: 'reveal',
      network: { network: 'local' },
      port: 0,
      page: PAGE,
      saveDelayMs: 20,
      save: async (files) => {
        if (fail) throw new Error('disk full')
        kept.push(...files.map((f) => f.student))
      },
    })
    const { port } = live.status().network
    const bob = await connectStudent(port, live.code)
    sockets.push(bob)
    bob.send({ v: 1, type: 'join', name: 'Bob', lang: 'en' })
    await bob.next('view')
    live.control({ kind: 'goto', index: 0 })
    const q = live.status().questions[0]!
    bob.send({ v: 1, type: 'answer', questionId: q.id, response: ['epipe'] })
    const ack = await bob.next('ack')
    expect(ack.answer.feedback).toBeUndefined()
    await expect.poll(() => live!.status().saved.error, { timeout: 3000 }).toBe('disk full')
    fail = false
    await expect.poll(() => kept, { timeout: 3000 }).toEqual(['Bob'])
    const from = bob.messages.length
    live.control({ kind: 'reveal', which: 'current' })
    const view = await bob.next('view', from)
    expect(view.answers[0]?.feedback).toMatchObject({ correct: true })
  })

  it('refuses an address that is not this computer’s', async () => {
    await expect(
      startLiveClass({
        pack: pack(),
        pacing: 'self',
        feedback: 'immediate',
        network: { network: 'room', address: '203.0.113.9' },
        port: 0,
        page: PAGE,
        save: async () => undefined,
        addresses: [],
      }),
    ).rejects.toThrow(LiveClassError)
  })
})
