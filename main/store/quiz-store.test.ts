import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NAIVE_CASES, ROBUST_CASES, sampleReport } from '../../shared/program-report.fixture'
import type { QuizAttempt } from '../../shared/quiz/types'
import { defaultDataDir } from './data-dir'
import { MIGRATIONS, migrate, NewerSchemaError, SCHEMA_VERSION, schemaVersion } from './migrations'
import { DB_FILE, QuizStore } from './quiz-store'
import { Database } from './sqlite'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-store-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function attempt(
  id: string,
  correct: boolean[],
  finishedAt = '2026-01-01T10:00:00.000Z',
): QuizAttempt {
  const answers = correct.map((c, i) => ({
    questionId: `cause-to-result:row${i}`,
    type: 'cause-to-result' as const,
    topic: i % 2 ? 'rst' : 'handshake',
    response: [c ? 'zero' : 'blocks'],
    expected: ['zero'],
    correct: c,
    ...(i === 0
      ? { run: { actual: 'zero', backend: 'sim' as const, summary: 'connect() = 0' } }
      : {}),
  }))
  return {
    id,
    startedAt: '2026-01-01T09:55:00.000Z',
    finishedAt,
    seed: 42,
    lang: 'zh',
    answers,
    score: correct.filter(Boolean).length,
    total: correct.length,
  }
}

describe('QuizStore', () => {
  it('keeps attempts, answers and mastery across a reopen', () => {
    const dir = tempDir()
    const a = attempt('a1', [true, false, true, true])
    let store = QuizStore.open(dir)
    expect(store.saveAttempt(a)).toBe(true)
    expect(store.saveAttempt(a)).toBe(false)
    store.saveAttempt(attempt('a2', [true, true], '2026-01-02T10:00:00.000Z'))
    store.close()

    store = QuizStore.open(dir)
    expect(store.getAttempt('a1')).toEqual(a)
    expect(store.listAttempts().map((x) => x.id)).toEqual(['a2', 'a1'])
    expect(store.mastery()).toEqual([
      { topic: 'handshake', answered: 3, correct: 3, ratio: 1, level: 'mastered' },
      { topic: 'rst', answered: 3, correct: 2, ratio: 2 / 3, level: 'learning' },
    ])
    expect(store.integrityCheck()).toBe('ok')
    store.close()
  })

  it('rolls a failed attempt back whole', () => {
    const store = QuizStore.open(tempDir())
    const bad = attempt('bad', [true, true])
    // A NOT NULL column violated by the second answer: the first must not stay behind.
    ;(bad.answers[1] as { topic: unknown }).topic = null
    expect(() => store.saveAttempt(bad)).toThrow()
    expect(store.getAttempt('bad')).toBeUndefined()
    expect(store.mastery()).toEqual([])
    store.close()
  })

  it('stores packs and class results', () => {
    const dir = tempDir()
    let store = QuizStore.open(dir)
    store.savePack({ id: 'p', title: { en: 'P', zh: '甲' }, source: 'pack: 1', importedAt: 't1' })
    store.savePack({
      id: 'p',
      title: { en: 'P2', zh: '乙' },
      source: 'pack: 1\n',
      importedAt: 't2',
    })
    const file = {
      socklabResult: 1 as const,
      classCode: 'C',
      student: 'Ann',
      packId: 'p',
      seed: 1,
      lang: 'en' as const,
      startedAt: 's',
      finishedAt: 'f',
      score: 0,
      total: 0,
      answers: [],
    }
    expect(store.saveResults([file, file], 't')).toBe(1)
    store.close()
    store = QuizStore.open(dir)
    expect(store.listPacks()).toEqual([
      { id: 'p', title: { en: 'P2', zh: '乙' }, source: 'pack: 1\n', importedAt: 't2' },
    ])
    expect(store.listResults()).toEqual([file])
    store.clearResults()
    expect(store.listResults()).toEqual([])
    expect(store.deletePack('p')).toBe(true)
    store.close()
  })

  it('stores program-lab grades with where they came from; clearing forgets them too', () => {
    const dir = tempDir()
    let store = QuizStore.open(dir)
    const naive = sampleReport('Bob', NAIVE_CASES)
    const robust = sampleReport('Ann', ROBUST_CASES)
    expect(
      store.saveProgramGrades(
        [
          { report: naive, origin: 'file' },
          { report: naive, origin: 'file' },
          { report: robust, origin: 'folder' },
        ],
        't',
      ),
    ).toBe(2)
    store.close()
    store = QuizStore.open(dir)
    expect(store.listProgramGrades()).toEqual([
      { report: robust, origin: 'folder' },
      { report: naive, origin: 'file' },
    ])
    store.clearResults()
    expect(store.listProgramGrades()).toEqual([])
    store.close()
  })
})

describe('live class results', () => {
  it('keeps one row per student of a class, replaced by their later answers', () => {
    const dir = tempDir()
    const store = QuizStore.open(dir)
    const file = (student: string, finishedAt: string, score: number) => ({
      socklabResult: 1 as const,
      classCode: 'ABC234',
      student,
      packId: 'p',
      seed: 1,
      lang: 'en' as const,
      startedAt: 's',
      finishedAt,
      score,
      total: 0,
      answers: [],
    })
    expect(store.saveLiveResults([file('Ann', 'f1', 0), file('Bob', 'f1', 0)], 't')).toBe(2)
    expect(store.saveLiveResults([file('ann', 'f2', 1)], 't')).toBe(1)
    // An imported file of the same student is another row (the gradebook keeps the latest).
    store.saveResults([file('Ann', 'f0', 0)], 't')
    const rows = store.listResults()
    expect(rows.map((r) => [r.student, r.finishedAt, r.score])).toEqual([
      ['Ann', 'f0', 0],
      ['Bob', 'f1', 0],
      ['ann', 'f2', 1],
    ])
    store.close()
  })
})

describe('migrations', () => {
  it('upgrades a version-1 file and keeps its data', () => {
    const dir = tempDir()
    const db = new Database(join(dir, DB_FILE))
    migrate(db, MIGRATIONS.slice(0, 1))
    expect(schemaVersion(db)).toBe(1)
    db.run(
      `INSERT INTO attempts (id, started_at, finished_at, seed, lang, score, total, answer_count)
       VALUES ('old', 's', 'f', 1, 'en', 0, 0, 0)`,
    )
    db.close()
    const store = QuizStore.open(dir)
    expect(store.getAttempt('old')?.id).toBe('old')
    expect(store.listResults()).toEqual([])
    expect(store.listProgramGrades()).toEqual([])
    store.close()
    const check = new Database(join(dir, DB_FILE))
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION)
    expect(migrate(check)).toEqual([])
    check.close()
  })

  it('refuses a file from a newer app', () => {
    const dir = tempDir()
    const db = new Database(join(dir, DB_FILE))
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    expect(() => QuizStore.open(dir)).toThrow(NewerSchemaError)
  })
})

describe('defaultDataDir', () => {
  it('follows SOCKLAB_DATA_DIR, XDG and the platform folders', () => {
    expect(defaultDataDir({ SOCKLAB_DATA_DIR: '/d' }, 'linux', '/h')).toBe('/d')
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/h')).toBe('/x/socket-anomaly-lab')
    expect(defaultDataDir({}, 'linux', '/h')).toBe('/h/.local/share/socket-anomaly-lab')
    expect(defaultDataDir({}, 'darwin', '/h')).toBe(
      '/h/Library/Application Support/Socket Anomaly Lab',
    )
    expect(defaultDataDir({ APPDATA: 'C:/A' }, 'win32', '/h')).toBe(
      join('C:/A', 'Socket Anomaly Lab'),
    )
  })
})
