/**
 * Reads the script argument of `run` and `check`: a catalog id, or a JSON/YAML file. Every
 * failure is a sentence naming the file, the line (for syntax errors) or the step and field;
 * nothing a file holds makes it throw (main/cli/hostile-files.test.ts feeds it hostile files).
 * Files are bounded as shared/text-file.ts says: 1 MiB, 64 levels of nesting, 100 YAML alias
 * copies.
 */
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { scenarioScript } from '../../shared/catalog/index'
import { parseLabScript, type LabScript } from '../../shared/lab-script'
import {
  FILE_LIMITS,
  formatTextProblem,
  lineColumn,
  listProblems,
  readJson,
  readYaml,
  tooLargeMessage,
  type TextProblem,
  type TextRead,
} from '../../shared/text-file'

/** A loaded script, or why it could not be loaded. */
export type Loaded = { ok: true; script: LabScript } | { ok: false; message: string }

/** True when the argument names a file rather than a catalog id. */
export function looksLikeFile(arg: string): boolean {
  return /[/\\]/.test(arg) || /\.(json|ya?ml)$/i.test(arg)
}

function problemText(file: string, kind: 'JSON' | 'YAML', p: TextProblem): string {
  if (p.syntax)
    return `${file}: ${kind} syntax error at line ${p.line ?? 1}, column ${p.column ?? 1}: ${p.message}`
  return `${file}: ${formatTextProblem(p)}`
}

/** Parses file text as JSON or YAML (by extension; JSON when unknown). Never throws. */
export function parseScriptText(
  text: string,
  file: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const ext = extname(file).toLowerCase()
  const yaml = ext === '.yaml' || ext === '.yml'
  if (yaml) {
    const read = readYaml(text)
    return read.ok
      ? { ok: true, value: read.value.value }
      : { ok: false, message: problemText(file, 'YAML', read.problem) }
  }
  const read = readJson(text)
  return read.ok ? read : { ok: false, message: problemText(file, 'JSON', read.problem) }
}

/** Where the first byte that is not UTF-8 is (TextDecoder only says that there is one). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const c = bytes[i]!
    if (c < 0x80) {
      i++
      continue
    }
    const extra =
      c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0
    if (extra === 0 || i + extra >= bytes.length) return i
    const second = bytes[i + 1]!
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if (
      (c === 0xe0 && second < 0xa0) ||
      (c === 0xed && second > 0x9f) ||
      (c === 0xf0 && second < 0x90) ||
      (c === 0xf4 && second > 0x8f)
    )
      return i
    for (let k = 1; k <= extra; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    i += extra + 1
  }
  return -1
}

/**
 * The text of a file's bytes: UTF-8 (a byte-order mark is dropped), or UTF-16 when it starts
 * with its byte-order mark (Windows Notepad's "Unicode"). Anything else is refused with the
 * line of the first byte that is not UTF-8.
 */
export function decodeFileBytes(bytes: Uint8Array): TextRead<string> {
  if (bytes.length > FILE_LIMITS.bytes)
    return { ok: false, problem: { message: tooLargeMessage(bytes.length) } }
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : undefined
  if (utf16) {
    try {
      return { ok: true, value: new TextDecoder(utf16, { fatal: true }).decode(bytes.subarray(2)) }
    } catch {
      return {
        ok: false,
        problem: {
          message: `the file starts like UTF-16 (${utf16}) but is not valid UTF-16: save it as UTF-8`,
        },
      }
    }
  }
  try {
    // TextDecoder drops a UTF-8 byte-order mark itself.
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    const at = Math.max(firstInvalidUtf8(bytes), 0)
    // Decoding the valid part before it places the byte on its line and column.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at))
    return {
      ok: false,
      problem: {
        ...lineColumn(before, before.length),
        message: `byte 0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'} is not UTF-8: save the file as UTF-8`,
      },
    }
  }
}

/**
 * The lab script in a document: the document itself, or the `script` of a file that carries
 * one beside its results (what `socklab fuzz --out` writes, and main/lab/regressions/), so such
 * a file can be run and checked as it is.
 */
function scriptOf(value: unknown): unknown {
  if (value && typeof value === 'object' && !('labScript' in value) && 'script' in value)
    return (value as { script: unknown }).script
  return value
}

/** A script from a file's bytes (`file` names it in messages and picks JSON or YAML). */
export function readScriptBytes(bytes: Uint8Array, file: string): Loaded {
  try {
    const text = decodeFileBytes(bytes)
    if (!text.ok) return { ok: false, message: `${file}: ${formatTextProblem(text.problem)}` }
    const raw = parseScriptText(text.value, file)
    if (!raw.ok) return raw
    const parsed = parseLabScript(scriptOf(raw.value))
    if (!parsed.ok)
      return {
        ok: false,
        message: `${file} is not a valid lab script:\n${listProblems(parsed.message.split('\n'))}`,
      }
    return { ok: true, script: parsed.script }
  } catch (error) {
    // No file should get here (the fuzz tests look for one); if one does, a sentence, no stack.
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return { ok: false, message: `${file} could not be read as a lab script: ${detail}` }
  }
}

/**
 * At most the limit plus one byte of a regular file: a device or a pipe (`/dev/zero`) is
 * refused rather than read forever, and a huge file is not read to be refused.
 */
export async function readBounded(file: string): Promise<Uint8Array | string> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}.`
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) return `Cannot read ${file}: it is not a regular file.`
    if (info.size > FILE_LIMITS.bytes) return `${file}: ${tooLargeMessage(info.size)}.`
    const buffer = new Uint8Array(FILE_LIMITS.bytes + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > FILE_LIMITS.bytes) return `${file}: ${tooLargeMessage(length)} or more.`
    }
    return buffer.subarray(0, length)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    return `Cannot read ${file}: ${code === 'EISDIR' ? 'it is a folder' : code}.`
  } finally {
    await handle.close()
  }
}

/** Loads a catalog case or a script file. Never throws. */
export async function loadScript(arg: string): Promise<Loaded> {
  if (!looksLikeFile(arg)) {
    const script = scenarioScript(arg)
    if (script) return { ok: true, script }
    return {
      ok: false,
      message: `There is no case "${arg}" in the catalog (see "socklab list"), and no file by that name.`,
    }
  }
  const bytes = await readBounded(arg)
  if (typeof bytes === 'string') return { ok: false, message: bytes }
  return readScriptBytes(bytes, arg)
}
