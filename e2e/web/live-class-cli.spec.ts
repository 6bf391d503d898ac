/**
 * `socklab class serve` as a real process (the built CLI, issue 15): it prints the join URL at
 * 127.0.0.1, serves only the class, and SIGTERM ends the class cleanly (every student told,
 * results saved, exit 0).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { connectStudent, get, twoOptionPack } from '../../main/class/test-client'

const PACK = twoOptionPack('cli-live', 'CLI live', ['a'])

test('class serve runs a class until SIGTERM, then ends it cleanly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-e2e-class-cli-'))
  try {
    writeFileSync(join(dir, 'pack.yaml'), PACK)
    const child = spawn(
      process.execPath,
      ['out/main/cli.js', 'class', 'serve', join(dir, 'pack.yaml'), '--port', '0'],
      {
        env: { ...process.env, SOCKLAB_DATA_DIR: join(dir, 'data') },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    await expect
      .poll(() => /Students open: http:\/\/127\.0\.0\.1:\d+\/[A-Z0-9]{6}/.test(out), {
        timeout: 20_000,
      })
      .toBe(true)
    const [, port, code] = /127\.0\.0\.1:(\d+)\/([A-Z0-9]{6})/.exec(out)!
    expect((await get(Number(port), `/${code}/`)).status).toBe(200)
    expect((await get(Number(port), '/')).status).toBe(404)
    const s = await connectStudent(Number(port), code!)
    s.send({ v: 1, type: 'join', name: 'Ann', lang: 'en' })
    await s.next('view')
    s.send({ v: 1, type: 'answer', questionId: 'custom:cli-live:q1', response: ['a'] })
    await s.next('ack')
    child.kill('SIGTERM')
    expect(await s.closed).toMatchObject({ code: 4000 })
    expect(await exited).toBe(0)
    expect(out).toMatch(
      /Class [A-Z0-9]{6} ended by SIGTERM: 1 student, 1 answer; results of 1 student in the gradebook/,
    )
    await expect(get(Number(port), `/${code}/`)).rejects.toThrow(/ECONNREFUSED/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
