/**
 * The script editor's checker: text in JSON or YAML (JSON is YAML, so one parser places both
 * syntax errors and schema problems), validated by the shared lab-script schema, every
 * problem tied to the line it comes from.
 */
import { isMap, stringify, type Document, type LineCounter } from 'yaml'
import { readYaml } from '../../shared/text-file'
import { parseLabScript, type LabScript } from '../../shared/lab-script'

/** One problem, where it is. */
export interface TextProblem {
  line: number
  column: number
  /** The step index and field, for schema problems. */
  step?: number
  field?: string
  message: string
}

/** What the checker found. */
export type CheckedText =
  | { ok: true; script: LabScript; value: unknown }
  | { ok: false; problems: TextProblem[]; value?: unknown }

/** The two formats the editor writes. */
export type ScriptFormat = 'yaml' | 'json'

/** Guesses the format of some text: JSON when it starts with `{`. */
export function formatOf(text: string): ScriptFormat {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml'
}

/** Writes a script (or any value) as text in a format. */
export function writeScript(value: unknown, format: ScriptFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value)
}

/** Line and column of the node at a schema path (or its nearest existing parent). */
function locate(
  doc: Document,
  lines: LineCounter,
  path: (string | number)[],
): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range
    if (range) {
      const pos = lines.linePos(range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return { line: 1, column: 1 }
}

/** Checks editor text; never throws. */
export function checkScriptText(text: string): CheckedText {
  // The same reader as a script file (shared/text-file.ts): size, nesting and alias limits, so
  // a "billion laughs" typed or pasted into the editor is a problem, not a frozen page.
  const read = readYaml(text)
  if (!read.ok) {
    const { line = 1, column = 1, message } = read.problem
    return { ok: false, problems: [{ line, column, message }] }
  }
  const { doc, lines, value } = read.value
  if (!isMap(doc.contents)) {
    return {
      ok: false,
      value,
      problems: [
        {
          line: 1,
          column: 1,
          message: 'A lab script is an object: { labScript: 1, steps: [...] }',
        },
      ],
    }
  }
  const parsed = parseLabScript(value)
  if (parsed.ok) return { ok: true, script: parsed.script, value }
  const problems = parsed.problems.map((p) => {
    const path =
      p.path === '(script)' ? [] : p.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    return {
      ...locate(doc, lines, path),
      ...(p.step !== undefined ? { step: p.step } : {}),
      field: p.field,
      message: p.message,
    }
  })
  problems.sort((a, b) => a.line - b.line || a.column - b.column)
  return { ok: false, value, problems }
}
