/**
 * One live class from start to end (docs/live-class.md): the pack's quiz (its predict-then-run
 * questions graded by the simulator's run, main/class/predict.ts), a fresh join code, the class
 * server on the address the teacher chose, and the results kept in the gradebook as they come
 * in (batched: every answer marks its student's result file for the next save, a fraction of
 * a second later, and the end saves what is left). The app's contract calls
 * (main/lab/class-service.ts) and `socklab class serve` (main/cli/class.ts) both run one.
 */
import { randomBytes } from 'node:crypto'
import { makeJoinCode, type RandomBytes } from '../../shared/class/code'
import type { LiveControl } from '../../shared/class/control'
import type { FeedbackMode, Pacing, StudentQuestion } from '../../shared/class/protocol'
import { ClassSession } from '../../shared/class/session'
import type { LiveNetwork, LiveStatus } from '../../shared/class/status'
import { packQuiz, type QuestionPack } from '../../shared/quiz/pack'
import type { QuizProof } from '../../shared/quiz/proof'
import type { ResultFile } from '../../shared/quiz/result-file'
import { questionScript, scriptLines } from '../../shared/quiz/script-text'
import type { QuizQuestion } from '../../shared/quiz/types'
import { simulatorProof } from '../lab/quiz-proof'
import {
  bindAddress,
  joinUrls,
  roomAddresses,
  type NetworkChoice,
  type RoomAddress,
} from './network'
import { predictRuns } from './predict'
import { startClassServer, type ClassLimits, type ClassServer } from './server'
import type { StudentPage } from './student-files'

/** Options of {@link startLiveClass}. */
export interface LiveClassOptions {
  pack: QuestionPack
  pacing: Pacing
  feedback: FeedbackMode
  network: NetworkChoice
  /** 0 picks a free port. */
  port: number
  page: StudentPage
  /** Keeps result files in the gradebook; throws when it cannot (the class goes on). */
  save: (files: ResultFile[]) => Promise<void>
  proof?: QuizProof
  limits?: Partial<ClassLimits>
  /** Milliseconds between an answer and the save that keeps it (batched). */
  saveDelayMs?: number
  now?: () => Date
  random?: RandomBytes
  /** The machine's addresses (tests pass their own). */
  addresses?: RoomAddress[]
  /** Told after anything that changes the teacher's view. */
  onChange?: () => void
}

/** A running live class. */
export interface LiveClass {
  code: string
  status(): LiveStatus
  control(command: LiveControl): void
  /** Ends the class (every student told and disconnected), saves the rest, and says how it ended. */
  end(): Promise<LiveStatus>
}

/** Thrown when the options cannot make a class: the message says which and why. */
export class LiveClassError extends Error {
  override readonly name = 'LiveClassError'
}

function studentQuestion(q: QuizQuestion, index: number): StudentQuestion {
  const script = q.type === 'predict-run' ? questionScript(q) : undefined
  return {
    id: q.id,
    index,
    kind: q.kind,
    prompt: q.prompt,
    options: q.options.map((o) => ({ id: o.id, text: o.text })),
    ...(script && q.run
      ? {
          steps: scriptLines(script, q.run.step).map((l) => ({
            index: l.index,
            actor: l.actor,
            call: l.call,
            ...(l.at !== undefined ? { at: l.at } : {}),
            predicted: l.predicted,
          })),
        }
      : {}),
  }
}

/** Starts a class; rejects with a {@link LiveClassError} or the server's port error. */
export async function startLiveClass(options: LiveClassOptions): Promise<LiveClass> {
  const now = options.now ?? (() => new Date())
  const random = options.random ?? ((n: number) => randomBytes(n))
  const addresses = options.addresses ?? roomAddresses()
  const bind = bindAddress(options.network, addresses)
  if ('problem' in bind) throw new LiveClassError(bind.problem)
  const quiz = packQuiz(options.pack, undefined, options.proof ?? simulatorProof())
  const { runs, skipped } = await predictRuns(quiz.questions)
  const questions = quiz.questions.filter((q) => !skipped.some((s) => s.id === q.id))
  if (questions.length === 0)
    throw new LiveClassError(
      `The pack "${options.pack.id}" has no question a live class can ask${skipped.length > 0 ? ` (${skipped.map((s) => `${s.id}: ${s.why}`).join('; ')})` : ''}.`,
    )
  const session = new ClassSession({
    code: makeJoinCode(random),
    packId: options.pack.id,
    title: options.pack.title,
    seed: quiz.seed,
    questions,
    runs,
    studentQuestions: questions.map(studentQuestion),
    pacing: options.pacing,
    feedback: options.feedback,
    startedAt: now().toISOString(),
    random,
  })

  const saved = new Set<string>()
  let saveError: string | undefined
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let saving: Promise<void> = Promise.resolve()
  const flush = (): Promise<void> => {
    saving = saving.then(async () => {
      const files = session.takeDirty()
      if (files.length === 0) return
      try {
        await options.save(files)
        for (const f of files) saved.add(f.student.toLowerCase())
        saveError = undefined
      } catch (error) {
        // Kept for the next save; the teacher sees why meanwhile.
        session.markDirty(files.flatMap((f) => session.studentIdOf(f.student) ?? []))
        saveError = error instanceof Error ? error.message : String(error)
      }
    })
    return saving
  }
  const changed = (): void => {
    if (session.unsaved > 0 && saveTimer === undefined)
      saveTimer = setTimeout(() => {
        saveTimer = undefined
        void flush().then(() => {
          // Answers that came during the save, or a save that failed: try again.
          if (session.unsaved > 0 && !session.ended) changed()
        })
      }, options.saveDelayMs ?? 250)
    options.onChange?.()
  }

  const server: ClassServer = await startClassServer({
    session,
    page: options.page,
    host: bind.host,
    port: options.port,
    now,
    onChange: changed,
    ...(options.limits ? { limits: options.limits } : {}),
  })
  const network: LiveNetwork = {
    host: bind.host,
    port: server.port,
    urls: joinUrls(bind.host, server.port, session.code, addresses),
    room: options.network.network === 'room',
  }
  const status = (): LiveStatus =>
    session.status(network, {
      skipped,
      saved: { students: saved.size, ...(saveError ? { error: saveError } : {}) },
    })

  let ending: Promise<LiveStatus> | undefined
  return {
    code: session.code,
    status,
    control(command) {
      if (session.ended) return
      if (command.kind === 'goto') session.goto(command.index)
      else if (command.kind === 'pacing') session.setPacing(command.pacing)
      else if (command.kind === 'feedback') session.feedback = command.feedback
      else if (command.kind === 'reveal')
        session.reveal(
          command.which === 'all' || session.pacing === 'self' || session.current === null
            ? 'all'
            : [questions[session.current]!.id],
        )
      server.broadcast()
      options.onChange?.()
    },
    end() {
      ending ??= (async () => {
        await server.close()
        clearTimeout(saveTimer)
        saveTimer = undefined
        await flush()
        return status()
      })()
      return ending
    },
  }
}
