/**
 * The live class's contract calls (docs/live-class.md): one class at a time per app instance,
 * started from a pack the teacher imported, its student page read from the built renderer,
 * its results kept in the quiz store's gradebook as they come in. The desktop app and browser
 * mode both run it through main/lab/service.ts, so the teacher's page is the same in both.
 */
import { fail, ok, type LabCalls, type LiveCallName, type Result } from '../../shared/contract'
import type { LiveStatus } from '../../shared/class/status'
import { parsePack } from '../../shared/quiz/pack'
import type { QuizProof } from '../../shared/quiz/proof'
import { LiveClassError, startLiveClass, type LiveClass } from '../class/live-class'
import { roomAddresses } from '../class/network'
import { ClassPortInUseError, type ClassLimits } from '../class/server'
import { loadStudentPage, StudentPageMissingError } from '../class/student-files'
import type { QuizService } from './quiz-service'

/** Options of {@link createClassCalls}. */
export interface ClassServiceOptions {
  quiz: Pick<QuizService, 'getPack' | 'saveLiveResults'>
  /** The built renderer folder (`out/renderer`), where the student page is. */
  rendererDir?: string
  proof: () => QuizProof
  limits?: Partial<ClassLimits>
}

/** The live-class calls plus ending a class at shutdown. */
export interface ClassService {
  calls: Pick<LabCalls, LiveCallName>
  /** Ends the running class, if any (the app is quitting). */
  dispose(): Promise<void>
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Creates the live-class calls. */
export function createClassCalls(options: ClassServiceOptions): ClassService {
  let live: LiveClass | undefined
  let starting = false

  const none = (): Result<never> =>
    fail('not-found', 'No live class is running: start one from a pack first.')

  const calls: ClassService['calls'] = {
    async classStart(request) {
      if (live || starting)
        return fail(
          'bad-input',
          `A live class is already running${live ? ` (code ${live.code})` : ''}: end it before starting another.`,
        )
      if (!options.rendererDir)
        return fail('unsupported', 'This app instance has no student page to serve.')
      starting = true
      try {
        const record = await options.quiz.getPack(request.packId)
        if (!record.ok) return record
        const parsed = parsePack(record.value.source)
        if (!parsed.ok)
          return fail('bad-input', `The pack "${request.packId}" is not valid:\n${parsed.message}`)
        const page = await loadStudentPage(options.rendererDir)
        live = await startLiveClass({
          pack: parsed.pack,
          pacing: request.pacing,
          feedback: request.feedback,
          network: {
            network: request.network,
            ...(request.address ? { address: request.address } : {}),
          },
          port: request.port,
          page,
          proof: options.proof(),
          ...(options.limits ? { limits: options.limits } : {}),
          save: async (files) => {
            const saved = await options.quiz.saveLiveResults(files)
            if (!saved.ok) throw new Error(saved.error.message)
          },
        })
        return ok(live.status())
      } catch (error) {
        if (error instanceof ClassPortInUseError || error instanceof LiveClassError)
          return fail('bad-input', error.message)
        if (error instanceof StudentPageMissingError) return fail('unsupported', error.message)
        return fail('internal', `The live class could not start: ${message(error)}`)
      } finally {
        starting = false
      }
    },
    async classStatus() {
      return ok(live ? live.status() : null)
    },
    async classControl(command) {
      if (!live) return none()
      live.control(command)
      return ok(live.status())
    },
    async classEnd() {
      if (!live) return none()
      const ending = live
      const status: LiveStatus = await ending.end()
      live = undefined
      return ok(status)
    },
    async classAddresses() {
      return ok(roomAddresses())
    },
  }

  return {
    calls,
    async dispose() {
      const ending = live
      live = undefined
      await ending?.end()
    },
  }
}
