/**
 * A damaged data file is found when the store opens (PRAGMA quick_check) and refused with a
 * message naming the copy kept aside; a full disk is called a full disk.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  closeSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILE, QuizStore } from './quiz-store'
import { describeStoreError, StoreDamagedError } from './store-errors'

const FILLER = fileURLToPath(new URL('./disk-full.fixture.ts', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A real data file with a few dozen pages in it (packs of 3 KB each). */
function filledStore(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-damage-'))
  dirs.push(dir)
  const store = QuizStore.open(dir)
  for (let i = 0; i < 40; i++)
    store.savePack({
      id: `p${i}`,
      title: { en: `P${i}`, zh: `P${i}` },
      source: `pack: 1\n# ${String(i).repeat(3000)}\n`,
      importedAt: '2026-03-01T08:00:00.000Z',
    })
  store.close()
  return { dir, file: join(dir, DB_FILE) }
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+')
  try {
    writeSync(fd, bytes, 0, bytes.length, offset)
  } finally {
    closeSync(fd)
  }
}

function openError(dir: string): Error {
  try {
    QuizStore.open(dir).close()
  } catch (error) {
    return error as Error
  }
  throw new Error('the store opened')
}

function copiesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${DB_FILE}.damaged-`))
}

describe('a damaged data file', () => {
  it('is refused at open, with the copy it keeps aside named, and nothing written to it', () => {
    const { dir, file } = filledStore()
    // Page 3 (4 KiB pages) overwritten with garbage: a b-tree page SQLite cannot read.
    overwrite(file, 2 * 4096, Buffer.alloc(4096, 0xa5))
    const damaged = readFileSync(file)
    const error = openError(dir)
    expect(error).toBeInstanceOf(StoreDamagedError)
    expect(error.message).toMatch(/^The quiz data file .* is damaged \(SQLite's quick_check: /)
    const [copy, ...more] = copiesIn(dir)
    expect(more).toEqual([])
    expect(error.message).toContain(`a copy of it is kept as ${join(dir, copy!)}`)
    expect(readFileSync(join(dir, copy!)).equals(damaged)).toBe(true)
    expect(readFileSync(file).equals(damaged)).toBe(true)
    // Opening again refuses again, without another copy; the owner lock was given back.
    expect(openError(dir)).toBeInstanceOf(StoreDamagedError)
    expect(copiesIn(dir)).toHaveLength(1)
    expect(existsSync(`${file}.owner`)).toBe(false)
    // Deleting the file, as the message says, starts afresh.
    rmSync(file)
    const fresh = QuizStore.open(dir)
    expect(fresh.listPacks()).toEqual([])
    fresh.close()
  })

  it('is refused when truncated in the middle of a page', () => {
    const { dir, file } = filledStore()
    truncateSync(file, Math.floor(statSync(file).size / 2) + 1000)
    const error = openError(dir)
    expect(error).toBeInstanceOf(StoreDamagedError)
    expect(error.message).toContain('.damaged-')
  })

  it('is refused when its header is overwritten (not a database any more)', () => {
    const { dir, file } = filledStore()
    overwrite(file, 0, Buffer.from('this is not SQLite at all, it is a text file..........'))
    const error = openError(dir)
    expect(error).toBeInstanceOf(StoreDamagedError)
    expect(error.message).toMatch(/not a database|malformed|quick_check/)
  })
})

describe('a full disk', () => {
  it('is named in the message, with the space left', () => {
    const io = new Error('disk I/O error')
    expect(describeStoreError(io, '/data/socklab.db', () => 4096)).toBe(
      'the disk holding /data is full (4 KB left): free some space and try again. Nothing of this change was saved.',
    )
    // An I/O error with room on the disk is something else, and keeps its own words.
    expect(describeStoreError(io, '/data/socklab.db', () => 10 * 2 ** 30)).toBe('disk I/O error')
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    })
    expect(describeStoreError(enospc, '/data/socklab.db', () => undefined)).toMatch(/is full: /)
  })

  it('is what a user reads when the data folder fills up (a 512 KiB tmpfs)', (ctx) => {
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true'])
    if (probe.status !== 0) {
      ctx.skip('needs unshare(1) with user and mount namespaces to mount a small tmpfs')
      return
    }
    const dir = mkdtempSync(join(tmpdir(), 'socklab-full-'))
    dirs.push(dir)
    // The tmpfs lives only in the child's own mount namespace: nothing to unmount afterwards.
    const script = `mount -t tmpfs -o size=512k tmpfs "$1" && exec "$2" --import tsx "$3" "$1"`
    const run = spawnSync(
      'unshare',
      [
        '--user',
        '--map-root-user',
        '--mount',
        'sh',
        '-c',
        script,
        'sh',
        dir,
        process.execPath,
        FILLER,
      ],
      { encoding: 'utf8', timeout: 25_000 },
    )
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(
      /^failed The quiz data file .*socklab\.db could not be written or read: the disk holding .* is full \(\d+ KB left\)/,
    )
  })
})
