/**
 * Reads the script argument of `run` and `check`: a catalog id, or a JSON/YAML file. Every
 * failure is a sentence naming the file, the line (for syntax errors) or the step and field.
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { scenarioScript } from '../../shared/catalog/index'
import { parseLabScript, type LabScript } from '../../shared/lab-script'

/** A loaded script, or why it could not be loaded. */
export type Loaded = { ok: true; script: LabScript } | { ok: false; message: string }

/** True when the argument names a file rather than a catalog id. */
export function looksLikeFile(arg: string): boolean {
  return /[/\\]/.test(arg) || /\.(json|ya?ml)$/i.test(arg)
}

/** Parses file text as JSON or YAML (by extension; JSON first when unknown). */
export function parseScriptText(
  text: string,
  file: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const ext = extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') {
    try {
      return { ok: true, value: parseYaml(text) }
    } catch (error) {
      if (error instanceof YAMLParseError) {
        const pos = error.linePos?.[0]
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position'
        return {
          ok: false,
          message: `${file}: YAML syntax error at ${where}: ${error.message.split('\n')[0]}`,
        }
      }
      throw error
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      message: `${file}: JSON syntax error${jsonErrorPosition(text, detail)}: ${detail}`,
    }
  }
}

/** Where a JSON syntax error is: Node's message when it says, else the YAML parser's (JSON is YAML). */
function jsonErrorPosition(text: string, detail: string): string {
  const match = /position (\d+)/.exec(detail)
  if (match) {
    const before = text.slice(0, Number(match[1]))
    return ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`
  }
  try {
    parseYaml(text)
  } catch (error) {
    const pos = error instanceof YAMLParseError ? error.linePos?.[0] : undefined
    if (pos) return ` at line ${pos.line}, column ${pos.col}`
  }
  return ''
}

/** Loads a catalog case or a script file. */
export async function loadScript(arg: string): Promise<Loaded> {
  if (!looksLikeFile(arg)) {
    const script = scenarioScript(arg)
    if (script) return { ok: true, script }
    return {
      ok: false,
      message: `There is no case "${arg}" in the catalog (see "socklab list"), and no file by that name.`,
    }
  }
  let text: string
  try {
    text = await readFile(arg, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return {
      ok: false,
      message: `Cannot read ${arg}: ${code === 'ENOENT' ? 'no such file' : String(error)}.`,
    }
  }
  const raw = parseScriptText(text, arg)
  if (!raw.ok) return raw
  const parsed = parseLabScript(raw.value)
  if (!parsed.ok)
    return { ok: false, message: `${arg} is not a valid lab script:\n${parsed.message}` }
  return { ok: true, script: parsed.script }
}
