/**
 * The Classroom's "Grade submissions" calls (shared/contract.ts, `classGradeFolder`): one
 * folder graded at a time, in the background, by main/lab/grade-folder.ts on the kernel lab.
 * The call answers as soon as the folder is read (the students it will grade, the subfolders
 * it will not), then every step is pushed as a grade update and every student's report goes
 * into the gradebook as soon as it is complete, so a cancel keeps the students already graded.
 * Every refusal is data naming what was wrong: this host cannot run programs (the doctor's
 * sentence), a bad lab file (its lines), a path that is no folder.
 */
import {
  fail,
  ok,
  type GradeUpdate,
  type GradeUpdateMessage,
  type LabCalls,
  type Result,
} from '../../shared/contract'
import type { StoredGrade } from '../../shared/program-gradebook'
import { readProgramLab } from '../../shared/program-lab'
import { folderProblem, gradeSubmissions, readSubmissions } from './grade-folder'
import type { GradeOptions } from './program-grade'

/** The calls this module answers. */
export type GradeCallName = 'classGradeFolder' | 'classCancelGrade' | 'classPickFolder'

/** What the jobs need from the rest of the service. */
export interface GradeJobsOptions {
  /** Whether programs can run here, with the sentence saying why not. */
  support(): Promise<{ available: boolean; detail: string }>
  /** Keeps grades in the gradebook (main/lab/quiz-service.ts). */
  save(grades: StoredGrade[]): Promise<Result<number>>
  /** The desktop app's folder dialog; absent in browser mode. */
  pickFolder?: () => Promise<string | null>
  /** The backend for a program (tests inject one). */
  backend?: GradeOptions['backend']
}

/** The grading calls, their update stream and teardown. */
export interface GradeJobs {
  calls: Pick<LabCalls, GradeCallName>
  onUpdate(listener: (message: GradeUpdateMessage) => void): () => void
  /** The job going, if any. */
  active(): string | undefined
  /** Cancels the job going and waits until it has stopped. */
  dispose(): Promise<void>
}

/** Creates the grading calls of one app instance. */
export function createGradeJobs(options: GradeJobsOptions): GradeJobs {
  const listeners = new Set<(message: GradeUpdateMessage) => void>()
  let job: { id: string; controller: AbortController; done: Promise<void> } | undefined

  const push = (jobId: string, update: GradeUpdate): void => {
    for (const listener of listeners) listener({ jobId, update })
  }

  const calls: GradeJobs['calls'] = {
    async classGradeFolder(request) {
      if (job)
        return fail(
          'bad-input',
          'A folder is being graded already: wait until it is done, or cancel it first.',
        )
      const support = await options.support()
      if (!support.available) return fail('unsupported', support.detail)
      const read = readProgramLab(request.lab.text, request.lab.name)
      if (!read.ok)
        return fail(
          'bad-input',
          `${request.lab.name} is not a valid program lab:\n${read.problems.join('\n')}`,
        )
      const problem = await folderProblem(request.folder, { absolute: true })
      if (problem) return fail('bad-input', problem)
      const found = await readSubmissions(request.folder)
      if (!found.ok) return fail('bad-input', found.message)
      // Checked again after the awaits: two calls close together must not both start.
      if (job)
        return fail(
          'bad-input',
          'A folder is being graded already: wait until it is done, or cancel it first.',
        )
      const jobId = request.jobId
      const controller = new AbortController()
      const classCode = request.classCode?.trim() || undefined
      let passed = 0
      let graded = 0
      const run = async (): Promise<void> => {
        let error: string | undefined
        try {
          const summary = await gradeSubmissions(read.lab, read.cases, found.submissions, {
            signal: controller.signal,
            ...(classCode ? { classCode } : {}),
            ...(options.backend ? { backend: options.backend } : {}),
            onStudent: (index, sub) =>
              push(jobId, { kind: 'student', index, student: sub.student, command: sub.command }),
            onCase: (index, grade, caseIndex) =>
              push(jobId, {
                kind: 'case',
                index,
                case: grade.case,
                caseIndex,
                passed: grade.passed,
              }),
            onSkipped: (index, sub, message) =>
              push(jobId, { kind: 'skipped', index, student: sub.student, message }),
            onGraded: async (index, sub, report) => {
              const saved = await options.save([{ report, origin: 'folder' }])
              if (!saved.ok) {
                error = saved.error.message
                controller.abort()
                return
              }
              graded += 1
              if (report.passed) passed += 1
              push(jobId, {
                kind: 'graded',
                index,
                student: sub.student,
                passed: report.score.passed,
                total: report.score.total,
              })
            },
          })
          error ??= summary.unsupported
        } catch (thrown) {
          error = `Grading stopped: ${thrown instanceof Error ? thrown.message : String(thrown)}`
        } finally {
          job = undefined
        }
        push(jobId, {
          kind: 'done',
          graded,
          passed,
          cancelled: error === undefined && controller.signal.aborted,
          ...(error ? { error } : {}),
        })
      }
      // Started after this answer is on its way, so the page knows the students before the
      // first update about them.
      job = {
        id: jobId,
        controller,
        done: new Promise<void>((resolve) => setImmediate(() => void run().then(resolve))),
      }
      return ok({
        jobId,
        lab: read.lab.id,
        students: found.submissions.map((s) => s.student),
        skipped: found.skipped,
      })
    },
    async classCancelGrade(jobId) {
      if (!job || job.id !== jobId)
        return fail('not-found', `No grading "${jobId}" is going (it may have ended).`)
      job.controller.abort()
      return ok(null)
    },
    async classPickFolder() {
      if (!options.pickFolder)
        return fail(
          'unsupported',
          'Browser mode has no folder dialog: type the folder’s full path instead.',
        )
      try {
        return ok({ folder: await options.pickFolder() })
      } catch (error) {
        return fail('internal', `The folder dialog failed: ${String(error)}`)
      }
    },
  }

  return {
    calls,
    onUpdate(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    active: () => job?.id,
    async dispose() {
      const going = job
      going?.controller.abort()
      await going?.done
    },
  }
}
