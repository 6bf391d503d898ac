/**
 * The teacher's grading of a folder of program submissions (docs/program-labs.md): the program
 * lab picked in the page (read here, so a bad file is named line by line before anything
 * runs), the folder's path (typed, or the desktop app's folder dialog), the class code; then
 * the main process grades one student after another and the page follows each step live
 * (`onGradeUpdate`), refreshing the gradebook as each student's grade is kept.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { GradeUpdateMessage } from '../../shared/contract'
import type { Localized } from '../../shared/lab-script'
import { readProgramLab } from '../../shared/program-lab'
import type { PickedFile } from '../../shared/quiz/attempt-schema'
import { plainText } from '../lib/plain-text'
import { newRunId } from '../lib/run-to-end'
import { useCatalogStore } from './catalog'
import { useClassroomStore } from './classroom'
import { useLabApi } from './lab-api'

/** A picked program lab, read. */
export interface PickedLab {
  file: PickedFile
  id: string
  title: Localized
  role: 'client' | 'server'
  cases: string[]
}

/** One student's line while a folder is graded. */
export interface GradingRow {
  student: string
  state: 'waiting' | 'grading' | 'graded' | 'skipped' | 'stopped'
  /** The case being run (0-based) while grading. */
  caseIndex?: number
  passed?: number
  total?: number
  /** Why it was not graded. */
  message?: string
}

/** The end of the last grading. */
export interface GradingOutcome {
  graded: number
  passed: number
  cancelled: boolean
  error?: string
}

/** Grading state and actions. */
export const useProgramGradingStore = defineStore('programGrading', () => {
  const api = useLabApi('useProgramGradingStore')
  const catalog = useCatalogStore()
  const classroom = useClassroomStore()

  const lab = shallowRef<PickedLab | null>(null)
  const labProblems = ref<string[]>([])
  const folder = ref('')
  const classCode = ref('')
  const jobId = ref<string | null>(null)
  const rows = ref<GradingRow[]>([])
  const outcome = ref<GradingOutcome | null>(null)
  /** Why the last start was refused (a sentence from main), or a missing field. */
  const error = ref<string | null>(null)
  const starting = ref(false)

  const going = computed(() => jobId.value !== null)
  /** Null when programs can run here, else the host's sentence saying why not. */
  const unavailable = computed(() => {
    const caps = catalog.capabilities
    if (!caps) return null
    return caps.programs.available ? null : caps.programs.detail
  })
  /** Only the desktop app has a folder dialog; browser mode takes the path typed in. */
  const canPickFolder = computed(() => catalog.capabilities?.shell === 'electron')
  const current = computed(() => rows.value.findIndex((r) => r.state === 'grading'))

  /** Reads a picked lab file; its problems (file, line, field) are kept to show. */
  function pickLab(file: PickedFile): void {
    const read = readProgramLab(file.text, file.name)
    if (!read.ok) {
      lab.value = null
      labProblems.value = read.problems
      return
    }
    labProblems.value = []
    lab.value = {
      file,
      id: read.lab.id,
      title: read.lab.title,
      role: read.lab.role,
      cases: read.cases.map((c) => c.name),
    }
  }

  /** Shows that a picked file is another kind of file (the page names it). */
  function refuseLab(message: string): void {
    lab.value = null
    labProblems.value = [message]
  }

  async function chooseFolder(): Promise<void> {
    const answer = await api.classPickFolder()
    if (!answer.ok) error.value = plainText(answer.error.message)
    else if (answer.value.folder) folder.value = answer.value.folder
  }

  const row = (index: number): GradingRow | undefined => rows.value[index]

  /** Updates that came before the start's answer (which lists the students): replayed then. */
  let early: GradeUpdateMessage[] = []

  function onUpdate(message: GradeUpdateMessage): void {
    if (message.jobId !== jobId.value) return
    if (starting.value) {
      early.push(message)
      return
    }
    const u = message.update
    if (u.kind === 'student') {
      const r = row(u.index)
      if (r) Object.assign(r, { state: 'grading', caseIndex: 0 })
    } else if (u.kind === 'case') {
      const r = row(u.index)
      if (r) r.caseIndex = u.caseIndex + 1
    } else if (u.kind === 'graded') {
      const r = row(u.index)
      if (r) Object.assign(r, { state: 'graded', passed: u.passed, total: u.total })
      void classroom.loadGradebook()
    } else if (u.kind === 'skipped') {
      const r = row(u.index)
      if (r) Object.assign(r, { state: 'skipped', message: u.message })
    } else {
      for (const r of rows.value)
        if (r.state === 'waiting' || r.state === 'grading') r.state = 'stopped'
      outcome.value = {
        graded: u.graded,
        passed: u.passed,
        cancelled: u.cancelled,
        ...(u.error ? { error: plainText(u.error) } : {}),
      }
      jobId.value = null
      void classroom.loadGradebook()
    }
  }
  api.onGradeUpdate(onUpdate)

  /** Starts grading; a refusal (from here or main) is kept in `error`. */
  async function start(): Promise<void> {
    if (going.value || starting.value) return
    error.value = null
    if (!lab.value) {
      error.value = 'needLab'
      return
    }
    if (!folder.value.trim()) {
      error.value = 'needFolder'
      return
    }
    starting.value = true
    outcome.value = null
    const id = newRunId()
    // Named before the call, so the updates that come before its answer are known.
    jobId.value = id
    rows.value = []
    early = []
    try {
      const answer = await api.classGradeFolder({
        jobId: id,
        lab: lab.value.file,
        folder: folder.value.trim(),
        ...(classCode.value.trim() ? { classCode: classCode.value.trim() } : {}),
      })
      if (!answer.ok) {
        jobId.value = null
        error.value = plainText(answer.error.message)
        return
      }
      rows.value = [
        ...answer.value.students.map((student): GradingRow => ({ student, state: 'waiting' })),
        ...answer.value.skipped.map((s): GradingRow => ({
          student: s.student,
          state: 'skipped',
          message: s.message,
        })),
      ]
    } finally {
      starting.value = false
      const replay = early
      early = []
      for (const m of replay) onUpdate(m)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await api.classCancelGrade(jobId.value)
  }

  return {
    lab,
    labProblems,
    folder,
    classCode,
    jobId,
    rows,
    outcome,
    error,
    starting,
    going,
    unavailable,
    canPickFolder,
    current,
    pickLab,
    refuseLab,
    chooseFolder,
    start,
    cancel,
  }
})
