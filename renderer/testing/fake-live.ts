/**
 * The live-class calls of the fake contract: the real pure class session (shared/class) over
 * the fake's packs, without a server, so store and component tests see the statuses a real
 * class gives. Tests reach the session to play students. Test support only, never shipped.
 */
import type { LabCalls, LiveCallName, PackRecord, Result } from '../../shared/contract'
import { ClassSession } from '../../shared/class/session'
import type { LiveNetwork } from '../../shared/class/status'
import { packQuiz, parsePack } from '../../shared/quiz/pack'

/** What the fake live class keeps, open to the test. */
export interface FakeLiveData {
  session: ClassSession | null
  started: number
  /** Every command the teacher sent. */
  commands: unknown[]
}

function failed(code: 'not-found' | 'bad-input', message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

/** Builds the in-memory live-class calls over the fake's packs. */
export function createFakeLive(
  packs: () => PackRecord[],
  data: FakeLiveData,
): Pick<LabCalls, LiveCallName> {
  let network: LiveNetwork = { host: '127.0.0.1', port: 0, urls: [], room: false }
  const status = (s: ClassSession) => s.status(network, { skipped: [], saved: { students: 0 } })
  let bytes = 0
  return {
    async classStart(request) {
      if (data.session) return failed('bad-input', 'A live class is already running.')
      const record = packs().find((p) => p.id === request.packId)
      const parsed = record ? parsePack(record.source) : undefined
      if (!parsed?.ok) return failed('not-found', `There is no imported pack "${request.packId}".`)
      const quiz = packQuiz(parsed.pack)
      const questions = quiz.questions.filter((q) => q.type !== 'predict-run')
      data.started += 1
      data.session = new ClassSession({
        code: 'ABC234',
        packId: parsed.pack.id,
        title: parsed.pack.title,
        seed: quiz.seed,
        questions,
        pacing: request.pacing,
        feedback: request.feedback,
        startedAt: '2026-03-02T09:00:00.000Z',
        random: (n) => Uint8Array.from({ length: n }, () => bytes++ % 256),
      })
      const port = request.port || 47200
      const host = request.network === 'room' ? (request.address ?? '192.168.1.20') : '127.0.0.1'
      network = {
        host,
        port,
        urls: [`http://${host}:${port}/ABC234`],
        room: request.network === 'room',
      }
      return { ok: true, value: status(data.session) }
    },
    async classStatus() {
      return { ok: true, value: data.session && !data.session.ended ? status(data.session) : null }
    },
    async classControl(command) {
      const s = data.session
      if (!s || s.ended) return failed('not-found', 'No live class is running.')
      data.commands.push(command)
      if (command.kind === 'goto') s.goto(command.index)
      else if (command.kind === 'pacing') s.setPacing(command.pacing)
      else if (command.kind === 'feedback') s.feedback = command.feedback
      else
        s.reveal(
          command.which === 'all' || s.current === null
            ? 'all'
            : [status(s).questions[s.current]!.id],
        )
      return { ok: true, value: status(s) }
    },
    async classEnd() {
      const s = data.session
      if (!s || s.ended) return failed('not-found', 'No live class is running.')
      s.end()
      const final = status(s)
      data.session = null
      return { ok: true, value: final }
    },
    async classAddresses() {
      return { ok: true, value: [{ name: 'wlan0', address: '192.168.1.20' }] }
    },
  }
}
