/**
 * A test double of the contract for component and store tests: it answers calls from data
 * the test gives it and lets the test push run updates. Test support only, never shipped.
 */
import { createApp, defineComponent, type App } from 'vue'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import type {
  Capabilities,
  GradeFolderRequest,
  GradeUpdate,
  GradeUpdateMessage,
  LabApi,
  MenuCommand,
  Result,
  RunRequest,
  RunUpdateMessage,
  ScenarioSummary,
} from '../../shared/contract'
import type { LabScript } from '../../shared/lab-script'
import type { LabError, LabResult, RunUpdate, StepResult } from '../../shared/lab-result'
import type { QuizProof } from '../../shared/quiz/proof'
import { LAB_API, type RendererApi } from '../api/index'
import { createLabI18n, type Language } from '../i18n/index'
import { QUIZ_PROOF } from '../lib/fixtures/index'
import { createFakeQuiz, type FakeQuizData } from './fake-quiz'
import { createFakeLive, type FakeLiveData } from './fake-live'

/** Two cases like the catalog's first ones. */
export const SCENARIOS: ScenarioSummary[] = [
  {
    id: 'connect.ok',
    title: { en: 'Normal three-way handshake', zh: '正常的三次握手' },
    section: 'establish.1',
    group: 'connect',
    backends: ['sim', 'kernel'],
  },
  {
    id: 'connect.refused',
    title: { en: 'Connecting to a port nobody listens on', zh: '连接服务端未监听的端口' },
    section: 'establish.2',
    group: 'connect',
    backends: ['sim', 'kernel'],
  },
  {
    id: 'peer.crash-fin',
    title: { en: 'Peer crashes, its OS sends FIN', zh: '对端崩溃并发送 FIN' },
    section: 'transfer.4.1',
    group: 'data',
    backends: ['sim'],
  },
]

/** The scripts of {@link SCENARIOS} (defaults applied, as getScenario returns them). */
export const SCRIPTS: Record<string, LabScript> = {
  'connect.ok': {
    labScript: 1,
    id: 'connect.ok',
    profile: 'linux',
    topology: 'direct',
    timers: {},
    limitMs: 2000,
    steps: [
      { actor: 'server', op: 'listen', port: 7001 },
      { actor: 'client', op: 'connect', port: 7001, at: 10 },
      { actor: 'server', op: 'accept' },
    ],
  },
  'connect.refused': {
    labScript: 1,
    id: 'connect.refused',
    profile: 'linux',
    topology: 'direct',
    timers: {},
    limitMs: 5000,
    steps: [{ actor: 'client', op: 'connect', port: 7002 }],
  },
  'peer.crash-fin': {
    labScript: 1,
    id: 'peer.crash-fin',
    profile: 'linux',
    topology: 'direct',
    timers: { retries2: 3 },
    limitMs: 5000,
    steps: [
      { actor: 'server', op: 'listen', port: 7001 },
      { actor: 'client', op: 'connect', port: 7001 },
      { actor: 'client', op: 'send', bytes: 5, at: 200 },
    ],
  },
}

/** Capabilities of a host whose kernel lab works. */
export const CAPABILITIES: Capabilities = {
  version: '0.1.0-test',
  shell: 'web',
  platform: 'linux',
  kernel: { available: true, isolation: 'netns', detail: 'private network namespace' },
  programs: { available: true, detail: 'strace and ptrace work here' },
  profiles: ['linux', 'linux-legacy', 'windows', 'macos'],
}

/** A refused connect as a Linux host reports it. */
export const REFUSED_STEP: StepResult = {
  index: 0,
  actor: 'client',
  op: 'connect',
  startMs: 0,
  endMs: 0.3,
  outcome: 'returned',
  ret: -1,
  errno: 'ECONNREFUSED',
  errnoNumber: 111,
  message: 'Connection refused',
}

/** The result document that goes with {@link REFUSED_STEP}. */
export function refusedResult(overrides: Partial<LabResult> = {}): LabResult {
  return {
    labScript: 1,
    id: 'connect.refused',
    backend: 'sim',
    profile: 'linux',
    timers: {
      synRetries: 6,
      synackRetries: 5,
      retries2: 15,
      keepalive: { idleS: 7200, intervalS: 75, count: 9 },
    },
    timersShortened: false,
    durationMs: 0.3,
    steps: [REFUSED_STEP],
    events: [
      { tMs: 0, type: 'state', actor: 'client', from: 'CLOSED', to: 'SYN_SENT' },
      {
        tMs: 0,
        type: 'segment',
        dir: 'c2s',
        flags: ['SYN'],
        seq: 0,
        ack: 0,
        len: 0,
        fate: 'delivered',
      },
      {
        tMs: 0.3,
        type: 'segment',
        dir: 's2c',
        flags: ['RST', 'ACK'],
        seq: 0,
        ack: 1,
        len: 0,
        fate: 'delivered',
      },
      { tMs: 0.3, type: 'state', actor: 'client', from: 'SYN_SENT', to: 'CLOSED' },
      { tMs: 0.3, type: 'syscall', step: 0 },
    ],
    final: { client: 'CLOSED', server: 'CLOSED' },
    ...overrides,
  }
}

/** The fake API plus handles for the test. */
export interface FakeLab extends RendererApi {
  requests: RunRequest[]
  cancelled: string[]
  /** Ids of the runs started, in order (the caller names each run). */
  started: string[]
  /** The id of the `n`-th run started (1-based), the latest by default. */
  runId(n?: number): string
  /** Pushes an update of a run to every listener. */
  push(runId: string, update: RunUpdate): void
  /** Sends a menu command as the desktop menu would. */
  menu(command: MenuCommand): void
  /** Updates to push, synchronously, before startRun answers (a very fast run). */
  beforeReply: RunUpdate[]
  /** When set, every run started ends with this update, pushed on the next timer tick. */
  finishWith: ((request: RunRequest) => RunUpdate) | null
  setConnection(state: 'connecting' | 'open' | 'closed'): void
  /** What the quiz calls keep (attempts, packs, result files), in memory. */
  quiz: FakeQuizData
  /** How many times the quiz proof was asked for. */
  proofCalls: number
  /** The file names savePdf was asked for. */
  pdfs: string[]
  /** The live class (a real pure session, no server). */
  live: FakeLiveData
  /** The folders classGradeFolder was asked to grade, and the jobs cancelled. */
  grades: GradeFolderRequest[]
  gradesCancelled: string[]
  /** Pushes a grading update to every listener. */
  pushGrade(jobId: string, update: GradeUpdate): void
}

/** Options: replace any answer with an error or other data. */
export interface FakeLabOptions {
  scenarios?: Result<ScenarioSummary[]>
  capabilities?: Result<Capabilities>
  /** An error every start answers with (a refused run). */
  startRun?: Result<never>
  /** Delay (ms) before calls answer; 0 answers on the next microtask. */
  delayMs?: number
  /** What the quiz store starts with. */
  quiz?: Partial<FakeQuizData>
  /** The quizProof answer (default: the recorded simulator runs of the whole catalog). */
  quizProof?: Result<QuizProof>
  /** The savePdf answer (default: saved under /tmp). */
  savePdf?: Result<{ saved: string | null }>
  /** The classGradeFolder answer (default: the students `ann` and `bob`, none skipped). */
  gradeFolder?: Result<never>
  /** The classPickFolder answer (default: unsupported, as in browser mode). */
  pickFolder?: Result<{ folder: string | null }>
}

function okResult<T>(value: T): Result<T> {
  return { ok: true, value }
}

/** An error {@link Result}. */
export function errorResult(code: LabError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

/** Builds a fake {@link LabApi}. */
export function createFakeLab(options: FakeLabOptions = {}): FakeLab {
  const runListeners = new Set<(m: RunUpdateMessage) => void>()
  const menuListeners = new Set<(c: MenuCommand) => void>()
  const connListeners = new Set<(s: 'connecting' | 'open' | 'closed') => void>()
  const live: FakeLiveData = { session: null, started: 0, commands: [] }
  const gradeListeners = new Set<(m: GradeUpdateMessage) => void>()
  const quiz: FakeQuizData = {
    attempts: [],
    packs: [],
    results: [],
    programs: [],
    ...options.quiz,
  }
  const answer = async <T>(value: T): Promise<T> => {
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs))
    return value
  }
  const fake: FakeLab = {
    requests: [],
    cancelled: [],
    started: [],
    runId(n) {
      const id = n === undefined ? fake.started.at(-1) : fake.started[n - 1]
      if (!id) throw new Error(`no run ${n ?? '(latest)'} was started`)
      return id
    },
    beforeReply: [],
    finishWith: null,
    quiz,
    proofCalls: 0,
    pdfs: [],
    live,
    grades: [],
    gradesCancelled: [],
    ...createFakeQuiz(quiz),
    ...createFakeLive(() => quiz.packs, live),
    quizProof: () => {
      fake.proofCalls++
      return answer(options.quizProof ?? okResult(QUIZ_PROOF))
    },
    getCapabilities: () => answer(options.capabilities ?? okResult(CAPABILITIES)),
    listScenarios: () => answer(options.scenarios ?? okResult(SCENARIOS)),
    getScenario: (id) =>
      answer(SCRIPTS[id] ? okResult(SCRIPTS[id]) : errorResult('unknown-scenario', `no ${id}`)),
    startRun: async (request) => {
      fake.requests.push(request)
      if (options.startRun) return answer(options.startRun)
      // Like main/lab/service.ts: the caller's name is the run's, and a name is used once.
      if (fake.started.includes(request.runId))
        return answer(errorResult('bad-input', `A run named "${request.runId}" is already going.`))
      fake.started.push(request.runId)
      for (const update of fake.beforeReply.splice(0)) fake.push(request.runId, update)
      const finish = fake.finishWith
      if (finish) setTimeout(() => fake.push(request.runId, finish(request)), 0)
      return answer(okResult({ runId: request.runId }))
    },
    cancelRun: async (runId) => {
      fake.cancelled.push(runId)
      return answer(okResult(null))
    },
    savePdf: async (request) => {
      fake.pdfs.push(request.fileName)
      return answer(options.savePdf ?? okResult({ saved: `/tmp/${request.fileName}` }))
    },
    classGradeFolder: async (request) => {
      fake.grades.push(request)
      if (options.gradeFolder) return answer(options.gradeFolder)
      return answer(
        okResult({
          jobId: request.jobId,
          lab: 'client-faults',
          students: ['ann', 'bob'],
          skipped: [],
        }),
      )
    },
    classCancelGrade: async (jobId) => {
      fake.gradesCancelled.push(jobId)
      return answer(okResult(null))
    },
    classPickFolder: async () =>
      answer(
        options.pickFolder ?? errorResult('unsupported', 'Browser mode has no folder dialog.'),
      ),
    onGradeUpdate(listener) {
      gradeListeners.add(listener)
      return () => gradeListeners.delete(listener)
    },
    pushGrade(jobId, update) {
      for (const listener of gradeListeners) listener({ jobId, update })
    },
    onRunUpdate(listener) {
      runListeners.add(listener)
      return () => runListeners.delete(listener)
    },
    onMenuCommand(listener) {
      menuListeners.add(listener)
      return () => menuListeners.delete(listener)
    },
    onConnectionChange(listener) {
      connListeners.add(listener)
      return () => connListeners.delete(listener)
    },
    push(runId, update) {
      for (const listener of runListeners) listener({ runId, update })
    },
    menu(command) {
      for (const listener of menuListeners) listener(command)
    },
    setConnection(state) {
      for (const listener of connListeners) listener(state)
    },
  }
  return fake
}

/** What component tests pass to `mount(..., { global })`. */
export function testGlobals(api: LabApi, language: Language = 'en') {
  const pinia = createPinia()
  setActivePinia(pinia)
  return {
    pinia,
    global: {
      plugins: [pinia, createLabI18n(language)],
      provide: { [LAB_API as symbol]: api },
    },
  }
}

/** An app context so stores can be used without mounting a component. */
export function storeContext(api: LabApi): { app: App; pinia: Pinia } {
  const app = createApp(defineComponent({ render: () => null }))
  const pinia = createPinia()
  app.provide(LAB_API, api)
  app.use(pinia)
  setActivePinia(pinia)
  return { app, pinia }
}

/** Waits until pending promises and timers of zero delay have run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0))
}
