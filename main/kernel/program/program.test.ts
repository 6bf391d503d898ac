// A student's program as the client or the server of a kernel run: its socket calls, exit
// status and output in the result, beside the scripted actor's steps and the states.
import { describe, expect, it } from 'vitest'
import { scenarioScript } from '../../../shared/catalog/index'
import { PYTHON, programsUnavailable, pythonFile, runProgram } from './test-programs'

const why = await programsUnavailable()
if (why) console.log(`program runs skipped: ${why}`)

const CLIENT = pythonFile(
  'client.py',
  `import os, socket, sys
assert os.environ["SOCKLAB_HOST"] == sys.argv[1] and os.environ["SOCKLAB_PORT"] == sys.argv[2]
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
try:
    print("got", s.recv(100))
except OSError as e:
    print("recv failed:", e.strerror)
    sys.exit(3)
`,
)

const SERVER = pythonFile(
  'server.py',
  `import socket, sys
l = socket.socket()
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen()
c, peer = l.accept()
print("accepted")
c.close()
`,
)

describe.skipIf(why !== null)('a program as an actor of a kernel run', () => {
  it('as the client of peer.crash-rst: its recv() sees ECONNRESET, its status and output are kept', async () => {
    const r = await runProgram(scenarioScript('peer.crash-rst')!, 'client', [
      PYTHON!,
      CLIENT,
      '{host}',
      '{port}',
    ])
    const p = r.program!
    expect(p.command.slice(2)).toEqual(['127.0.0.1', '7016'])
    expect(p.exitCode).toBe(3)
    expect(p.stdout).toContain('recv failed: Connection reset by peer')
    expect(p.calls.map((c) => c.op)).toEqual(['socket', 'connect', 'recv', 'close'])
    const recv = p.calls.find((c) => c.op === 'recv')!
    expect(recv).toMatchObject({ ret: -1, errno: 'ECONNRESET', errnoNumber: 104, actor: 'client' })
    // On the run's clock: after the server's crash started, before the run ended.
    const crash = r.steps.find((s) => s.op === 'crash')!
    expect(crash.outcome).toBe('returned')
    expect(recv.endMs).toBeGreaterThan(crash.startMs)
    expect(recv.endMs).toBeLessThanOrEqual(r.durationMs)
    // The script's client steps are not run; the server's are, and the wire shows the RST.
    expect(r.steps.every((s) => s.actor !== 'client')).toBe(true)
    expect(r.events.some((e) => e.type === 'segment' && e.flags.includes('RST'))).toBe(true)
    expect(
      r.events.some((e) => e.type === 'state' && e.actor === 'client' && e.to === 'ESTABLISHED'),
    ).toBe(true)
    expect(r.final).toEqual({ client: 'CLOSED', server: 'CLOSED' })
  })

  it('as the server of connect.ok: it listens before the script connects, and accepts it', async () => {
    const r = await runProgram(scenarioScript('connect.ok')!, 'server', [
      PYTHON!,
      SERVER,
      '{host}',
      '{port}',
    ])
    const p = r.program!
    expect(p.exitCode).toBe(0)
    expect(p.stdout).toBe('accepted\n')
    expect(p.calls.map((c) => c.op)).toEqual([
      'socket',
      'bind',
      'listen',
      'accept',
      'close',
      'close',
    ])
    expect(p.calls.find((c) => c.op === 'bind')!.detail).toBe('127.0.0.1:7001')
    const connect = r.steps.find((s) => s.op === 'connect')!
    expect(connect).toMatchObject({ actor: 'client', outcome: 'returned', ret: 0 })
    expect(p.startMs).toBeLessThan(0)
  })

  it('gets only stdin, stdout and stderr: no descriptor of the lab or of strace', async () => {
    const file = pythonFile(
      'fds.py',
      `import os
open_fds = []
for fd in range(3, 1024):
    try:
        os.fstat(fd)
        open_fds.append(fd)
    except OSError:
        pass
print(open_fds, os.environ.get("SOCKLAB_ROLE"))
`,
    )
    const r = await runProgram(scenarioScript('connect.refused')!, 'client', [PYTHON!, file])
    expect(r.program!.stdout).toBe('[] client\n')
  })

  it('a command that does not exist ends with status 127 and says so', async () => {
    const r = await runProgram(scenarioScript('connect.ok')!, 'client', ['/nonexistent/prog'], 1000)
    expect(r.program!.exitCode).toBe(127)
    expect(r.program!.stderr).toContain('cannot run /nonexistent/prog')
    expect(r.program!.calls).toEqual([])
  })
})
