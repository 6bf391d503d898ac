import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startTimeOf, StoreBusyError, takeOwnership } from './owner-lock'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-owner-'))
  dirs.push(dir)
  return join(dir, 'socklab.db')
}

describe('takeOwnership', () => {
  it('records this process and its start time, and gives the file back on release', () => {
    const file = dbFile()
    const release = takeOwnership(file)
    const start = startTimeOf(process.pid)
    expect(start).toMatch(/^\d+$/)
    expect(readFileSync(`${file}.owner`, 'utf8')).toBe(`${process.pid} ${start}\n`)
    release()
    expect(existsSync(`${file}.owner`)).toBe(false)
  })

  it('clears the lock directory a killed owner left behind', () => {
    const file = dbFile()
    mkdirSync(`${file}.lock`)
    writeFileSync(`${file}.owner`, '2147483646\n') // no such process
    const release = takeOwnership(file)
    expect(existsSync(`${file}.lock`)).toBe(false)
    release()
  })

  it('refuses, naming the pid, while another live process owns the file', async () => {
    const file = dbFile()
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], {
      stdio: 'ignore',
    })
    try {
      writeFileSync(`${file}.owner`, `${other.pid}\n`)
      mkdirSync(`${file}.lock`)
      expect(() => takeOwnership(file)).toThrow(StoreBusyError)
      expect(() => takeOwnership(file)).toThrow(String(other.pid))
      // Nothing of the owner's was touched.
      expect(existsSync(`${file}.lock`)).toBe(true)
    } finally {
      other.kill('SIGKILL')
    }
  })

  it('takes over from a pid that now belongs to another process (PID reuse)', async () => {
    const file = dbFile()
    const other = sleeper()
    try {
      const start = await startOfChild(other.pid!)
      // The recorded owner had this pid but started at another time: it is gone.
      writeFileSync(`${file}.owner`, `${other.pid} ${Number(start) + 1}\n`)
      mkdirSync(`${file}.lock`)
      const release = takeOwnership(file)
      expect(existsSync(`${file}.lock`)).toBe(false)
      release()
      // The same pid with its real start time is the live owner.
      writeFileSync(`${file}.owner`, `${other.pid} ${start}\n`)
      expect(() => takeOwnership(file)).toThrow(`pid ${other.pid}`)
    } finally {
      other.kill('SIGKILL')
    }
  })

  it('takes over from an earlier process that had this very pid', () => {
    const file = dbFile()
    writeFileSync(`${file}.owner`, `${process.pid} 1\n`)
    mkdirSync(`${file}.lock`)
    const release = takeOwnership(file)
    expect(existsSync(`${file}.lock`)).toBe(false)
    expect(readFileSync(`${file}.owner`, 'utf8')).toBe(
      `${process.pid} ${startTimeOf(process.pid)}\n`,
    )
    release()
  })

  it('falls back to the pid alone where there is no /proc', () => {
    const noProc = mkdtempSync(join(tmpdir(), 'socklab-noproc-'))
    dirs.push(noProc)
    const file = dbFile()
    const release = takeOwnership(file, noProc)
    expect(readFileSync(`${file}.owner`, 'utf8')).toBe(`${process.pid} -\n`)
    release()
    // A live pid with a start time that cannot be checked still owns the file.
    const other = sleeper()
    try {
      writeFileSync(`${file}.owner`, `${other.pid} 1\n`)
      expect(() => takeOwnership(file, noProc)).toThrow(StoreBusyError)
    } finally {
      other.kill('SIGKILL')
    }
  })

  it('reads field 22 of /proc/<pid>/stat after a command name with spaces and parentheses', () => {
    const proc = mkdtempSync(join(tmpdir(), 'socklab-proc-'))
    dirs.push(proc)
    mkdirSync(join(proc, '42'))
    const after = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '98765', '0', '0']
    writeFileSync(join(proc, '42', 'stat'), `42 (a b) (c)) ${after.join(' ')}\n`)
    expect(startTimeOf(42, proc)).toBe('98765')
    expect(startTimeOf(43, proc)).toBeUndefined()
  })
})

function sleeper(): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' })
}

/** The child's start time, once /proc shows it (a spawned child is there at once on Linux). */
async function startOfChild(pid: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const start = startTimeOf(pid)
    if (start) return start
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`no /proc/${pid}/stat`)
}
