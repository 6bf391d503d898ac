/**
 * The one contract between the UI and everything that runs in Node.
 *
 * A new call starts here: add it to {@link LabCalls}, give it a channel and an argument
 * schema in {@link CALLS}, implement it in `main/lab/service.ts`. The Electron preload
 * `satisfies` {@link LabApi}, the IPC and WebSocket hosts validate every argument with the
 * schemas below, and the renderer's `window.lab` has this type. Channel names live only here.
 */
import { z } from 'zod'
import {
  BACKEND_IDS,
  PROFILE_IDS,
  type LabScript,
  type BackendId,
  type ProfileId,
  type Localized,
} from './lab-script'
import type { LabError, RunUpdate } from './lab-result'
import {
  liveControlSchema,
  liveStartSchema,
  type LiveControl,
  type LiveStart,
} from './class/control'
import type { LiveStatus } from './class/status'
import type { StoredGrade } from './program-gradebook'
import { pickedFileSchema, quizAttemptSchema, type PickedFile } from './quiz/attempt-schema'
import type { TopicMastery } from './quiz/grade'
import type { Gradebook } from './quiz/gradebook'
import type { QuizProof } from './quiz/proof'
import type { ResultFile } from './quiz/result-file'
import type { QuizAttempt } from './quiz/types'

/** Every call's answer: data or an error as data (Electron keeps only `message` of a throw). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: LabError }

/** Builds a success {@link Result}. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

/** Builds a failure {@link Result}. */
export function fail<T = never>(
  code: LabError['code'],
  message: string,
  problems?: LabError['problems'],
): Result<T> {
  return { ok: false, error: problems ? { code, message, problems } : { code, message } }
}

/** A catalog entry as the case picker shows it. */
export interface ScenarioSummary {
  id: string
  title: Localized
  /** Article section key (see shared/article.ts). */
  section: string
  /**
   * Picker group, like the article: connection phase, data phase, added cases; then the
   * textbook's boundary cases (bind, non-blocking connect, the accept queue, signals...).
   */
  group: 'connect' | 'data' | 'more' | 'boundary'
  /** Backends that can express it at all (the host may still refuse the kernel). */
  backends: BackendId[]
}

/** What the kernel backend can do on this host. */
export interface KernelCapability {
  available: boolean
  isolation: 'netns' | 'loopback' | 'none'
  /** One sentence: why it is limited, or what it uses. */
  detail: string
}

/** What this app instance offers. */
export interface Capabilities {
  version: string
  /** `electron` in the desktop window, `web` in browser mode. */
  shell: 'electron' | 'web'
  platform: string
  kernel: KernelCapability
  /** Whether your own program can run as an actor here (strace, ptrace, the kernel lab). */
  programs: { available: boolean; detail: string }
  profiles: ProfileId[]
}

/** What a run id looks like: the caller makes one (a UUID or any 8-64 such characters). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

/**
 * Start a run: a catalog id or a whole script, on one backend. The caller names the run
 * (`runId`) before it starts, so every update it is sent belongs to a run it already knows.
 */
export const runRequestSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id is 8-64 letters, digits, "_" or "-"'),
  scenarioId: z.string().min(1).max(200).optional(),
  /** A teacher's script; validated by the session with step-and-field messages. */
  script: z.unknown().optional(),
  backend: z.enum(BACKEND_IDS),
  /** Overrides the script's profile (simulator only). */
  profile: z.enum(PROFILE_IDS).optional(),
  /**
   * Your own program (issue 14, kernel backend only): the command line that plays `role`
   * instead of the script's steps for it, `{host}` and `{port}` replaced
   * (docs/program-labs.md). Split into words like a shell does (quotes, no expansion).
   */
  program: z
    .strictObject({
      role: z.enum(['client', 'server']),
      command: z.string().trim().min(1, 'name the program to run').max(2000),
    })
    .optional(),
})
/** Argument of {@link LabCalls.startRun}. */
export type RunRequest = z.output<typeof runRequestSchema>

/** A pushed run update, tagged with its run. */
export interface RunUpdateMessage {
  runId: string
  update: RunUpdate
}

/** Commands the desktop menu sends to the UI. */
export type MenuCommand =
  | { command: 'set-language'; language: 'zh' | 'en' }
  | { command: 'navigate'; view: 'lab' | 'summary' | 'quiz' | 'classroom' }
  | { command: 'about' }

/** The quiz's history: stored attempts (newest first) and mastery per topic over all of them. */
export interface QuizHistory {
  attempts: QuizAttempt[]
  mastery: TopicMastery[]
}

/** An imported question pack as stored: the teacher's file text and when it came in. */
export interface PackRecord {
  id: string
  title: Localized
  /** The file as the teacher wrote it (YAML or JSON); the page builds the quiz from it. */
  source: string
  importedAt: string
}

/** The teacher's gradebook over every imported result file and program-lab grade. */
export interface ClassBook {
  files: ResultFile[]
  /** Program-lab grade reports (shared/program-report.ts) and where each came from. */
  programs: StoredGrade[]
  gradebook: Gradebook
}

/** What importing result files did: how many were new, which files were refused and why. */
export interface ResultImport extends ClassBook {
  added: number
  problems: { file: string; message: string }[]
}

/** An address of this computer on the room's network (a live class may listen on it). */
export interface RoomAddress {
  /** The interface's name (`wlan0`, `Ethernet`). */
  name: string
  address: string
}

// ---- Grading a folder of submissions (program labs in the Classroom, docs/program-labs.md) ----

/**
 * Grade a folder of students' programs by a program lab: the lab file as picked in the page,
 * the folder's full path on this machine (one subfolder per student), the class code the
 * reports carry. The caller names the job, as it names runs.
 */
export const gradeFolderRequestSchema = z.strictObject({
  jobId: z.string().regex(RUN_ID_PATTERN, 'a job id is 8-64 letters, digits, "_" or "-"'),
  lab: pickedFileSchema,
  folder: z.string().trim().min(1, 'name the folder of submissions').max(4096),
  classCode: z.string().trim().max(64).optional(),
})
/** Argument of {@link LabCalls.classGradeFolder}. */
export type GradeFolderRequest = z.output<typeof gradeFolderRequestSchema>

/** What a started grading found: the submissions it will grade, and the subfolders it will not. */
export interface GradeFolderStart {
  jobId: string
  lab: string
  /** The students whose programs are graded, in order. */
  students: string[]
  skipped: { student: string; message: string }[]
}

/** One step of a folder's grading; `done` is the last. */
export type GradeUpdate =
  | { kind: 'student'; index: number; student: string; command: string[] }
  | { kind: 'case'; index: number; case: string; caseIndex: number; passed: boolean }
  | { kind: 'graded'; index: number; student: string; passed: number; total: number }
  | { kind: 'skipped'; index: number; student: string; message: string }
  | { kind: 'done'; graded: number; passed: number; cancelled: boolean; error?: string }

/** A pushed grading update, tagged with its job. */
export interface GradeUpdateMessage {
  jobId: string
  update: GradeUpdate
}

/** Request/response calls. */
export interface LabCalls {
  getCapabilities(): Promise<Result<Capabilities>>
  listScenarios(): Promise<Result<ScenarioSummary[]>>
  getScenario(id: string): Promise<Result<LabScript>>
  startRun(request: RunRequest): Promise<Result<{ runId: string }>>
  cancelRun(runId: string): Promise<Result<null>>
  /** Saves a finished quiz attempt (all its answers, mastery) in one transaction. */
  quizSaveAttempt(attempt: QuizAttempt): Promise<Result<{ saved: boolean }>>
  quizHistory(): Promise<Result<QuizHistory>>
  /**
   * The simulator's runs of every catalog case on every profile, as the quiz generator proves
   * its questions against them (shared/quiz/proof.ts): the same seed and this proof give the
   * same quiz as the CLI's.
   */
  quizProof(): Promise<Result<QuizProof>>
  /** Validates and stores a teacher's pack; a bad file names its line and field. */
  packImport(file: PickedFile): Promise<Result<PackRecord>>
  packList(): Promise<Result<PackRecord[]>>
  packDelete(id: string): Promise<Result<null>>
  /** Imports students' result files into the gradebook; bad files are listed, not fatal. */
  classImportResults(files: PickedFile[]): Promise<Result<ResultImport>>
  classGradebook(): Promise<Result<ClassBook>>
  classClearResults(): Promise<Result<null>>
  /**
   * Saves the window's page as an A4 PDF, asking where (the printable lab sheet). The desktop
   * app's call: browser mode answers `unsupported`, since a browser prints the page itself.
   * `saved` is the file written, or null when the user cancelled the dialog.
   */
  savePdf(request: PdfRequest): Promise<Result<{ saved: string | null }>>
  /**
   * Starts a live class from an imported pack (docs/live-class.md): a class server for
   * students' browsers, on this computer only or, when the teacher opts in, on the room's
   * network. One class at a time; its status comes back at once.
   */
  classStart(request: LiveStart): Promise<Result<LiveStatus>>
  /** The running class as the teacher sees it (null when none is running); asked every second. */
  classStatus(): Promise<Result<LiveStatus | null>>
  /** Moves the class on, changes its pacing or feedback, reveals answers. */
  classControl(command: LiveControl): Promise<Result<LiveStatus>>
  /** Ends the class: every student is disconnected, the rest of the results saved. */
  classEnd(): Promise<Result<LiveStatus>>
  /** This computer's addresses on the room's network (for the teacher's choice). */
  classAddresses(): Promise<Result<RoomAddress[]>>
  // Program labs in the Classroom (see "Grading a folder of submissions" above).
  /**
   * Starts grading a folder of submissions by a program lab on the kernel, one after another;
   * progress comes as {@link LabEvents.onGradeUpdate}, each grade goes into the gradebook.
   */
  classGradeFolder(request: GradeFolderRequest): Promise<Result<GradeFolderStart>>
  classCancelGrade(jobId: string): Promise<Result<null>>
  /**
   * The desktop app's folder dialog (`folder` null when cancelled). Browser mode answers
   * `unsupported`: its page takes the folder's path typed in.
   */
  classPickFolder(): Promise<Result<{ folder: string | null }>>
}

/** What {@link LabCalls.savePdf} saves: the name the save dialog proposes. */
export interface PdfRequest {
  fileName: string
}

/** Pushed events: each returns an unsubscribe function. */
export interface LabEvents {
  onRunUpdate(listener: (message: RunUpdateMessage) => void): () => void
  onMenuCommand(listener: (command: MenuCommand) => void): () => void
  onGradeUpdate(listener: (message: GradeUpdateMessage) => void): () => void
}

/** The whole API the renderer sees as `window.lab`. */
export type LabApi = LabCalls & LabEvents

/** Name of one call. */
export type CallName = keyof LabCalls

/** The quiz and classroom calls (implemented over the SQLite store by main/lab/quiz-service.ts). */
export type QuizCallName =
  | 'quizSaveAttempt'
  | 'quizHistory'
  | 'packImport'
  | 'packList'
  | 'packDelete'
  | 'classImportResults'
  | 'classGradebook'
  | 'classClearResults'

/** The live class's calls (implemented by main/lab/class-service.ts). */
export type LiveCallName =
  'classStart' | 'classStatus' | 'classControl' | 'classEnd' | 'classAddresses'

/** Channel and argument schema of every call: the only place channel names are written. */
export const CALLS = {
  getCapabilities: { channel: 'lab:app:capabilities', args: z.tuple([]) },
  listScenarios: { channel: 'lab:scenario:list', args: z.tuple([]) },
  getScenario: { channel: 'lab:scenario:get', args: z.tuple([z.string().min(1).max(200)]) },
  startRun: { channel: 'lab:run:start', args: z.tuple([runRequestSchema]) },
  cancelRun: { channel: 'lab:run:cancel', args: z.tuple([z.string().min(1).max(100)]) },
  quizSaveAttempt: { channel: 'lab:quiz:save', args: z.tuple([quizAttemptSchema]) },
  quizHistory: { channel: 'lab:quiz:history', args: z.tuple([]) },
  quizProof: { channel: 'lab:quiz:proof', args: z.tuple([]) },
  packImport: { channel: 'lab:pack:import', args: z.tuple([pickedFileSchema]) },
  packList: { channel: 'lab:pack:list', args: z.tuple([]) },
  packDelete: { channel: 'lab:pack:delete', args: z.tuple([z.string().min(1).max(64)]) },
  classImportResults: {
    channel: 'lab:class:import',
    args: z.tuple([z.array(pickedFileSchema).min(1).max(500)]),
  },
  classGradebook: { channel: 'lab:class:gradebook', args: z.tuple([]) },
  classClearResults: { channel: 'lab:class:clear', args: z.tuple([]) },
  savePdf: {
    channel: 'lab:app:pdf',
    args: z.tuple([z.strictObject({ fileName: z.string().regex(/^[A-Za-z0-9._-]{1,120}\.pdf$/) })]),
  },
  classStart: { channel: 'lab:live:start', args: z.tuple([liveStartSchema]) },
  classStatus: { channel: 'lab:live:status', args: z.tuple([]) },
  classControl: { channel: 'lab:live:control', args: z.tuple([liveControlSchema]) },
  classEnd: { channel: 'lab:live:end', args: z.tuple([]) },
  classAddresses: { channel: 'lab:live:addresses', args: z.tuple([]) },
  classGradeFolder: { channel: 'lab:class:grade', args: z.tuple([gradeFolderRequestSchema]) },
  classCancelGrade: {
    channel: 'lab:class:grade-cancel',
    args: z.tuple([z.string().regex(RUN_ID_PATTERN)]),
  },
  classPickFolder: { channel: 'lab:class:pick-folder', args: z.tuple([]) },
} as const satisfies Record<CallName, { channel: string; args: z.ZodType<unknown[]> }>

/** Channels of pushed events. */
export const EVENTS = {
  onRunUpdate: 'lab:run:update',
  onMenuCommand: 'lab:app:menu',
  onGradeUpdate: 'lab:class:grade-update',
} as const satisfies Record<keyof LabEvents, string>

/** Validates the arguments of one call; problems come back as a `bad-input` error. */
export function validateArgs<N extends CallName>(
  name: N,
  args: unknown,
): { ok: true; args: Parameters<LabCalls[N]> } | { ok: false; error: LabError } {
  const parsed = CALLS[name].args.safeParse(args)
  if (parsed.success) return { ok: true, args: parsed.data as Parameters<LabCalls[N]> }
  const message = parsed.error.issues
    .map((i) => `${name} argument ${i.path.map(String).join('.') || '(all)'}: ${i.message}`)
    .join('; ')
  return { ok: false, error: { code: 'bad-input', message } }
}

/** WebSocket frames of browser mode (the same contract over one socket). */
export type WireFrame =
  | { type: 'call'; id: number; name: CallName; args: unknown[] }
  | { type: 'reply'; id: number; result: Result<unknown> }
  | { type: 'event'; channel: (typeof EVENTS)[keyof typeof EVENTS]; payload: unknown }
