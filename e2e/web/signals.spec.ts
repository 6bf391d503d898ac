// A signal in the middle of a kernel run (issue 12): SIGINT, SIGTERM or SIGHUP to the CLI or to
// browser mode ends the run, cleans up everything the kernel lab started (its programs, the
// hub, and with them the run's network namespace, which lives only while they do) within a
// second, says the run was cancelled, and exits with 128 + the signal's number. Runs the built
// bundles (out/main/cli.js, out/main/web.js); skipped where the kernel lab cannot run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import WebSocket from 'ws'
import { leftovers } from '../../main/kernel/test-util'

const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const
type Sig = keyof typeof CODES

const doctor = spawnSync('node', ['out/main/cli.js', 'doctor', '--json'], { encoding: 'utf8' })
const kernel = (() => {
  try {
    return (JSON.parse(doctor.stdout) as { available: boolean; detail: string }).available
  } catch {
    return false
  }
})()

/** Listening TCP ports of this machine's loopback (the runs' own are in their namespace). */
function listening(): number[] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A')
    .map((f) => Number.parseInt(f[1]!.split(':')[1]!, 16))
    .sort()
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

function output(child: ChildProcess): { out: string; err: string } {
  const text = { out: '', err: '' }
  child.stdout?.on('data', (d: Buffer) => (text.out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (text.err += d.toString()))
  return text
}

/** Sends the signal once a run's processes are up, then checks exit, message and cleanup. */
async function interrupt(
  child: ChildProcess,
  sig: Sig,
  text: { out: string; err: string },
  ownPort?: number,
) {
  const pid = child.pid!
  await until('the kernel run to start', () => leftovers(pid).length > 0, 15_000)
  await new Promise((r) => setTimeout(r, 300))
  const before = listening()
  const done = exited(child)
  child.kill(sig)
  const sent = Date.now()
  const { code } = await done
  expect(code, `${sig}: ${text.err}`).toBe(CODES[sig])
  await until('everything the run started to be gone', () => leftovers(pid).length === 0, 1000)
  expect(Date.now() - sent).toBeLessThan(3000)
  // Nothing left listening but what was there before (browser mode's own port closes too).
  expect(listening()).toEqual(before.filter((p) => p !== ownPort))
  return text
}

test.describe('a signal mid-run cleans up and says so', () => {
  test.skip(!kernel, 'the kernel lab cannot run on this host (socklab doctor says why)')

  for (const sig of Object.keys(CODES) as Sig[]) {
    test(`the CLI: ${sig}`, async () => {
      const child = spawn(
        'node',
        ['out/main/cli.js', 'run', 'connect.timeout', '--backend', 'kernel'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      const text = await interrupt(child, sig, output(child))
      expect(text.err).toMatch(/^Cancelled by .*the run was stopped before it ended/m)
      expect(text.out).toBe('')
    })

    test(`browser mode: ${sig}`, async () => {
      const token = 'signal-test-token-0123456789'
      const child = spawn('node', ['out/main/web.js', '--port', '0', '--no-open'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SOCKLAB_WEB_TOKEN: token },
      })
      const text = output(child)
      await until('browser mode to print its URL', () => /running at http/.test(text.out), 15_000)
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(text.out)![1])
      const ws = new WebSocket(`ws://127.0.0.1:${port}/lab?t=${token}`, {
        headers: { Origin: `http://127.0.0.1:${port}` },
      })
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))))
      ws.send(
        JSON.stringify({
          type: 'call',
          id: 1,
          name: 'startRun',
          args: [{ runId: `signal-${sig}-run`, scenarioId: 'connect.timeout', backend: 'kernel' }],
        }),
      )
      expect(JSON.parse(await reply)).toMatchObject({ type: 'reply', id: 1, result: { ok: true } })
      await interrupt(child, sig, text, port)
      expect(text.out).toContain(`Browser mode stopped by ${sig}: 1 run cancelled and cleaned up.`)
      ws.terminate()
    })
  }
})
