/**
 * Teacher question packs (YAML or JSON; JSON is read as YAML, which it is a subset of): custom
 * questions, lab scripts to predict and run, zh/en text, a seed and a time limit. Every problem
 * names its line and field, so a teacher can fix the file without guessing.
 */
import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import { z } from 'zod'
import {
  labScriptSchema,
  localizedSchema,
  parseLabScript,
  type LabScriptInput,
  type Localized,
} from '../lab-script'
import { SUMMARY_CALLS, type SummaryCall } from '../summary-tables'
import { listProblems, readYaml } from '../text-file'
import { generateQuiz } from './generate'
import type { QuizProof } from './proof'
import { predictOptions } from './generators'
import { defaultSource, type QuizSource } from './generators'
import { createRng, deriveSeed, shuffled } from './prng'
import { QUESTION_TYPES, type Quiz, type QuizQuestion } from './types'

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (at most 64)')

const optionSchema = z.strictObject({ id, text: localizedSchema })

const questionSchema = z.strictObject({
  id,
  topic: z.string().min(1).max(64).default('custom'),
  kind: z.enum(['choice', 'order']).default('choice'),
  prompt: localizedSchema,
  options: z.array(optionSchema).min(2).max(12),
  /** `choice`: one option id; `order`: every option id in order. */
  answer: z.union([id, z.array(id).min(2)]),
  explanation: localizedSchema,
  caseId: z.string().min(1).max(100).optional(),
})

const labSchema = z.strictObject({
  id,
  topic: z.string().min(1).max(64).default('custom'),
  prompt: localizedSchema.optional(),
  /** Index of the step (a connect, recv or send) whose result the student predicts. */
  step: z.number().int().min(0),
  script: labScriptSchema,
  explanation: localizedSchema.optional(),
})

/** Question pack, version 1. */
export const packSchema = z.strictObject({
  pack: z.literal(1),
  id,
  title: localizedSchema,
  seed: z.number().int().min(0).max(4294967295).default(1),
  timeLimitMin: z.number().int().min(1).max(600).optional(),
  generate: z
    .strictObject({
      count: z.number().int().min(0).max(100),
      types: z.array(z.enum(QUESTION_TYPES.filter((t) => t !== 'custom'))).optional(),
    })
    .optional(),
  questions: z.array(questionSchema).max(200).default([]),
  labs: z.array(labSchema).max(50).default([]),
})
/** A validated pack. */
export type QuestionPack = z.output<typeof packSchema>

/** One problem in a pack file. */
export interface PackProblem {
  /** 1-based line and column in the file (the nearest node that exists). */
  line: number
  column: number
  /** Dotted path: `questions.2.answer`. */
  path: string
  field: string
  message: string
}

/** The outcome of {@link parsePack}. */
export type PackParse =
  { ok: true; pack: QuestionPack } | { ok: false; problems: PackProblem[]; message: string }

function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as Node | undefined
    const start =
      node && (isMap(node) || isSeq(node) || 'range' in node) ? node.range?.[0] : undefined
    if (start !== undefined) {
      const pos = lines.linePos(start)
      return { line: pos.line, column: pos.col }
    }
  }
  return { line: 1, column: 1 }
}

/** Formats problems one a line: `pack.yaml:12:5 questions.2.answer: ...`. */
export function formatPackProblems(problems: PackProblem[], fileName = 'pack'): string {
  return listProblems(
    problems.map((p) => `${fileName}:${p.line}:${p.column} ${p.path}: ${p.message}`),
  )
}

function problem(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  message: string,
): PackProblem {
  const at = locate(doc, lines, path)
  const field = path.length > 0 ? String(path[path.length - 1]) : '(pack)'
  return { ...at, path: path.map(String).join('.') || '(pack)', field, message }
}

function checkSemantics(pack: QuestionPack, doc: Document, lines: LineCounter): PackProblem[] {
  const out: PackProblem[] = []
  const seen = new Set<string>()
  pack.questions.forEach((q, i) => {
    if (seen.has(q.id))
      out.push(problem(doc, lines, ['questions', i, 'id'], `duplicate id "${q.id}"`))
    seen.add(q.id)
    const ids = q.options.map((o) => o.id)
    if (new Set(ids).size !== ids.length)
      out.push(problem(doc, lines, ['questions', i, 'options'], 'option ids must be unique'))
    const answer = typeof q.answer === 'string' ? [q.answer] : q.answer
    if (q.kind === 'choice' && answer.length !== 1)
      out.push(problem(doc, lines, ['questions', i, 'answer'], 'a choice question has one answer'))
    if (q.kind === 'order' && [...answer].sort().join() !== [...ids].sort().join())
      out.push(
        problem(
          doc,
          lines,
          ['questions', i, 'answer'],
          'an order answer lists every option id once',
        ),
      )
    for (const a of answer)
      if (!ids.includes(a))
        out.push(
          problem(
            doc,
            lines,
            ['questions', i, 'answer'],
            `"${a}" is not an option id (${ids.join(', ')})`,
          ),
        )
  })
  pack.labs.forEach((lab, i) => {
    if (seen.has(lab.id))
      out.push(problem(doc, lines, ['labs', i, 'id'], `duplicate id "${lab.id}"`))
    seen.add(lab.id)
    const script = parseLabScript(lab.script)
    if (!script.ok)
      for (const p of script.problems)
        out.push(
          problem(doc, lines, ['labs', i, 'script', ...p.path.split('.').map(keyOf)], p.message),
        )
    const step = lab.script.steps[lab.step]
    if (!step)
      out.push(
        problem(
          doc,
          lines,
          ['labs', i, 'step'],
          `no step ${lab.step} (the script has ${lab.script.steps.length})`,
        ),
      )
    else if (!(SUMMARY_CALLS as readonly string[]).includes(step.op))
      out.push(
        problem(
          doc,
          lines,
          ['labs', i, 'step'],
          `step ${lab.step} is "${step.op}"; predict a connect, recv or send`,
        ),
      )
  })
  if (pack.questions.length + pack.labs.length + (pack.generate?.count ?? 0) === 0)
    out.push(problem(doc, lines, [], 'the pack has no questions, labs or generated questions'))
  return out
}

function keyOf(part: string): string | number {
  return /^\d+$/.test(part) ? Number(part) : part
}

/** Parses and validates a pack file (YAML or JSON). Never throws. */
export function parsePack(text: string): PackParse {
  try {
    return parsePackText(text)
  } catch (error) {
    // No input should get here (the fuzz tests look for one); if one does, it is refused
    // with a sentence, never a stack trace.
    const message = `the pack could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`
    const problems = [{ line: 1, column: 1, path: '(pack)', field: '(pack)', message }]
    return { ok: false, problems, message: formatPackProblems(problems) }
  }
}

function parsePackText(text: string): PackParse {
  const read = readYaml(text)
  if (!read.ok) {
    // A syntax error, or the file as a whole (its size, encoding, nesting, aliases).
    const p = read.problem
    const where = p.syntax ? '(syntax)' : '(file)'
    const problems: PackProblem[] = [
      { line: p.line ?? 1, column: p.column ?? 1, path: where, field: where, message: p.message },
    ]
    return { ok: false, problems, message: formatPackProblems(problems) }
  }
  const { doc, lines, value } = read.value
  const parsed = packSchema.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const p = problem(doc, lines, issue.path, issue.message)
      return issue.code === 'unrecognized_keys'
        ? {
            ...p,
            field: issue.keys.join(','),
            message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
          }
        : p
    })
    return { ok: false, problems, message: formatPackProblems(problems) }
  }
  const problems = checkSemantics(parsed.data, doc, lines)
  if (problems.length > 0) return { ok: false, problems, message: formatPackProblems(problems) }
  return { ok: true, pack: parsed.data }
}

function labQuestion(
  pack: QuestionPack,
  lab: QuestionPack['labs'][number],
  seed: number,
): QuizQuestion {
  const step = lab.script.steps[lab.step]
  const call = (step?.op ?? 'send') as SummaryCall
  const title: Localized = lab.script.title ?? { en: lab.id, zh: lab.id }
  const script: LabScriptInput = lab.script
  return {
    id: `predict-run:${pack.id}:${lab.id}`,
    type: 'predict-run',
    topic: lab.topic,
    prompt: lab.prompt ?? {
      en: `Lab "${title.en}": predict what ${call}() (step ${lab.step}) returns, then run it.`,
      zh: `实验“${title.zh}”：先预测 ${call}()（第 ${lab.step} 步）的返回值，再运行它。`,
    },
    kind: 'choice',
    options: shuffled(
      createRng(deriveSeed(seed, lab.id)),
      predictOptions(defaultSource().rows, call),
    ),
    answer: [],
    explanation: lab.explanation ?? {
      en: 'The run decides: compare your prediction with what the backend returned.',
      zh: '以运行结果为准：把你的预测和后端的真实返回值对比。',
    },
    run: { script, step: lab.step, call },
  }
}

/**
 * The quiz a pack defines: its questions, its labs, then generated questions, by its seed.
 * Generated questions about results need the simulator's runs (`proof`, shared/quiz/proof.ts);
 * without them a pack's generated part has only errno questions.
 */
export function packQuiz(
  pack: QuestionPack,
  source: QuizSource = defaultSource(),
  proof?: QuizProof,
): Quiz {
  const seed = pack.seed
  const custom = pack.questions.map((q): QuizQuestion => {
    const rng = createRng(deriveSeed(seed, q.id))
    return {
      id: `custom:${pack.id}:${q.id}`,
      type: 'custom',
      topic: q.topic,
      prompt: q.prompt,
      kind: q.kind,
      options: shuffled(rng, q.options),
      answer: typeof q.answer === 'string' ? [q.answer] : q.answer,
      explanation: q.explanation,
      ...(q.caseId ? { caseId: q.caseId } : {}),
    }
  })
  const labs = pack.labs.map((lab) => labQuestion(pack, lab, seed))
  const generated = pack.generate
    ? generateQuiz({
        seed,
        count: pack.generate.count,
        types: pack.generate.types,
        source,
        proof,
      }).questions
    : []
  return {
    seed,
    packId: pack.id,
    questions: [...custom, ...labs, ...generated],
    ...(pack.timeLimitMin ? { timeLimitMin: pack.timeLimitMin } : {}),
  }
}
