/**
 * The store's schema as numbered migrations. `PRAGMA user_version` holds the number of the last
 * one applied; each migration runs in its own transaction together with the version bump, so
 * a crash leaves the file at the old version or the new one, never between. Never edit a
 * released migration: add the next one.
 */
import type { Database } from './sqlite'

/** One schema step. */
export interface Migration {
  version: number
  description: string
  sql: string
}

/** Every migration, in order; the last one's version is the current schema. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'quiz attempts, their answers, mastery per topic, imported packs',
    sql: `
      CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        seed INTEGER NOT NULL,
        pack_id TEXT,
        lang TEXT NOT NULL,
        score INTEGER NOT NULL,
        total INTEGER NOT NULL,
        answer_count INTEGER NOT NULL
      );
      CREATE INDEX attempts_finished ON attempts (finished_at);
      CREATE TABLE answers (
        attempt_id TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        type TEXT NOT NULL,
        topic TEXT NOT NULL,
        response TEXT NOT NULL,
        expected TEXT NOT NULL,
        correct INTEGER NOT NULL,
        run TEXT,
        PRIMARY KEY (attempt_id, idx)
      );
      CREATE TABLE mastery (
        topic TEXT PRIMARY KEY,
        answered INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE packs (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "imported student result files (the teacher's gradebook)",
    sql: `
      CREATE TABLE class_results (
        key TEXT PRIMARY KEY,
        class_code TEXT NOT NULL,
        student TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        body TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'program-lab grade reports (shared/program-report.ts) beside the quiz results',
    sql: `
      CREATE TABLE program_grades (
        key TEXT PRIMARY KEY,
        class_code TEXT NOT NULL,
        student TEXT NOT NULL,
        lab_id TEXT NOT NULL,
        graded_at TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('folder', 'file')),
        body TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `,
  },
]

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0

/** Thrown when the file was written by a newer app (its schema is unknown here). */
export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError'
}

/** The schema version of an open database. */
export function schemaVersion(db: Database): number {
  const row = db.get('PRAGMA user_version')
  return Number(row?.user_version ?? 0)
}

/** Applies every migration the file lacks; returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = schemaVersion(db)
  const latest = migrations[migrations.length - 1]?.version ?? 0
  if (current > latest)
    throw new NewerSchemaError(
      `The data file has schema version ${current}; this app knows up to ${latest}. Use a newer app.`,
    )
  const applied: number[] = []
  for (const m of migrations) {
    if (m.version <= current) continue
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(m.sql)
      // PRAGMA takes no bound parameters; the version is a number from our own table.
      db.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
    applied.push(m.version)
  }
  return applied
}
