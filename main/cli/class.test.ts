import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { connectStudent, get, twoOptionPack } from '../class/test-client'
import { QuizStore } from '../store/quiz-store'
import { parseClassArgs, runClassCli } from './class'

const PACK = twoOptionPack('cli-class', 'CLI class', ['a', 'b'])

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-class-cli-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'renderer'))
  writeFileSync(join(dir, 'renderer', 'student.html'), '<!doctype html><p>student page')
  writeFileSync(join(dir, 'pack.yaml'), PACK)
  return dir
}

/** Collects output and resolves when a line matches. */
function capture() {
  const out: string[] = []
  const err: string[] = []
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = []
  const io = {
    out: (t: string) => {
      out.push(t)
      for (const w of [...waiters]) {
        const m = w.re.exec(out.join('\n'))
        if (m) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(m)
        }
      }
    },
    err: (t: string) => void err.push(t),
  }
  const wait = (re: RegExp, ms = 10_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const m = re.exec(out.join('\n'))
      if (m) return resolve(m)
      waiters.push({ re, resolve })
      setTimeout(
        () => reject(new Error(`no ${re} within ${ms} ms:\n${out.join('\n')}\n${err.join('\n')}`)),
        ms,
      )
    })
  return { io, out, err, wait }
}

describe('socklab class serve', () => {
  it('reads its options and refuses bad ones by name', () => {
    expect(parseClassArgs(['serve', 'p.yaml'])).toMatchObject({
      pack: 'p.yaml',
      port: 47200,
      network: { network: 'local' },
      pacing: 'self',
    })
    expect(parseClassArgs(['serve', 'p.yaml', '--host', '0.0.0.0', '--paced'])).toMatchObject({
      network: { network: 'room' },
      pacing: 'teacher',
    })
    expect(parseClassArgs(['serve', 'p.yaml', '--host', '10.0.0.5'])).toMatchObject({
      network: { network: 'room', address: '10.0.0.5' },
    })
    expect(parseClassArgs(['serve'])).toMatch(/Name the pack file/)
    expect(parseClassArgs(['serve', 'p', '--port', '70000'])).toMatch(/--port/)
    expect(parseClassArgs(['serve', 'p', '--host', 'example.com'])).toMatch(/--host/)
    expect(parseClassArgs(['serve', 'p', '--feedback', 'later'])).toMatch(/--feedback/)
    expect(parseClassArgs(['start', 'p'])).toMatch(/Unknown class command/)
  })

  it('serves a pack, prints the join URL and counts, takes keys, saves results, ends on "e"', async () => {
    const dir = workspace()
    const input = new PassThrough()
    const { io, wait, err } = capture()
    const done = runClassCli(['serve', join(dir, 'pack.yaml'), '--port', '0', '--paced'], io, {
      input,
      dataDir: join(dir, 'data'),
      rendererDir: join(dir, 'renderer'),
      signal: new AbortController().signal,
    })
    const [, url, port, code] = await wait(
      /Students open: (http:\/\/127\.0\.0\.1:(\d+)\/([A-Z0-9]{6}))/,
    )
    expect(url).toBeDefined()
    await wait(/Only this computer can join/)
    await wait(/█/)
    expect((await get(Number(port), `/${code}/`)).body).toContain('student page')
    expect((await get(Number(port), '/')).status).toBe(404)

    const s = await connectStudent(Number(port), code!)
    s.send({ v: 1, type: 'join', name: 'Zoë', lang: 'en' })
    await s.next('view')
    input.write('n\n')
    await wait(/question 1\/2/)
    s.send({ v: 1, type: 'answer', questionId: 'custom:cli-class:q1', response: ['a'] })
    await s.next('ack')
    await wait(/1 joined \(1 connected\) · 1 answers · question 1\/2 · 1 saved/)
    input.write('x\n')
    input.write('e\n')
    expect(await done).toBe(0)
    expect(err).toContain('Unknown key "x": n, p, r, s, t or e.')
    await wait(
      /Class [A-Z0-9]{6} ended: 1 student, 1 answer; results of 1 student in the gradebook/,
    )
    expect((await s.closed).code).toBe(4000)
    const store = QuizStore.open(join(dir, 'data'))
    expect(store.listResults().map((r) => [r.student, r.classCode, r.score])).toEqual([
      ['Zoë', code, 1],
    ])
    store.close()
  })

  it('says what is wrong with the pack or a missing student page', async () => {
    const dir = workspace()
    writeFileSync(join(dir, 'bad.yaml'), PACK.replace('answer: a', 'answer: z'))
    const bad = capture()
    expect(await runClassCli(['serve', join(dir, 'bad.yaml')], bad.io)).toBe(2)
    expect(bad.err.join('\n')).toMatch(/bad\.yaml:\d+:\d+ questions\.0\.answer/)
    const nopage = capture()
    expect(
      await runClassCli(['serve', join(dir, 'pack.yaml')], nopage.io, {
        rendererDir: join(dir, 'nowhere'),
      }),
    ).toBe(3)
    expect(nopage.err.join('\n')).toMatch(/npm run build/)
  })
})
