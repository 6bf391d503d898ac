import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ClassSession } from '../../shared/class/session'
import { setup } from '../../shared/class/session.fixture'
import { ClassPortInUseError, CLOSE, startClassServer, type ClassServer } from './server'
import type { StudentPage } from './student-files'
import { connectStudent, get, type TestStudent } from './test-client'

const PAGE: StudentPage = {
  index: {
    contentType: 'text/html; charset=utf-8',
    body: Buffer.from('<!doctype html><script type="module" src="./assets/s.js"></script>'),
  },
  assets: new Map([
    ['assets/s.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from('1') }],
  ]),
}

let server: ClassServer | undefined
const students: TestStudent[] = []
afterEach(async () => {
  await server?.close()
  server = undefined
  for (const s of students.splice(0)) s.ws.terminate()
})

async function start(
  over: Parameters<typeof setup>[0] = {},
  limits: Parameters<typeof startClassServer>[0]['limits'] = {},
) {
  const session = new ClassSession(setup(over))
  server = await startClassServer({ session, page: PAGE, host: '127.0.0.1', port: 0, limits })
  return { session, port: server.port, code: session.code }
}

async function student(port: number, code: string): Promise<TestStudent> {
  const s = await connectStudent(port, code)
  students.push(s)
  return s
}

describe('class server over HTTP', () => {
  it('serves the page and its files under the code, and nothing else', async () => {
    const { port, code } = await start()
    const page = await get(port, `/${code}/`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('./assets/s.js')
    expect(page.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${port}`,
    )
    expect(page.headers['access-control-allow-origin']).toBeUndefined()
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect((await get(port, `/${code.toLowerCase()}/`)).status).toBe(200)
    expect((await get(port, `/${code}/assets/s.js`)).body).toBe('1')
    expect((await get(port, `/${code}/`, 'HEAD')).status).toBe(200)
    const typed = await get(port, `/${code}`)
    expect([typed.status, typed.headers.location]).toEqual([302, `/${code}/`])
    for (const path of [
      '/',
      '/index.html',
      '/assets/s.js',
      '/lab',
      '/api/packs',
      '/?t=x',
      '/ABC235/',
      `/${code}/index.html`,
      `/${code}/student.html`,
      `/${code}/assets/`,
      `/${code}/assets/../s.js`,
      `/${code}/assets/..%2f..%2fpackage.json`,
      `/${code}/lab`,
      `/${code}/ws`,
      `/x/${code}/`,
    ]) {
      const answer = await get(port, path)
      expect([path, answer.status, answer.body]).toEqual([path, 404, 'Not found'])
    }
    expect((await get(port, `/${code}/`, 'POST')).status).toBe(405)
    expect((await get(port, '/', 'POST')).status).toBe(404)
  })

  it('answers 429 to an address that keeps guessing codes', async () => {
    const { port, code } = await start({}, { badCodesPerMinute: 3 })
    for (let i = 0; i < 3; i++) expect((await get(port, '/ZZZZZZ/')).status).toBe(404)
    expect((await get(port, '/ZZZZZZ/')).status).toBe(429)
    expect((await get(port, `/${code}/`)).status).toBe(429)
  })

  it('says so when the port is taken', async () => {
    const other = createServer()
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    const taken = (other.address() as { port: number }).port
    const session = new ClassSession(setup())
    await expect(
      startClassServer({ session, page: PAGE, host: '127.0.0.1', port: taken }),
    ).rejects.toThrow(ClassPortInUseError)
    await new Promise((r) => other.close(r))
  })
})

describe('the answers channel', () => {
  it('refuses a socket without the code, from another page, or at another path', async () => {
    const { port, code } = await start()
    await expect(connectStudent(port, 'ZZZZZZ')).rejects.toThrow('404')
    await expect(connectStudent(port, code, 'http://evil.example')).rejects.toThrow('403')
    await expect(connectStudent(port, `${code}/assets`)).rejects.toThrow('404')
  })

  it('joins, answers, refuses what is not a valid message, and rejoins with the token', async () => {
    const { port, code, session } = await start()
    const ann = await student(port, code)
    ann.send({ v: 1, type: 'answer', questionId: 'x', response: ['y'] })
    expect(await ann.next('refused')).toMatchObject({ reason: 'not-joined' })
    ann.send('not json')
    ann.send({ v: 1, type: 'join', name: 'Ann', lang: 'en' })
    const welcome = await ann.next('welcome')
    expect(welcome).toMatchObject({ name: 'Ann', total: 3, rejoined: false })
    expect(await ann.next('view')).toMatchObject({ pacing: 'self', answers: [] })
    const from = ann.messages.length
    ann.send({
      v: 1,
      type: 'answer',
      questionId: session.status(NET, EXTRA).questions[0]!.id,
      response: ['zero'],
    })
    expect(await ann.next('ack', from)).toMatchObject({
      answer: { response: ['zero'], feedback: { correct: false } },
    })

    // Another page with the same name and no token is refused; with the token it is Ann.
    const imposter = await student(port, code)
    imposter.send({ v: 1, type: 'join', name: 'ann', lang: 'en' })
    expect(await imposter.next('refused')).toMatchObject({ reason: 'name-taken' })
    const again = await student(port, code)
    again.send({ v: 1, type: 'join', name: 'Ann', lang: 'zh', token: welcome.token })
    expect(await again.next('welcome')).toMatchObject({ rejoined: true })
    expect(await again.next('view')).toMatchObject({ answers: [{ response: ['zero'] }] })
    // The old page is told it was replaced.
    expect(await ann.closed).toMatchObject({ code: CLOSE.replaced })
    expect(session.status(NET, EXTRA).students).toEqual([
      { name: 'Ann', connected: true, lang: 'zh', answered: 1, correct: 0 },
    ])
    expect([...ann.invalid, ...again.invalid]).toEqual([])
  })

  it('closes a socket that sends too much, too fast, or never joins', async () => {
    const { port, code } = await start({}, { burst: 3, perSecond: 1, joinTimeoutMs: 300 })
    const big = await student(port, code)
    big.send('x'.repeat(5000))
    expect((await big.closed).code).toBe(1009)
    const fast = await student(port, code)
    for (let i = 0; i < 6; i++) fast.send({ v: 1, type: 'lang', lang: 'en' })
    expect((await fast.closed).code).toBe(CLOSE.tooFast)
    const idle = await student(port, code)
    expect((await idle.closed).code).toBe(CLOSE.noJoin)
  })

  it('teacher-paced: sends the new question to everyone when the teacher moves on', async () => {
    const { port, code, session } = await start({ pacing: 'teacher' })
    const ann = await student(port, code)
    ann.send({ v: 1, type: 'join', name: 'Ann', lang: 'en' })
    expect(await ann.next('view')).toMatchObject({ current: null, questions: [] })
    const from = ann.messages.length
    session.goto(1)
    server!.broadcast()
    expect(await ann.next('view', from)).toMatchObject({ current: 1, questions: [{ index: 1 }] })
  })

  it('ends the class: every student hears "ended", then the close, then nothing listens', async () => {
    const { port, code } = await start()
    const all = await Promise.all(Array.from({ length: 5 }, () => student(port, code)))
    all.forEach((s, i) => s.send({ v: 1, type: 'join', name: `S${i}`, lang: 'en' }))
    await Promise.all(all.map((s) => s.next('view')))
    const unjoined = await student(port, code)
    await server!.close()
    for (const s of all) {
      expect(await s.next('ended')).toMatchObject({ type: 'ended' })
      expect(await s.closed).toEqual({ code: CLOSE.ended, reason: 'class ended' })
    }
    expect((await unjoined.closed).code).toBe(CLOSE.ended)
    await expect(get(port, `/${code}/`)).rejects.toThrow(/ECONNREFUSED/)
  })
})

const NET = { host: '127.0.0.1', port: 1, urls: [], room: false }
const EXTRA = { skipped: [], saved: { students: 0 } }
