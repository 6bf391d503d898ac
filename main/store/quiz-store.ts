/**
 * The quiz's SQLite file (`socklab.db` in the data folder): attempts with their answers,
 * mastery per topic, imported packs, imported class results and program-lab grades.
 *
 * Durability: rollback journal (node-sqlite3-wasm has no WAL) with `synchronous = FULL`; every
 * completed attempt is written in ONE transaction (attempt row, every answer, mastery), so a
 * crash or `kill -9` mid-write leaves either the whole attempt or none of it, never a part.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { QuizAnswer, QuizAttempt, RunOutcome } from '../../shared/quiz/types'
import type { ResultFile } from '../../shared/quiz/result-file'
import type { StoredGrade } from '../../shared/program-gradebook'
import { masteryOf, type TopicMastery } from '../../shared/quiz/grade'
import { migrate } from './migrations'
import { takeOwnership } from './owner-lock'
import { Database } from './sqlite'
import {
  damagedError,
  describeStoreError,
  isCorruption,
  restated,
  StoreDamagedError,
} from './store-errors'

/** File name of the store inside the data folder. */
export const DB_FILE = 'socklab.db'

/** A pack as stored: its parsed id and title and the teacher's file text. */
export interface StoredPack {
  id: string
  title: { en: string; zh: string }
  source: string
  importedAt: string
}

type Row = Record<string, unknown>

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v ?? '')
}

function json<T>(v: unknown): T {
  return JSON.parse(str(v)) as T
}

/**
 * `PRAGMA quick_check` (the integrity check without the index-content cross-checks: fast
 * enough for every open): undefined when the file is sound, else what SQLite found.
 */
function quickCheck(db: Database): string | undefined {
  const rows = db.all('PRAGMA quick_check').map((r) => str(r.quick_check))
  return rows.length === 1 && rows[0] === 'ok' ? undefined : rows.slice(0, 3).join('; ')
}

/** The open store. Synchronous: node-sqlite3-wasm is, and each call is short. */
export class QuizStore {
  private constructor(
    private readonly db: Database,
    readonly file: string,
    private readonly release: () => void,
  ) {}

  /**
   * Opens (creating and migrating) the store in a data folder. A damaged file is refused
   * (StoreDamagedError, naming the copy kept aside) before anything is written to it; a full
   * disk is said as such.
   */
  static open(dataDir: string): QuizStore {
    const file = join(dataDir, DB_FILE)
    let release: () => void
    try {
      mkdirSync(dataDir, { recursive: true })
      release = takeOwnership(file)
    } catch (error) {
      throw restated(error, file)
    }
    let db: Database
    try {
      db = new Database(file)
    } catch (error) {
      release()
      throw restated(error, file)
    }
    try {
      // The first read rolls back a hot journal a crash left; then the file must be sound
      // before anything (the journal mode, a migration) writes to it.
      const problems = quickCheck(db)
      if (problems) throw damagedError(file, problems)
      // Rollback journal and a full sync at every commit: a committed attempt is on disk.
      db.exec('PRAGMA journal_mode = DELETE')
      db.exec('PRAGMA synchronous = FULL')
      db.exec('PRAGMA foreign_keys = ON')
      migrate(db)
    } catch (error) {
      if (db.isOpen) db.close()
      release()
      if (error instanceof StoreDamagedError) throw error
      if (isCorruption(error)) throw damagedError(file, describeStoreError(error, file))
      throw restated(error, file)
    }
    return new QuizStore(db, file, release)
  }

  /** Closes the file (node-sqlite3-wasm leaks memory otherwise). */
  close(): void {
    if (this.db.isOpen) this.db.close()
    this.release()
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const value = work()
      this.db.exec('COMMIT')
      return value
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
      } catch {
        // SQLite already rolled back (a full disk or an I/O error ends the transaction).
      }
      throw error
    }
  }

  /**
   * Saves a completed attempt with all its answers and updates mastery, in one transaction.
   * Returns false when an attempt with that id is already stored (nothing is counted twice).
   */
  saveAttempt(attempt: QuizAttempt): boolean {
    return this.transaction(() => {
      const exists = this.db.get('SELECT 1 AS x FROM attempts WHERE id = ?', [attempt.id])
      if (exists) return false
      this.db.run(
        `INSERT INTO attempts (id, started_at, finished_at, seed, pack_id, lang, score, total, answer_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          attempt.id,
          attempt.startedAt,
          attempt.finishedAt,
          attempt.seed,
          attempt.packId ?? null,
          attempt.lang,
          attempt.score,
          attempt.total,
          attempt.answers.length,
        ],
      )
      const insert = this.db.prepare(
        `INSERT INTO answers (attempt_id, idx, question_id, type, topic, response, expected, correct, run)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      const bump = this.db.prepare(
        `INSERT INTO mastery (topic, answered, correct, updated_at) VALUES (?, 1, ?, ?)
         ON CONFLICT (topic) DO UPDATE SET answered = answered + 1,
           correct = correct + excluded.correct, updated_at = excluded.updated_at`,
      )
      try {
        attempt.answers.forEach((a, i) => {
          insert.run([
            attempt.id,
            i,
            a.questionId,
            a.type,
            a.topic,
            JSON.stringify(a.response),
            JSON.stringify(a.expected),
            a.correct ? 1 : 0,
            a.run ? JSON.stringify(a.run) : null,
          ])
          bump.run([a.topic, a.correct ? 1 : 0, attempt.finishedAt])
        })
      } finally {
        insert.finalize()
        bump.finalize()
      }
      return true
    })
  }

  private answersOf(id: string): QuizAnswer[] {
    return this.db
      .all('SELECT * FROM answers WHERE attempt_id = ? ORDER BY idx', [id])
      .map((r: Row) => ({
        questionId: str(r.question_id),
        type: str(r.type) as QuizAnswer['type'],
        topic: str(r.topic),
        response: json<string[]>(r.response),
        expected: json<string[]>(r.expected),
        correct: Number(r.correct) === 1,
        ...(r.run ? { run: json<RunOutcome>(r.run) } : {}),
      }))
  }

  private attemptOf(r: Row): QuizAttempt {
    const id = str(r.id)
    return {
      id,
      startedAt: str(r.started_at),
      finishedAt: str(r.finished_at),
      seed: Number(r.seed),
      ...(r.pack_id ? { packId: str(r.pack_id) } : {}),
      lang: str(r.lang) === 'zh' ? 'zh' : 'en',
      score: Number(r.score),
      total: Number(r.total),
      answers: this.answersOf(id),
    }
  }

  /** One attempt, or undefined. */
  getAttempt(id: string): QuizAttempt | undefined {
    const r = this.db.get('SELECT * FROM attempts WHERE id = ?', [id])
    return r ? this.attemptOf(r) : undefined
  }

  /** The latest attempts, newest first. */
  listAttempts(limit = 50): QuizAttempt[] {
    return this.db
      .all('SELECT * FROM attempts ORDER BY finished_at DESC, id DESC LIMIT ?', [limit])
      .map((r) => this.attemptOf(r))
  }

  /** Number of stored attempts. */
  countAttempts(): number {
    return Number(this.db.get('SELECT count(*) AS n FROM attempts')?.n ?? 0)
  }

  /** Mastery per topic over every stored answer. */
  mastery(): TopicMastery[] {
    return this.db
      .all('SELECT topic, answered, correct FROM mastery ORDER BY topic')
      .map((r) => masteryOf(str(r.topic), Number(r.answered), Number(r.correct)))
  }

  /** Stores (or replaces) an imported pack. */
  savePack(pack: StoredPack): void {
    this.transaction(() =>
      this.db.run(
        `INSERT INTO packs (id, title, source, imported_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,
           imported_at = excluded.imported_at`,
        [pack.id, JSON.stringify(pack.title), pack.source, pack.importedAt],
      ),
    )
  }

  /** Every imported pack, newest first. */
  listPacks(): StoredPack[] {
    return this.db.all('SELECT * FROM packs ORDER BY imported_at DESC, id').map((r) => ({
      id: str(r.id),
      title: json<{ en: string; zh: string }>(r.title),
      source: str(r.source),
      importedAt: str(r.imported_at),
    }))
  }

  /** One pack, or undefined. */
  getPack(id: string): StoredPack | undefined {
    return this.listPacks().find((p) => p.id === id)
  }

  /** Deletes a pack. */
  deletePack(id: string): boolean {
    return this.db.run('DELETE FROM packs WHERE id = ?', [id]).changes > 0
  }

  /** Stores imported result files (the same file twice is kept once), in one transaction. */
  saveResults(files: readonly ResultFile[], importedAt: string): number {
    return this.transaction(() => {
      let added = 0
      for (const f of files) {
        const key = JSON.stringify([f.classCode, f.student, f.packId, f.finishedAt])
        added += this.db.run(
          `INSERT OR IGNORE INTO class_results (key, class_code, student, pack_id, finished_at, body, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [key, f.classCode, f.student, f.packId, f.finishedAt, JSON.stringify(f), importedAt],
        ).changes
      }
      return added
    })
  }

  /**
   * Stores (or replaces) the results of a live class as they come in: one row per student of
   * the class, keyed `["live", classCode, student in lower case]`, so a student's later answers
   * replace their earlier file instead of adding one. In one transaction.
   */
  saveLiveResults(files: readonly ResultFile[], savedAt: string): number {
    return this.transaction(() => {
      for (const f of files) {
        const key = JSON.stringify(['live', f.classCode, f.student.toLowerCase()])
        this.db.run(
          `INSERT INTO class_results (key, class_code, student, pack_id, finished_at, body, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET student = excluded.student, pack_id = excluded.pack_id,
             finished_at = excluded.finished_at, body = excluded.body, imported_at = excluded.imported_at`,
          [key, f.classCode, f.student, f.packId, f.finishedAt, JSON.stringify(f), savedAt],
        )
      }
      return files.length
    })
  }

  /** Every imported result file. */
  listResults(): ResultFile[] {
    return this.db
      .all('SELECT body FROM class_results ORDER BY class_code, student, finished_at')
      .map((r) => json<ResultFile>(r.body))
  }

  /** Forgets every imported result file and program-lab grade. */
  clearResults(): void {
    this.transaction(() => {
      this.db.run('DELETE FROM class_results')
      this.db.run('DELETE FROM program_grades')
    })
  }

  /**
   * Stores program-lab grade reports (each naming its student; the same report twice is kept
   * once), in one transaction.
   */
  saveProgramGrades(grades: readonly StoredGrade[], importedAt: string): number {
    return this.transaction(() => {
      let added = 0
      for (const { report: r, origin } of grades) {
        const key = JSON.stringify([r.classCode ?? '', r.student ?? '', r.lab, r.gradedAt])
        added += this.db.run(
          `INSERT OR IGNORE INTO program_grades (key, class_code, student, lab_id, graded_at, origin, body, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            key,
            r.classCode ?? '',
            r.student ?? '',
            r.lab,
            r.gradedAt,
            origin,
            JSON.stringify(r),
            importedAt,
          ],
        ).changes
      }
      return added
    })
  }

  /** Every stored program-lab grade. */
  listProgramGrades(): StoredGrade[] {
    return this.db
      .all(
        'SELECT body, origin FROM program_grades ORDER BY class_code, student, lab_id, graded_at',
      )
      .map((r) => ({
        report: json<StoredGrade['report']>(r.body),
        origin: str(r.origin) === 'folder' ? 'folder' : 'file',
      }))
  }

  /** `ok` when SQLite finds the file sound. */
  integrityCheck(): string {
    return this.db
      .all('PRAGMA integrity_check')
      .map((r) => str(r.integrity_check))
      .join('; ')
  }
}
