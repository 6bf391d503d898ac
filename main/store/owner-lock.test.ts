import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StoreBusyError, takeOwnership } from './owner-lock'

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
  it('records this process and gives the file back on release', () => {
    const file = dbFile()
    const release = takeOwnership(file)
    expect(readFileSync(`${file}.owner`, 'utf8').trim()).toBe(String(process.pid))
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
})
