/**
 * `socklab class serve <pack.yaml|.json|.gift> [--port N] [--host 127.0.0.1|0.0.0.0|ADDRESS]
 * [--paced] [--feedback immediate|reveal]` (docs/live-class.md): runs a live class from a pack
 * file without the app. It prints the join code, the join URL and its QR code, then one line
 * whenever the class changes (who joined, answers, the question); keys on standard input drive
 * it (n next, p previous, r reveal, s self-paced, t teacher-paced, e end). Ctrl+C, SIGTERM or
 * `e` end the class: every student is told and disconnected, the results saved. Results go
 * into the app's gradebook (its SQLite store, SOCKLAB_DATA_DIR or the per-user folder) as they
 * come in. The class listens on 127.0.0.1 unless `--host` opens it to the room's network.
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { renderUnicodeCompact } from 'uqr'
import type { FeedbackMode, Pacing } from '../../shared/class/protocol'
import type { LiveStatus } from '../../shared/class/status'
import { formatTextProblem } from '../../shared/text-file'
import { isGiftFile, parseGift } from '../../shared/quiz/lms/gift-import'
import { formatPackProblems, parsePack, type QuestionPack } from '../../shared/quiz/pack'
import { LiveClassError, startLiveClass, type LiveClass } from '../class/live-class'
import type { NetworkChoice } from '../class/network'
import { ClassPortInUseError } from '../class/server'
import { loadStudentPage, StudentPageMissingError } from '../class/student-files'
import { defaultDataDir } from '../store/data-dir'
import { QuizStore } from '../store/quiz-store'
import { rendererDir as builtRendererDir } from '../web/args'
import { decodeFileBytes, readBounded } from './load-script'
import { EXIT, type CliIo } from './run-cli'

/** The port a class listens on unless told: stable, so a firewall rule keeps working. */
export const DEFAULT_CLASS_PORT = 47200

/** Options of `class serve`. */
export interface ClassArgs {
  pack: string
  port: number
  network: NetworkChoice
  pacing: Pacing
  feedback: FeedbackMode
}

const USAGE =
  'Usage: socklab class serve <pack.yaml|.json|.gift> [--port N] [--host 127.0.0.1|0.0.0.0|ADDRESS] [--paced] [--feedback immediate|reveal]'

/** Reads `class` arguments; a string is what is wrong. */
export function parseClassArgs(argv: readonly string[]): ClassArgs | string {
  const [verb, ...rest] = argv
  if (verb !== 'serve') return `Unknown class command ${JSON.stringify(verb ?? '')}. ${USAGE}`
  const args: ClassArgs = {
    pack: '',
    port: DEFAULT_CLASS_PORT,
    network: { network: 'local' },
    pacing: 'self',
    feedback: 'immediate',
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!
    if (a === '--paced') args.pacing = 'teacher'
    else if (a === '--port') {
      const v = rest[++i] ?? ''
      const n = Number(v)
      if (!/^\d+$/.test(v) || n > 65535) return `--port needs a number from 0 to 65535, got "${v}".`
      args.port = n
    } else if (a === '--host') {
      const v = rest[++i] ?? ''
      if (v === '127.0.0.1' || v === 'localhost') args.network = { network: 'local' }
      else if (v === '0.0.0.0') args.network = { network: 'room' }
      else if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) args.network = { network: 'room', address: v }
      else
        return `--host must be 127.0.0.1, 0.0.0.0 or one IPv4 address of this computer, got "${v}".`
    } else if (a === '--feedback') {
      const v = rest[++i] ?? ''
      if (v !== 'immediate' && v !== 'reveal')
        return `--feedback must be immediate or reveal, got "${v}".`
      args.feedback = v
    } else if (a.startsWith('--')) return `Unknown option "${a}". ${USAGE}`
    else if (args.pack) return `Name one pack file, not "${args.pack}" and "${a}".`
    else args.pack = a
  }
  if (!args.pack) return `Name the pack file. ${USAGE}`
  return args
}

/** Where `class serve` reads keys and keeps results (tests pass their own). */
export interface ClassCliEnv {
  input?: Readable
  dataDir?: string
  rendererDir?: string
  /** Ends the class when it aborts (the signals do, by default). */
  signal?: AbortSignal
}

async function readPack(file: string): Promise<QuestionPack | string> {
  const bytes = await readBounded(file)
  if (typeof bytes === 'string') return bytes
  const text = decodeFileBytes(bytes)
  if (!text.ok) return `${file}: ${formatTextProblem(text.problem)}`
  const parsed = isGiftFile(file) ? parseGift(text.value, file) : parsePack(text.value)
  if (!parsed.ok)
    return `The question pack ${file} is not valid:\n${formatPackProblems(parsed.problems, file)}`
  return parsed.pack
}

/** The one line of counts printed when the class changes. */
export function countsLine(s: LiveStatus): string {
  const connected = s.students.filter((x) => x.connected).length
  const answers = s.questions.reduce((n, q) => n + q.answered, 0)
  const where =
    s.pacing === 'teacher'
      ? s.current === null
        ? 'not started'
        : `question ${s.current + 1}/${s.questions.length}`
      : 'self-paced'
  const saved = s.saved.error ? `NOT SAVED: ${s.saved.error}` : `${s.saved.students} saved`
  return `${s.students.length} joined (${connected} connected) · ${answers} answers · ${where} · ${saved}`
}

/** Runs `socklab class ...`; resolves with the exit code. */
export async function runClassCli(
  argv: readonly string[],
  io: CliIo,
  env: ClassCliEnv = {},
): Promise<number> {
  const args = parseClassArgs(argv)
  if (typeof args === 'string') {
    io.err(args)
    return EXIT.badInput
  }
  const pack = await readPack(args.pack)
  if (typeof pack === 'string') {
    io.err(pack)
    return EXIT.badInput
  }
  let page
  try {
    page = await loadStudentPage(env.rendererDir ?? builtRendererDir(import.meta.url))
  } catch (error) {
    io.err(error instanceof StudentPageMissingError ? error.message : String(error))
    return EXIT.unsupported
  }
  let store: QuizStore
  const dataDir = env.dataDir ?? defaultDataDir()
  try {
    store = QuizStore.open(dataDir)
  } catch (error) {
    io.err(
      `The gradebook in ${dataDir} cannot be opened, so the class's results could not be kept: ${error instanceof Error ? error.message : String(error)}`,
    )
    return EXIT.failed
  }

  let live: LiveClass
  let last = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  const print = (): void => {
    timer = undefined
    const line = countsLine(live.status())
    if (line !== last) io.out(line)
    last = line
  }
  try {
    live = await startLiveClass({
      pack,
      pacing: args.pacing,
      feedback: args.feedback,
      network: args.network,
      port: args.port,
      page,
      save: async (files) => void store.saveLiveResults(files, new Date().toISOString()),
      // At most one line a second, however fast answers come.
      onChange: () => (timer ??= setTimeout(print, 1000)),
    })
  } catch (error) {
    store.close()
    if (error instanceof ClassPortInUseError || error instanceof LiveClassError) {
      io.err(error.message)
      return EXIT.badInput
    }
    throw error
  }

  const status = live.status()
  const url = status.network.urls[0]!
  io.out(
    `Live class "${pack.title.en}" (pack ${pack.id}): ${status.questions.length} question${status.questions.length === 1 ? '' : 's'}, ${args.pacing === 'teacher' ? 'teacher-paced' : 'self-paced'}, feedback ${args.feedback === 'immediate' ? 'at once' : 'when you reveal'}.`,
  )
  for (const s of status.skipped) io.err(`Left out ${s.id}: ${s.why}`)
  io.out(`Join code: ${status.code}`)
  for (const u of status.network.urls) io.out(`Students open: ${u}`)
  io.out(renderUnicodeCompact(url))
  io.out(
    status.network.room
      ? `Open to the room's network on ${status.network.host} port ${status.network.port}: anyone on it with the code can join (allow the port in the firewall if students cannot reach it).`
      : `Only this computer can join (${status.network.host}). To open the class to the room's network: --host 0.0.0.0 (or one address of this computer).`,
  )
  io.out(
    'Keys (then Enter): n next question, p previous, r reveal answers, s self-paced, t teacher-paced, e end the class. Ctrl+C ends it too.',
  )
  io.out(countsLine(status))

  let resolve!: (how: string) => void
  const ended = new Promise<string>((r) => (resolve = r))
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  const onSignal = (name: NodeJS.Signals): void => resolve(name)
  if (env.signal) env.signal.addEventListener('abort', () => resolve('abort'), { once: true })
  else for (const name of signals) process.once(name, onSignal)
  const lines = createInterface({ input: env.input ?? process.stdin, terminal: false })
  lines.on('line', (line) => {
    const key = line.trim().toLowerCase()
    const at = live.status().current ?? -1
    if (key === 'e' || key === 'q') return resolve('e')
    if (key === 'n') live.control({ kind: 'goto', index: at + 1 })
    else if (key === 'p') live.control({ kind: 'goto', index: Math.max(0, at - 1) })
    else if (key === 'r') live.control({ kind: 'reveal', which: 'current' })
    else if (key === 's') live.control({ kind: 'pacing', pacing: 'self' })
    else if (key === 't') live.control({ kind: 'pacing', pacing: 'teacher' })
    else if (key) return io.err(`Unknown key "${key}": n, p, r, s, t or e.`)
    print()
  })
  const how = await ended
  lines.close()
  if (!env.signal) for (const name of signals) process.off(name, onSignal)
  clearTimeout(timer)
  const final = await live.end()
  store.close()
  const answers = final.questions.reduce((n, q) => n + q.answered, 0)
  io.out(
    `Class ${final.code} ended${how.startsWith('SIG') ? ` by ${how}` : ''}: ${final.students.length} student${final.students.length === 1 ? '' : 's'}, ${answers} answer${answers === 1 ? '' : 's'}; ${final.saved.error ? `NOT all saved (${final.saved.error})` : `results of ${final.saved.students} student${final.saved.students === 1 ? '' : 's'} in the gradebook (${store.file})`}.`,
  )
  return final.saved.error ? EXIT.failed : EXIT.done
}
