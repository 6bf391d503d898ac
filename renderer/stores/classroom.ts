/**
 * The classroom: teachers' question packs (imported from a YAML or JSON file, validated with
 * line-and-field errors, kept in the SQLite store), a student's start of a pack lab, and the
 * teacher's gradebook over many imported result files, with its CSV export.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ClassBook, PackRecord } from '../../shared/contract'
import type { PickedFile } from '../../shared/quiz/attempt-schema'
import type { ResultFile } from '../../shared/quiz/result-file'
import type { GradeReport } from '../../shared/program-report'
import { gradebookCsv } from '../../shared/quiz/gradebook'
import { packQuiz, parsePack, type QuestionPack } from '../../shared/quiz/pack'
import { plainText } from '../lib/plain-text'
import { useQuizStore } from './quiz'
import { useLabApi } from './lab-api'

/** Result files go to main in batches that stay under browser mode's 1 MiB frame limit. */
export const BATCH_BYTES = 700_000
/** A bigger file cannot cross browser mode's socket in one frame: it is refused here. */
export const MAX_FILE_BYTES = 900_000

/** UTF-8 size of a text (a Chinese character takes three bytes on the wire). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length
}

/** Why a picked file cannot be sent, or null. */
export function tooLarge(file: PickedFile): string | null {
  const size = utf8Bytes(file.text)
  return size > MAX_FILE_BYTES
    ? `${file.name} is ${Math.ceil(size / 1000)} KB; the app takes files up to ${MAX_FILE_BYTES / 1000} KB.`
    : null
}

/** Splits files into batches of at most {@link BATCH_BYTES} (a bigger file alone), in order. */
export function batches(files: readonly PickedFile[]): PickedFile[][] {
  const out: PickedFile[][] = []
  let current: PickedFile[] = []
  let size = 0
  for (const f of files) {
    const bytes = utf8Bytes(f.text)
    if (current.length > 0 && size + bytes > BATCH_BYTES) {
      out.push(current)
      current = []
      size = 0
    }
    current.push(f)
    size += bytes
  }
  if (current.length > 0) out.push(current)
  return out
}

/** A student's details for a class lab. */
export interface StudentEntry {
  classCode: string
  student: string
}

/** Classroom state and actions. */
export const useClassroomStore = defineStore('classroom', () => {
  const api = useLabApi('useClassroomStore')

  const packs = ref<PackRecord[]>([])
  const packsError = ref<string | null>(null)
  /** The last pack import's error, with the file's line and field. */
  const importError = ref<string | null>(null)
  const imported = ref<PackRecord | null>(null)
  const book = shallowRef<ClassBook | null>(null)
  const bookError = ref<string | null>(null)
  const resultProblems = ref<{ file: string; message: string }[]>([])
  const lastAdded = ref<number | null>(null)
  const busy = ref(false)

  const students = computed(() => book.value?.gradebook.students ?? [])

  async function loadPacks(): Promise<void> {
    const answer = await api.packList()
    if (answer.ok) {
      packs.value = answer.value
      packsError.value = null
    } else packsError.value = plainText(answer.error.message)
  }

  /** Imports a pack file; a bad one is refused with its problems and nothing is stored. */
  async function importPack(file: PickedFile): Promise<boolean> {
    importError.value = null
    imported.value = null
    const big = tooLarge(file)
    if (big) {
      importError.value = big
      return false
    }
    const answer = await api.packImport(file)
    if (!answer.ok) {
      importError.value = plainText(answer.error.message)
      return false
    }
    imported.value = answer.value
    await loadPacks()
    return true
  }

  async function deletePack(id: string): Promise<void> {
    const answer = await api.packDelete(id)
    if (!answer.ok) packsError.value = plainText(answer.error.message)
    await loadPacks()
  }

  /** The validated pack of a stored record (the store kept the teacher's text). */
  function packOf(id: string): QuestionPack | string {
    const record = packs.value.find((p) => p.id === id)
    if (!record) return `There is no imported pack "${id}".`
    const parsed = parsePack(record.source)
    return parsed.ok ? parsed.pack : parsed.message
  }

  /**
   * Starts a pack as a class lab for a student; resolves to a problem to show (`proof`: the
   * simulator's runs could not be fetched, the quiz store says why), or null. Its
   * generated questions are proved against the simulator's runs, fetched first (the quiz store
   * keeps them): every student of a class gets the same questions for the pack's seed.
   */
  async function startPack(id: string, entry: StudentEntry): Promise<string | null> {
    const classCode = entry.classCode.trim()
    const student = entry.student.trim()
    if (!classCode) return 'classCode'
    if (!student) return 'student'
    const pack = packOf(id)
    if (typeof pack === 'string') return pack
    const quiz = useQuizStore()
    const proof = await quiz.loadProof()
    if (!proof) return 'proof'
    quiz.start(packQuiz(pack, undefined, proof), {
      kind: 'pack',
      packId: pack.id,
      packTitle: pack.title,
      classCode,
      student,
    })
    return null
  }

  async function loadGradebook(): Promise<void> {
    const answer = await api.classGradebook()
    if (answer.ok) {
      book.value = answer.value
      bookError.value = null
    } else bookError.value = plainText(answer.error.message)
  }

  /**
   * Imports students' result files; files that are not valid are listed, the rest count.
   * `refused`: files the page already turned away (another kind of file), listed with them.
   */
  async function importResults(
    files: readonly PickedFile[],
    refused: readonly { file: string; message: string }[] = [],
  ): Promise<void> {
    if (files.length === 0 && refused.length === 0) return
    busy.value = true
    lastAdded.value = null
    const sendable = files.filter((f) => !tooLarge(f))
    resultProblems.value = [
      ...refused,
      ...files.flatMap((f) => {
        const big = tooLarge(f)
        return big ? [{ file: f.name, message: big }] : []
      }),
    ]
    let added = 0
    try {
      for (const batch of batches(sendable)) {
        const answer = await api.classImportResults(batch)
        if (!answer.ok) {
          bookError.value = plainText(answer.error.message)
          break
        }
        added += answer.value.added
        resultProblems.value = [...resultProblems.value, ...answer.value.problems]
        book.value = {
          files: answer.value.files,
          programs: answer.value.programs,
          gradebook: answer.value.gradebook,
        }
        bookError.value = null
      }
      lastAdded.value = added
    } finally {
      busy.value = false
    }
  }

  /**
   * What a clear removed (result files and program-lab reports), until it is imported again
   * (undo) or dismissed.
   */
  const cleared = shallowRef<(ResultFile | GradeReport)[] | null>(null)

  /** Clears the gradebook (the page asks first); the files are kept so it can be undone. */
  async function clearResults(): Promise<void> {
    const kept = [
      ...(book.value?.files ?? []),
      ...(book.value?.programs ?? []).map((g) => g.report),
    ]
    const answer = await api.classClearResults()
    if (!answer.ok) bookError.value = plainText(answer.error.message)
    else cleared.value = kept.length > 0 ? kept : null
    resultProblems.value = []
    lastAdded.value = null
    await loadGradebook()
  }

  /** Puts the cleared files back (they are graded again, as any import is). */
  async function undoClear(): Promise<void> {
    const files = cleared.value
    if (!files) return
    cleared.value = null
    await importResults(
      files.map((f, i) => ({
        name: `${f.student}-${'packId' in f ? f.packId : f.lab}-${i + 1}.json`,
        text: JSON.stringify(f),
      })),
    )
  }

  /** The gradebook as CSV text (with a BOM, so spreadsheet programs read UTF-8 names right). */
  function csv(): string | null {
    return book.value ? `\uFEFF${gradebookCsv(book.value.gradebook)}` : null
  }

  return {
    packs,
    packsError,
    importError,
    imported,
    book,
    bookError,
    resultProblems,
    lastAdded,
    busy,
    students,
    loadPacks,
    importPack,
    deletePack,
    packOf,
    startPack,
    loadGradebook,
    importResults,
    clearResults,
    cleared,
    undoClear,
    csv,
  }
})
